// Language: Verilog 2001

`resetall
`timescale 1ns / 1ps
`default_nettype none

/*
 * UART receiver, 8N1. The line passes a two-flop synchronizer; a falling edge starts a frame,
 * and each bit is sampled once, in its middle: DIV / 2 cycles after the edge for the start bit
 * (a low pulse shorter than that is ignored as a glitch), then every DIV cycles.
 * A stop bit read as 0 drops the byte, pulses frame_error and waits for the line to go high
 * again (a break does not produce a stream of errors). A byte that completes while the
 * previous one is still waiting on the stream is dropped and pulses overrun_error.
 */
module sf_uart_rx #
(
    // clock frequency in Hz
    parameter integer CLK_HZ = 12000000,
    // line rate in bit/s; round(CLK_HZ / BAUD) must be >= 4 and within 2 % of CLK_HZ / BAUD
    parameter integer BAUD   = 115200
)
(
    input  wire       clk,
    input  wire       rst,

    /* serial line (asynchronous) */
    input  wire       rxd,

    /* byte stream out */
    output wire [7:0] m_axis_tdata,
    output wire       m_axis_tvalid,
    input  wire       m_axis_tready,

    /* status, one-cycle pulses */
    output wire       frame_error,
    output wire       overrun_error
);

// clock cycles per bit, rounded to nearest
localparam integer DIV   = (BAUD > 0) ? (CLK_HZ + BAUD / 2) / BAUD : 0;
localparam integer CNT_W = (DIV > 1) ? $clog2(DIV) : 1;
// |DIV * BAUD - CLK_HZ|, the rate error times BAUD
localparam integer DIV_ERR = (DIV * BAUD > CLK_HZ) ? DIV * BAUD - CLK_HZ : CLK_HZ - DIV * BAUD;

localparam [31:0] DIV_M1_32  = DIV - 1;
localparam [31:0] HALF_M1_32 = DIV / 2 - 1;
localparam [CNT_W-1:0] DIV_M1  = DIV_M1_32[CNT_W-1:0];
localparam [CNT_W-1:0] HALF_M1 = HALF_M1_32[CNT_W-1:0];

// check configuration
initial begin
    if (CLK_HZ <= 0 || BAUD <= 0) begin
        $error("Error: CLK_HZ and BAUD must be positive (instance %m)");
        $finish;
    end

    if (DIV < 4) begin
        $error("Error: CLK_HZ / BAUD must be at least 4 (instance %m)");
        $finish;
    end

    if (DIV_ERR > CLK_HZ / 50) begin
        $error("Error: CLK_HZ / BAUD is more than 2 %% from an integer divisor (instance %m)");
        $finish;
    end
end

localparam [2:0]
    STATE_IDLE      = 3'd0,  // line high, waiting for a start bit
    STATE_START     = 3'd1,  // waiting for the middle of the start bit
    STATE_DATA      = 3'd2,  // sampling data bits
    STATE_STOP      = 3'd3,  // waiting for the middle of the stop bit
    STATE_WAIT_HIGH = 3'd4;  // after a framing error, until the line is high

// synchronizer; the line idles high
reg rxd_meta_reg = 1'b1;
reg rxd_reg = 1'b1;

reg [2:0] state_reg = STATE_IDLE, state_next;
// clock cycles until the next sample, minus one
reg [CNT_W-1:0] cnt_reg = {CNT_W{1'b0}}, cnt_next;
// data bits received so far in this frame (mod 8)
reg [2:0] bit_cnt_reg = 3'd0, bit_cnt_next;
reg [7:0] shift_reg = 8'd0, shift_next;

reg [7:0] m_axis_tdata_reg = 8'd0, m_axis_tdata_next;
reg m_axis_tvalid_reg = 1'b0, m_axis_tvalid_next;
reg frame_error_reg = 1'b0, frame_error_next;
reg overrun_error_reg = 1'b0, overrun_error_next;

assign m_axis_tdata  = m_axis_tdata_reg;
assign m_axis_tvalid = m_axis_tvalid_reg;
assign frame_error   = frame_error_reg;
assign overrun_error = overrun_error_reg;

wire sample = (cnt_reg == {CNT_W{1'b0}});

always @* begin
    state_next         = state_reg;
    cnt_next           = sample ? DIV_M1 : cnt_reg - {{(CNT_W-1){1'b0}}, 1'b1};
    bit_cnt_next       = bit_cnt_reg;
    shift_next         = shift_reg;
    m_axis_tdata_next  = m_axis_tdata_reg;
    m_axis_tvalid_next = m_axis_tvalid_reg && !m_axis_tready;
    frame_error_next   = 1'b0;
    overrun_error_next = 1'b0;

    case (state_reg)
        STATE_IDLE: begin
            if (!rxd_reg) begin
                cnt_next   = HALF_M1;
                state_next = STATE_START;
            end
        end
        STATE_START: begin
            if (sample) begin
                // still low in its middle: a start bit; high again: a glitch
                bit_cnt_next = 3'd0;
                state_next   = rxd_reg ? STATE_IDLE : STATE_DATA;
            end
        end
        STATE_DATA: begin
            if (sample) begin
                shift_next   = {rxd_reg, shift_reg[7:1]};
                bit_cnt_next = bit_cnt_reg + 3'd1;
                if (bit_cnt_reg == 3'd7) begin
                    state_next = STATE_STOP;
                end
            end
        end
        STATE_STOP: begin
            if (sample) begin
                if (!rxd_reg) begin
                    frame_error_next = 1'b1;
                    state_next       = STATE_WAIT_HIGH;
                end else begin
                    state_next = STATE_IDLE;
                    if (m_axis_tvalid_reg && !m_axis_tready) begin
                        overrun_error_next = 1'b1;
                    end else begin
                        m_axis_tdata_next  = shift_reg;
                        m_axis_tvalid_next = 1'b1;
                    end
                end
            end
        end
        STATE_WAIT_HIGH: begin
            if (rxd_reg) begin
                state_next = STATE_IDLE;
            end
        end
        default: begin
            state_next = STATE_IDLE;
        end
    endcase
end

always @(posedge clk) begin
    rxd_meta_reg      <= rxd;
    rxd_reg           <= rxd_meta_reg;
    state_reg         <= state_next;
    cnt_reg           <= cnt_next;
    bit_cnt_reg       <= bit_cnt_next;
    shift_reg         <= shift_next;
    m_axis_tdata_reg  <= m_axis_tdata_next;
    m_axis_tvalid_reg <= m_axis_tvalid_next;
    frame_error_reg   <= frame_error_next;
    overrun_error_reg <= overrun_error_next;

    if (rst) begin
        rxd_meta_reg      <= 1'b1;
        rxd_reg           <= 1'b1;
        state_reg         <= STATE_IDLE;
        cnt_reg           <= {CNT_W{1'b0}};
        m_axis_tvalid_reg <= 1'b0;
        frame_error_reg   <= 1'b0;
        overrun_error_reg <= 1'b0;
    end
end

endmodule

`resetall
