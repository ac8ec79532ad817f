// Language: Verilog 2001

`resetall
`timescale 1ns / 1ps
`default_nettype none

/*
 * Bridge between UART byte streams and the network's event streams
 * (docs/uart-protocol.md is the contract).
 *
 * Every record starts with a header byte (bit 7 set, record type in bits
 * 6..0) and goes on with data bytes (bit 7 clear, 7 value bits each, least
 * significant group first). A header always starts a new record, so a receiver
 * that lost bytes is back in step at the next header.
 *
 * Host to board: NOP, EVENT {payload, index}, EOT, RESET, INFO,
 *                LOAD {data, address} (LD_ADDR_W > 0).
 * Board to host: EVENT {index}, EOT {step mod 128}, RESET (done),
 *                INFO {version, IN_IDX_W, IN_PAY_W, OUT_IDX_W, LD_ADDR_W, LD_DATA_W},
 *                ERROR {code}.
 *
 * LOAD writes one word of the network's SPRAM weight memories (ld_*): from its
 * header on, net_rst stays high (the network takes weight writes only in reset)
 * until a RESET record, which then resets the network as usual.
 *
 * Network events are never dropped: s_evt_ready stays low while a record is
 * being sent. Input bytes cannot be held back (a UART has no flow control), so
 * a completed input record that finds the previous event still waiting for the
 * network is reported with an ERROR record instead of being lost silently.
 */
module sf_uart_bridge #
(
    // Width of an input event's neuron index (bits)
    parameter integer IN_IDX_W = 8,
    // Width of an input event's payload (bits)
    parameter integer IN_PAY_W = 1,
    // Width of an output event's neuron index (bits)
    parameter integer OUT_IDX_W = 8,
    // Clock cycles net_rst stays high after a RESET record
    parameter integer RESET_CYCLES = 4,
    // Weight load port widths (0: no load port, LOAD is an unknown record)
    parameter integer LD_ADDR_W = 0,
    parameter integer LD_DATA_W = 0
)
(
    input  wire                  clk,
    input  wire                  rst,

    /* bytes from the UART receiver */
    input  wire [7:0]            s_axis_tdata,
    input  wire                  s_axis_tvalid,
    output wire                  s_axis_tready,
    input  wire                  rx_frame_error,
    input  wire                  rx_overrun_error,

    /* bytes to the UART transmitter */
    output wire [7:0]            m_axis_tdata,
    output wire                  m_axis_tvalid,
    input  wire                  m_axis_tready,

    /* input events to the network */
    output wire                  m_evt_valid,
    input  wire                  m_evt_ready,
    output wire                  m_evt_eot,
    output wire [IN_IDX_W-1:0]   m_evt_index,
    output wire [IN_PAY_W-1:0]   m_evt_payload,

    /* output events from the network */
    input  wire                  s_evt_valid,
    output wire                  s_evt_ready,
    input  wire                  s_evt_eot,
    input  wire [OUT_IDX_W-1:0]  s_evt_index,

    /* network reset requested by the host (OR it with rst) */
    output wire                  net_rst,

    /* weight load: one write per LOAD record, while net_rst is high */
    output wire                  ld_we,
    output wire [(LD_ADDR_W > 0 ? LD_ADDR_W : 1)-1:0] ld_addr,
    output wire [(LD_DATA_W > 0 ? LD_DATA_W : 1)-1:0] ld_data,

    /* status: an error was reported since the last reset; toggles per output timestep */
    output wire                  status_error,
    output wire                  status_step
);

localparam [7:0] PROTOCOL_VERSION = 8'd2;

// Record types (header byte = 8'h80 | type).
localparam [6:0] REC_NOP   = 7'h00;
localparam [6:0] REC_EVENT = 7'h01;
localparam [6:0] REC_EOT   = 7'h02;
localparam [6:0] REC_RESET = 7'h03;
localparam [6:0] REC_INFO  = 7'h04;
localparam [6:0] REC_ERROR = 7'h05;
localparam [6:0] REC_LOAD  = 7'h06;

// ERROR record codes.
localparam [6:0] ERR_FRAMING   = 7'd1;  // UART stop bit missing
localparam [6:0] ERR_OVERRUN   = 7'd2;  // input arrived before the last was taken (record or byte)
localparam [6:0] ERR_TRUNCATED = 7'd3;  // header arrived inside an EVENT or LOAD record
localparam [6:0] ERR_STRAY     = 7'd4;  // data byte outside a record
localparam [6:0] ERR_UNKNOWN   = 7'd5;  // unknown record type

localparam integer IN_DATA_W  = IN_IDX_W + IN_PAY_W;
localparam integer IN_GROUPS  = (IN_DATA_W + 6) / 7;
localparam integer OUT_GROUPS = (OUT_IDX_W + 6) / 7;
localparam integer LD_AW      = LD_ADDR_W > 0 ? LD_ADDR_W : 1;
localparam integer LD_DW      = LD_DATA_W > 0 ? LD_DATA_W : 1;
localparam integer LD_BITS    = LD_AW + LD_DW;
localparam integer LD_GROUPS  = (LD_BITS + 6) / 7;
localparam integer RX_GROUPS  = (LD_ADDR_W > 0 && LD_GROUPS > IN_GROUPS) ? LD_GROUPS : IN_GROUPS;
// An INFO reply carries four 7-bit groups.
localparam integer INFO_GROUPS = 6;
localparam integer TX_GROUPS  = OUT_GROUPS > INFO_GROUPS ? OUT_GROUPS : INFO_GROUPS;
localparam integer RX_SHIFT_W = RX_GROUPS * 7;
localparam integer TX_SHIFT_W = TX_GROUPS * 7;
localparam integer RX_CNT_W   = $clog2(RX_GROUPS + 1);
localparam integer TX_CNT_W   = $clog2(TX_GROUPS + 1);
localparam integer RST_CNT_W  = $clog2(RESET_CYCLES + 1);
localparam [TX_CNT_W-1:0] ONE_GROUP = 1;

initial begin
    if (IN_IDX_W < 1 || IN_IDX_W > 127 || IN_PAY_W < 1 || IN_PAY_W > 127 ||
            OUT_IDX_W < 1 || OUT_IDX_W > 127) begin
        $error("Error: IN_IDX_W, IN_PAY_W and OUT_IDX_W must be 1..127 (instance %m)");
        $finish;
    end
    if (LD_ADDR_W < 0 || LD_ADDR_W > 64 || LD_DATA_W < 0 || LD_DATA_W > 64 ||
            (LD_ADDR_W == 0) != (LD_DATA_W == 0)) begin
        $error("Error: LD_ADDR_W and LD_DATA_W must both be 0 or both 1..64 (instance %m)");
        $finish;
    end
    if (RESET_CYCLES < 1) begin
        $error("Error: RESET_CYCLES must be at least 1 (instance %m)");
        $finish;
    end
end

/* receive side */
reg                   rx_active_reg = 1'b0;  // inside an EVENT or LOAD record
reg                   rx_load_reg = 1'b0;    // ... a LOAD record
reg [RX_CNT_W-1:0]    rx_count_reg = {RX_CNT_W{1'b0}};  // data bytes still to come
reg [RX_SHIFT_W-1:0]  rx_shift_reg = {RX_SHIFT_W{1'b0}};

reg                   evt_valid_reg = 1'b0;
reg                   evt_eot_reg = 1'b0;
reg [IN_IDX_W-1:0]    evt_index_reg = {IN_IDX_W{1'b0}};
reg [IN_PAY_W-1:0]    evt_payload_reg = {IN_PAY_W{1'b0}};

/* reset sequencer; LOAD holds the network in reset until the next RESET */
reg                   net_rst_reg = 1'b0;
reg                   load_hold_reg = 1'b0;
reg                   ld_we_reg = 1'b0;
reg [LD_AW-1:0]       ld_addr_reg = {LD_AW{1'b0}};
reg [LD_DW-1:0]       ld_data_reg = {LD_DW{1'b0}};
reg [RST_CNT_W-1:0]   rst_count_reg = {RST_CNT_W{1'b0}};

/* requests waiting for the transmitter */
reg                   ack_pending_reg = 1'b0;
reg                   info_pending_reg = 1'b0;
reg                   err_pending_reg = 1'b0;
reg [6:0]             err_code_reg = 7'd0;
reg                   err_seen_reg = 1'b0;

/* transmit side */
reg                   tx_valid_reg = 1'b0;
reg [7:0]             tx_data_reg = 8'd0;
reg [TX_CNT_W-1:0]    tx_count_reg = {TX_CNT_W{1'b0}};  // data bytes left in this record
reg [TX_SHIFT_W-1:0]  tx_shift_reg = {TX_SHIFT_W{1'b0}};
reg [6:0]             step_reg = 7'd0;  // output timesteps since reset, mod 128
reg                   step_toggle_reg = 1'b0;

reg                   rx_active_next;
reg                   rx_load_next;
reg                   load_hold_next;
reg                   ld_we_next;
reg [LD_AW-1:0]       ld_addr_next;
reg [LD_DW-1:0]       ld_data_next;
reg [RX_CNT_W-1:0]    rx_count_next;
reg [RX_SHIFT_W-1:0]  rx_shift_next;
reg                   evt_valid_next;
reg                   evt_eot_next;
reg [IN_IDX_W-1:0]    evt_index_next;
reg [IN_PAY_W-1:0]    evt_payload_next;
reg                   net_rst_next;
reg [RST_CNT_W-1:0]   rst_count_next;
reg                   ack_pending_next;
reg                   info_pending_next;
reg                   err_pending_next;
reg [6:0]             err_code_next;
reg                   err_seen_next;
reg                   tx_valid_next;
reg [7:0]             tx_data_next;
reg [TX_CNT_W-1:0]    tx_count_next;
reg [TX_SHIFT_W-1:0]  tx_shift_next;
reg [6:0]             step_next;
reg                   step_toggle_next;

// The transmitter slot is free for a new record: no byte waiting, none left.
wire tx_idle = !tx_valid_reg && (tx_count_reg == 0);
wire bridge_busy = err_pending_reg || ack_pending_reg || info_pending_reg;

assign s_axis_tready = 1'b1;

assign m_axis_tdata  = tx_data_reg;
assign m_axis_tvalid = tx_valid_reg;

// the network is in reset while either holds
wire net_in_reset    = net_rst_reg || load_hold_reg;

assign m_evt_valid   = evt_valid_reg && !net_in_reset;
assign m_evt_eot     = evt_eot_reg;
assign m_evt_index   = evt_index_reg;
assign m_evt_payload = evt_payload_reg;

assign s_evt_ready   = tx_idle && !bridge_busy && !net_in_reset;

assign net_rst       = net_in_reset;
assign ld_we         = ld_we_reg;
assign ld_addr       = ld_addr_reg;
assign ld_data       = ld_data_reg;
assign status_error  = err_seen_reg;
assign status_step   = step_toggle_reg;

wire rx_byte = s_axis_tvalid;
wire rx_header = s_axis_tdata[7];
wire [6:0] rx_value = s_axis_tdata[6:0];
// The event register can take a new event this cycle.
wire evt_free = !evt_valid_reg || (m_evt_valid && m_evt_ready);
// The newest group enters at the top, so the first one received ends up least
// significant; the group falling out of the bottom is stale.
wire [RX_SHIFT_W+6:0] rx_joined = {rx_value, rx_shift_reg};
wire [RX_SHIFT_W-1:0] rx_shifted = rx_joined[RX_SHIFT_W+6:7];
// A record of n groups ends with them in the top n groups of the register.
wire [IN_GROUPS*7-1:0] rx_evt_word = rx_shifted[RX_SHIFT_W-1 -: IN_GROUPS*7];
wire [LD_GROUPS*7-1:0] rx_ld_word = rx_shifted[RX_SHIFT_W-1 -: LD_GROUPS*7];  // (LD_GROUPS <= RX_GROUPS)
/* verilator lint_off UNUSEDSIGNAL */
wire [6:0]            unused_rx_stale = rx_joined[6:0];
wire                  unused_rx_high = ^{rx_evt_word, rx_ld_word};
/* verilator lint_on UNUSEDSIGNAL */

// Records the first error until the transmitter has reported it.
task raise_error;
    input [6:0] code;
    begin
        if (!err_pending_next) begin
            err_pending_next = 1'b1;
            err_code_next = code;
        end
        err_seen_next = 1'b1;
    end
endtask

// Hands an input event (or end-of-timestep marker) to the network.
task push_event;
    input                 eot;
    input [IN_IDX_W-1:0]  index;
    input [IN_PAY_W-1:0]  payload;
    begin
        if (evt_free) begin
            evt_valid_next = 1'b1;
            evt_eot_next = eot;
            evt_index_next = index;
            evt_payload_next = payload;
        end else begin
            raise_error(ERR_OVERRUN);
        end
    end
endtask

always @* begin
    rx_active_next = rx_active_reg;
    rx_load_next = rx_load_reg;
    load_hold_next = load_hold_reg;
    ld_we_next = 1'b0;
    ld_addr_next = ld_addr_reg;
    ld_data_next = ld_data_reg;
    rx_count_next = rx_count_reg;
    rx_shift_next = rx_shift_reg;
    evt_valid_next = evt_valid_reg && !(m_evt_valid && m_evt_ready);
    evt_eot_next = evt_eot_reg;
    evt_index_next = evt_index_reg;
    evt_payload_next = evt_payload_reg;
    net_rst_next = net_rst_reg;
    rst_count_next = rst_count_reg;
    ack_pending_next = ack_pending_reg;
    info_pending_next = info_pending_reg;
    err_pending_next = err_pending_reg;
    err_code_next = err_code_reg;
    err_seen_next = err_seen_reg;
    tx_valid_next = tx_valid_reg && !m_axis_tready;
    tx_data_next = tx_data_reg;
    tx_count_next = tx_count_reg;
    tx_shift_next = tx_shift_reg;
    step_next = step_reg;
    step_toggle_next = step_toggle_reg;

    // Reset sequencer: the network's reset ends, then the host hears RESET.
    if (net_rst_reg) begin
        if (rst_count_reg == 1) begin
            net_rst_next = 1'b0;
            ack_pending_next = 1'b1;
        end
        rst_count_next = rst_count_reg - 1'b1;
    end

    // Receive. The receiver drops a byte only if this side stalls, which it
    // never does; should it happen, the record it belonged to is lost.
    if (rx_frame_error || rx_overrun_error) begin
        rx_active_next = 1'b0;
        raise_error(rx_frame_error ? ERR_FRAMING : ERR_OVERRUN);
    end else if (rx_byte && rx_header) begin
        if (rx_active_reg) begin
            raise_error(ERR_TRUNCATED);
        end
        rx_active_next = 1'b0;
        case (rx_value)
            REC_NOP: begin
            end
            REC_EVENT: begin
                rx_active_next = 1'b1;
                rx_load_next = 1'b0;
                rx_count_next = IN_GROUPS[RX_CNT_W-1:0];
            end
            REC_EOT: begin
                push_event(1'b1, {IN_IDX_W{1'b0}}, {IN_PAY_W{1'b0}});
            end
            REC_RESET: begin
                net_rst_next = 1'b1;
                load_hold_next = 1'b0;
                rst_count_next = RESET_CYCLES[RST_CNT_W-1:0];
                ack_pending_next = 1'b0;
                evt_valid_next = 1'b0;
                step_next = 7'd0;
                err_seen_next = 1'b0;
            end
            REC_INFO: begin
                info_pending_next = 1'b1;
            end
            REC_LOAD: begin
                if (LD_ADDR_W > 0) begin
                    rx_active_next = 1'b1;
                    rx_load_next = 1'b1;
                    rx_count_next = LD_GROUPS[RX_CNT_W-1:0];
                    load_hold_next = 1'b1;
                    evt_valid_next = 1'b0;
                end else begin
                    raise_error(ERR_UNKNOWN);
                end
            end
            default: begin
                raise_error(ERR_UNKNOWN);
            end
        endcase
    end else if (rx_byte) begin
        if (!rx_active_reg) begin
            raise_error(ERR_STRAY);
        end else begin
            rx_shift_next = rx_shifted;
            rx_count_next = rx_count_reg - 1'b1;
            if (rx_count_reg == 1) begin
                rx_active_next = 1'b0;
                if (rx_load_reg) begin
                    ld_we_next = 1'b1;
                    ld_addr_next = rx_ld_word[LD_AW-1:0];
                    ld_data_next = rx_ld_word[LD_BITS-1:LD_AW];
                end else begin
                    push_event(1'b0, rx_evt_word[IN_IDX_W-1:0], rx_evt_word[IN_DATA_W-1:IN_IDX_W]);
                end
            end
        end
    end

    // Transmit: finish the current record, then start the most urgent one.
    if (!tx_valid_reg) begin
        if (tx_count_reg != 0) begin
            tx_valid_next = 1'b1;
            tx_data_next = {1'b0, tx_shift_reg[6:0]};
            tx_shift_next = tx_shift_reg >> 7;
            tx_count_next = tx_count_reg - 1'b1;
        end else if (err_pending_reg) begin
            tx_valid_next = 1'b1;
            tx_data_next = {1'b1, REC_ERROR};
            tx_shift_next = {{(TX_SHIFT_W-7){1'b0}}, err_code_reg};
            tx_count_next = ONE_GROUP;
            err_pending_next = 1'b0;
        end else if (ack_pending_reg) begin
            tx_valid_next = 1'b1;
            tx_data_next = {1'b1, REC_RESET};
            ack_pending_next = 1'b0;
        end else if (info_pending_reg) begin
            tx_valid_next = 1'b1;
            tx_data_next = {1'b1, REC_INFO};
            tx_shift_next = {{(TX_SHIFT_W-42){1'b0}}, LD_DATA_W[6:0], LD_ADDR_W[6:0], OUT_IDX_W[6:0],
                             IN_PAY_W[6:0], IN_IDX_W[6:0], PROTOCOL_VERSION[6:0]};
            tx_count_next = INFO_GROUPS[TX_CNT_W-1:0];
            info_pending_next = 1'b0;
        end else if (s_evt_valid && s_evt_ready) begin
            tx_valid_next = 1'b1;
            if (s_evt_eot) begin
                tx_data_next = {1'b1, REC_EOT};
                tx_shift_next = {{(TX_SHIFT_W-7){1'b0}}, step_reg};
                tx_count_next = ONE_GROUP;
                step_next = step_reg + 1'b1;
                step_toggle_next = !step_toggle_reg;
            end else begin
                tx_data_next = {1'b1, REC_EVENT};
                tx_shift_next = {{(TX_SHIFT_W-OUT_IDX_W){1'b0}}, s_evt_index};
                tx_count_next = OUT_GROUPS[TX_CNT_W-1:0];
            end
        end
    end
end

always @(posedge clk) begin
    rx_active_reg <= rx_active_next;
    rx_load_reg <= rx_load_next;
    load_hold_reg <= load_hold_next;
    ld_we_reg <= ld_we_next;
    ld_addr_reg <= ld_addr_next;
    ld_data_reg <= ld_data_next;
    rx_count_reg <= rx_count_next;
    rx_shift_reg <= rx_shift_next;
    evt_valid_reg <= evt_valid_next;
    evt_eot_reg <= evt_eot_next;
    evt_index_reg <= evt_index_next;
    evt_payload_reg <= evt_payload_next;
    net_rst_reg <= net_rst_next;
    rst_count_reg <= rst_count_next;
    ack_pending_reg <= ack_pending_next;
    info_pending_reg <= info_pending_next;
    err_pending_reg <= err_pending_next;
    err_code_reg <= err_code_next;
    err_seen_reg <= err_seen_next;
    tx_valid_reg <= tx_valid_next;
    tx_data_reg <= tx_data_next;
    tx_count_reg <= tx_count_next;
    tx_shift_reg <= tx_shift_next;
    step_reg <= step_next;
    step_toggle_reg <= step_toggle_next;

    if (rst) begin
        rx_active_reg <= 1'b0;
        rx_load_reg <= 1'b0;
        load_hold_reg <= 1'b0;
        ld_we_reg <= 1'b0;
        rx_count_reg <= {RX_CNT_W{1'b0}};
        evt_valid_reg <= 1'b0;
        net_rst_reg <= 1'b0;
        rst_count_reg <= {RST_CNT_W{1'b0}};
        ack_pending_reg <= 1'b0;
        info_pending_reg <= 1'b0;
        err_pending_reg <= 1'b0;
        err_seen_reg <= 1'b0;
        tx_valid_reg <= 1'b0;
        tx_count_reg <= {TX_CNT_W{1'b0}};
        step_reg <= 7'd0;
        step_toggle_reg <= 1'b0;
    end
end

endmodule

`resetall
