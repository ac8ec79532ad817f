// Language: Verilog 2001

`resetall
`timescale 1ns / 1ps
`default_nettype none

/*
 * iCE40 clock source: the board oscillator through an SB_PLL40 in SIMPLE
 * feedback mode, or the oscillator itself when BYPASS is set.
 *
 * f_out = f_in * (DIVF + 1) / ((DIVR + 1) * 2^DIVQ)
 *
 * The divider values come from sf::board::ice40_pll() (the same search as
 * icestorm's icepll); this file only checks they are in the primitive's range.
 */
module sf_ice40_pll #
(
    // 1: no PLL, clk_out is clk_in and locked is tied high
    parameter BYPASS = 0,
    // 1: clk_in is a package pin that feeds the PLL directly (SB_PLL40_PAD);
    // 0: clk_in is a fabric/global net (SB_PLL40_CORE)
    parameter PAD = 1,
    // reference divider: f_pfd = f_in / (DIVR + 1), 0..15
    parameter DIVR = 0,
    // feedback divider: f_vco = f_pfd * (DIVF + 1), 0..127
    parameter DIVF = 63,
    // output divider: f_out = f_vco / 2^DIVQ, 1..6
    parameter DIVQ = 5,
    // loop filter setting for f_pfd, 1..6 (icepll's FILTER_RANGE)
    parameter FILTER_RANGE = 1
)
(
    /*
     * Clock in (board oscillator)
     */
    input  wire  clk_in,

    /*
     * Clock out, on a global net, and PLL lock (high once clk_out is stable)
     */
    output wire  clk_out,
    output wire  locked
);

initial begin
    if (DIVR < 0 || DIVR > 15) begin
        $error("Error: DIVR %0d outside 0..15 (instance %m)", DIVR);
        $finish;
    end
    if (DIVF < 0 || DIVF > 127) begin
        $error("Error: DIVF %0d outside 0..127 (instance %m)", DIVF);
        $finish;
    end
    if (DIVQ < 1 || DIVQ > 6) begin
        $error("Error: DIVQ %0d outside 1..6 (instance %m)", DIVQ);
        $finish;
    end
    if (FILTER_RANGE < 0 || FILTER_RANGE > 7) begin
        $error("Error: FILTER_RANGE %0d outside 0..7 (instance %m)", FILTER_RANGE);
        $finish;
    end
end

generate
    if (BYPASS != 0) begin : g_bypass
        assign clk_out = clk_in;
        assign locked = 1'b1;
    end else if (PAD != 0) begin : g_pad
        // outputs this design has no use for
        wire unused_core;
        wire unused_sdo;
        SB_PLL40_PAD #(
            .FEEDBACK_PATH("SIMPLE"),
            .DIVR(DIVR[3:0]),
            .DIVF(DIVF[6:0]),
            .DIVQ(DIVQ[2:0]),
            .FILTER_RANGE(FILTER_RANGE[2:0])
        ) pll_inst (
            .PACKAGEPIN(clk_in),
            .PLLOUTCORE(unused_core),
            .PLLOUTGLOBAL(clk_out),
            .EXTFEEDBACK(1'b0),
            .DYNAMICDELAY(8'd0),
            .LOCK(locked),
            .BYPASS(1'b0),
            .RESETB(1'b1),
            .LATCHINPUTVALUE(1'b0),
            .SDO(unused_sdo),
            .SDI(1'b0),
            .SCLK(1'b0)
        );
    end else begin : g_core
        wire unused_core;
        wire unused_sdo;
        SB_PLL40_CORE #(
            .FEEDBACK_PATH("SIMPLE"),
            .DIVR(DIVR[3:0]),
            .DIVF(DIVF[6:0]),
            .DIVQ(DIVQ[2:0]),
            .FILTER_RANGE(FILTER_RANGE[2:0])
        ) pll_inst (
            .REFERENCECLK(clk_in),
            .PLLOUTCORE(unused_core),
            .PLLOUTGLOBAL(clk_out),
            .EXTFEEDBACK(1'b0),
            .DYNAMICDELAY(8'd0),
            .LOCK(locked),
            .BYPASS(1'b0),
            .RESETB(1'b1),
            .LATCHINPUTVALUE(1'b0),
            .SDO(unused_sdo),
            .SDI(1'b0),
            .SCLK(1'b0)
        );
    end
endgenerate

endmodule

`resetall
