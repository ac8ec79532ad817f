// Language: Verilog 2001

`resetall
`timescale 1ns / 1ps
`default_nettype none

/*
 * Address-event FIFO between two layer engines. Words are {eot, index}; the
 * end-of-timestep marker has eot = 1. Storage is a synchronous-read RAM with a
 * registered output word, so a word pushed in cycle y is offered to the
 * consumer from cycle y + 2 (the cycle model depends on this latency).
 * `count` holds every word not yet popped, output register included; the
 * producer uses it to start a fire phase only when a whole timestep fits.
 */
module sf_aer_fifo #
(
    // Word width in bits (1 + index width)
    parameter integer WIDTH = 8,
    // Capacity in words, a power of two >= 2
    parameter integer DEPTH = 16,
    // log2(DEPTH)
    parameter integer ADDR_W = 4,
    // RAM placement, see sf_ram_1r1w
    parameter STYLE = "block"
)
(
    input  wire              clk,
    input  wire              rst,

    /* input */
    input  wire [WIDTH-1:0]  s_data,
    input  wire              s_valid,
    output wire              s_ready,

    /* output */
    output wire [WIDTH-1:0]  m_data,
    output wire              m_valid,
    input  wire              m_ready,

    /* status */
    output wire [ADDR_W:0]   count
);

initial begin
    if ((1 << ADDR_W) != DEPTH || DEPTH < 2) begin
        $error("Error: DEPTH must be 2^ADDR_W and at least 2 (instance %m)");
        $finish;
    end
end

reg [ADDR_W-1:0] wr_ptr_reg = {ADDR_W{1'b0}};
reg [ADDR_W-1:0] rd_ptr_reg = {ADDR_W{1'b0}};
reg [ADDR_W:0]   mem_count_reg = {(ADDR_W+1){1'b0}};
reg [ADDR_W:0]   count_reg = {(ADDR_W+1){1'b0}};
reg              out_valid_reg = 1'b0;

wire push = s_valid && s_ready;
wire pop  = out_valid_reg && m_ready;
// Move the oldest stored word into the output register when it is free.
wire load = (mem_count_reg != 0) && (!out_valid_reg || pop);

assign s_ready = (count_reg != DEPTH[ADDR_W:0]);
assign m_valid = out_valid_reg;
assign count   = count_reg;

sf_ram_1r1w #(
    .WIDTH(WIDTH),
    .DEPTH(DEPTH),
    .ADDR_W(ADDR_W),
    .INIT_FILE(""),
    .STYLE(STYLE)
) ram_inst (
    .clk(clk),
    .wr_en(push),
    .wr_addr(wr_ptr_reg),
    .wr_data(s_data),
    .rd_en(load),
    .rd_addr(rd_ptr_reg),
    .rd_data(m_data)
);

always @(posedge clk) begin
    if (push) wr_ptr_reg <= wr_ptr_reg + 1'b1;
    if (load) rd_ptr_reg <= rd_ptr_reg + 1'b1;
    if (load) out_valid_reg <= 1'b1;
    else if (pop) out_valid_reg <= 1'b0;
    mem_count_reg <= mem_count_reg + {{ADDR_W{1'b0}}, push} - {{ADDR_W{1'b0}}, load};
    count_reg <= count_reg + {{ADDR_W{1'b0}}, push} - {{ADDR_W{1'b0}}, pop};

    if (rst) begin
        wr_ptr_reg <= {ADDR_W{1'b0}};
        rd_ptr_reg <= {ADDR_W{1'b0}};
        mem_count_reg <= {(ADDR_W+1){1'b0}};
        count_reg <= {(ADDR_W+1){1'b0}};
        out_valid_reg <= 1'b0;
    end
end

endmodule

`resetall
