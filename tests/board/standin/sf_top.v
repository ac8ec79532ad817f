// Language: Verilog 2001

`resetall
`timescale 1ns / 1ps
`default_nettype none

/*
 * Stand-in for a generated network, with sf_top's ports, for testing the UART
 * bridge and the board wrapper on their own. Per timestep it outputs the set
 * {(index + payload) mod 2^OUT_IDX_W} of its input events, sorted, after the
 * end-of-timestep marker: the shape of a real network's answer (sorted events
 * after the marker, backpressure honoured) with an answer a test can predict.
 * It refuses input on a pseudo-random pattern so the bridge must hold events.
 */
module sf_top
(
    input  wire        clk,
    input  wire        rst,

    /* input events */
    input  wire        s_evt_valid,
    output wire        s_evt_ready,
    input  wire        s_evt_eot,
    input  wire [8:0]  s_evt_index,
    input  wire [3:0]  s_evt_payload,

    /* output events */
    output wire        m_evt_valid,
    input  wire        m_evt_ready,
    output wire        m_evt_eot,
    output wire [7:0]  m_evt_index,

    /* debug monitor, left open on a board like a real network's */
    output wire [9:0]  dbg_l0_count,

    /* debug read request, tied off on a board like a real network's */
    input  wire        dbg_rd_en
);

localparam integer OUT_N = 256;

reg [OUT_N-1:0]  seen_reg = {OUT_N{1'b0}};
reg              scan_reg = 1'b0;   // emitting the timestep's answer
reg [8:0]        ptr_reg = 9'd0;    // next neuron to look at; OUT_N = the marker
reg [9:0]        count_reg = 10'd0;
reg [6:0]        lfsr_reg = 7'h5a;

wire [8:0] ptr_next = ptr_reg + 1'b1;
wire [7:0] target = s_evt_index[7:0] + {4'd0, s_evt_payload};
wire       accept = s_evt_valid && s_evt_ready;
wire       at_marker = ptr_reg[8];
wire       hit = !at_marker && seen_reg[ptr_reg[7:0]];

assign s_evt_ready  = !scan_reg && lfsr_reg[0];
assign m_evt_valid  = scan_reg && (hit || at_marker);
assign m_evt_eot    = at_marker;
assign m_evt_index  = ptr_reg[7:0];
assign dbg_l0_count = count_reg;

// s_evt_index[8] only widens the input range; the sum wraps at OUT_N anyway.
wire unused_index_msb = s_evt_index[8];
wire unused_dbg_rd_en = dbg_rd_en;

always @(posedge clk) begin
    lfsr_reg <= {lfsr_reg[5:0], lfsr_reg[6] ^ lfsr_reg[5]};
    if (accept) begin
        if (s_evt_eot) begin
            scan_reg <= 1'b1;
            ptr_reg <= 9'd0;
        end else begin
            seen_reg[target] <= 1'b1;
            count_reg <= count_reg + 1'b1;
        end
    end
    if (scan_reg) begin
        if (at_marker) begin
            if (m_evt_ready) begin
                scan_reg <= 1'b0;
                count_reg <= 10'd0;
            end
        end else if (!hit || m_evt_ready) begin
            seen_reg[ptr_reg[7:0]] <= 1'b0;
            ptr_reg <= ptr_next;
        end
    end

    if (rst) begin
        seen_reg <= {OUT_N{1'b0}};
        scan_reg <= 1'b0;
        ptr_reg <= 9'd0;
        count_reg <= 10'd0;
        lfsr_reg <= 7'h5a;
    end
end

endmodule

`resetall
