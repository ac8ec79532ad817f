// Language: Verilog 2001

`resetall
`timescale 1ns / 1ps
`default_nettype none

/*
 * Simple dual-port RAM: one synchronous write port, one synchronous read port
 * (read-first: a read and a write of the same address in one cycle return the
 * old word). Inferred by the synthesizer; STYLE selects where it goes. rd_data
 * changes only after a cycle with rd_en (and, for "spram", no wr_en).
 */
module sf_ram_1r1w #
(
    // Word width in bits
    parameter integer WIDTH = 8,
    // Number of words
    parameter integer DEPTH = 16,
    // Address width in bits, >= clog2(DEPTH)
    parameter integer ADDR_W = 4,
    // Hex file loaded at elaboration ($readmemh), "" for all zeros
    parameter INIT_FILE = "",
    // "block" (EBR), "logic" (flip-flops / LUTs) or "spram" (iCE40 SPRAM, inferred by
    // synth_ice40 from ram_style "huge"). "spram" is single-ported: a write takes the cycle (a read
    // requested in it is dropped and rd_data keeps its word), and it has no initial
    // contents (the bitstream does not initialize SPRAM): its user writes it first.
    parameter STYLE = "block"
)
(
    input  wire              clk,

    /* write port */
    input  wire              wr_en,
    input  wire [ADDR_W-1:0] wr_addr,
    input  wire [WIDTH-1:0]  wr_data,

    /* read port */
    input  wire              rd_en,
    input  wire [ADDR_W-1:0] rd_addr,
    output wire [WIDTH-1:0]  rd_data
);

initial begin
    if (WIDTH < 1 || DEPTH < 1) begin
        $error("Error: WIDTH and DEPTH must be positive (instance %m)");
        $finish;
    end
    if (STYLE != "block" && STYLE != "logic" && STYLE != "spram") begin
        $error("Error: STYLE must be \"block\", \"logic\" or \"spram\" (instance %m)");
        $finish;
    end
    if (STYLE == "spram" && INIT_FILE != "") begin
        $error("Error: STYLE \"spram\" cannot have an INIT_FILE: the bitstream does not initialize it (instance %m)");
        $finish;
    end
    if ((1 << ADDR_W) < DEPTH) begin
        $error("Error: ADDR_W too small for DEPTH (instance %m)");
        $finish;
    end
end

reg [WIDTH-1:0] rd_data_reg;
assign rd_data = rd_data_reg;

// One branch per style because a synthesis attribute takes a constant, not a parameter.
generate
if (STYLE == "spram") begin : g_spram
    // one address for both: the single port SB_SPRAM256KA inference needs
    (* ram_style = "huge" *) reg [WIDTH-1:0] mem [0:DEPTH-1];
    wire [ADDR_W-1:0] addr = wr_en ? wr_addr : rd_addr;
    initial rd_data_reg = {WIDTH{1'b0}};
    always @(posedge clk) begin
        if (wr_en) mem[addr] <= wr_data;
        else if (rd_en) rd_data_reg <= mem[addr];
    end
end else if (STYLE == "logic") begin : g_logic
    (* ram_style = "logic" *) reg [WIDTH-1:0] mem [0:DEPTH-1];
    integer i;
    initial begin
        for (i = 0; i < DEPTH; i = i + 1) mem[i] = {WIDTH{1'b0}};
        if (INIT_FILE != "") $readmemh(INIT_FILE, mem);
        rd_data_reg = {WIDTH{1'b0}};
    end
    always @(posedge clk) begin
        if (wr_en) mem[wr_addr] <= wr_data;
        if (rd_en) rd_data_reg <= mem[rd_addr];
    end
end else begin : g_block
    (* ram_style = "block" *) reg [WIDTH-1:0] mem [0:DEPTH-1];
    integer i;
    initial begin
        for (i = 0; i < DEPTH; i = i + 1) mem[i] = {WIDTH{1'b0}};
        if (INIT_FILE != "") $readmemh(INIT_FILE, mem);
        rd_data_reg = {WIDTH{1'b0}};
    end
    always @(posedge clk) begin
        if (wr_en) mem[wr_addr] <= wr_data;
        if (rd_en) rd_data_reg <= mem[rd_addr];
    end
end
endgenerate

endmodule

`resetall
