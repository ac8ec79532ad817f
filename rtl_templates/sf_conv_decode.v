// Language: Verilog 2001

`resetall
`timescale 1ns / 1ps
`default_nettype none

/*
 * Input-event decoder of the convolution engine (sf_conv_engine): turns a flat input index
 * i = ci*H_IN*W_IN + y*W_IN + x into where the event's window starts in the engine's weight
 * and state memories and how large it is, with no division at run time.
 *
 * Three elastic stages (an event moves on whenever the stage ahead is free or being freed in
 * the same cycle, so the decoder holds up to three events and accepts one per cycle while it
 * is not full):
 *   accept  ci = floor(i / (H_IN*W_IN)), yf = floor(i / W_IN), each as (i * M) >> S with
 *           M, S chosen at elaboration so that the quotient is exact for every i < N_IN
 *   d1 -> d2  y = yf - ci*H_IN, x = i - yf*W_IN; the per-channel offsets (table over ci)
 *   d2 -> d3  the per-axis tables over y and x (below) and the row parts of the addresses
 * An event accepted in cycle a is on the outputs from cycle a + 3 on, until out_take.
 *
 * Along one axis (rows shown; columns alike with KW, SW, PW, DW, W_OUT) the kernel positions
 * that an input row y reaches are the pairs (ky, oy) with oy*SH - PH + ky*DH = y,
 * 0 <= ky < KH, 0 <= oy < H_OUT. Two solutions differ by a multiple of
 * (SH / gcd(SH, DH), -DH / gcd(SH, DH)), so the pairs form an arithmetic progression: ky
 * grows by SH/g while oy falls by DH/g, g = gcd(SH, DH). Per coordinate the table holds
 * the first (smallest) ky, its oy and the count nr(y) (0: the row reaches no output);
 * the engine walks the rest by constant steps.
 *
 * Outputs, for the event on d3 (addresses as in sf_conv_engine):
 *   first weight word = out_wpart + out_wcol, where
 *     out_wpart = (ci*KH + ky0)*KW*CG, out_wcol = kx0*CG
 *   first state word  = out_spart + out_scol, where
 *     out_spart = oy0*W_OUT*CH + g*CG, out_scol = ox0*CH   (g = ci / CIG)
 *   out_nr, out_nc: the window's rows and columns (either 0: the window is empty)
 *   out_oy: oy0, the window's first output row
 */
module sf_conv_decode #
(
    // Input channels, height, width
    parameter integer C_IN = 1,
    parameter integer H_IN = 4,
    parameter integer W_IN = 4,
    // Output height and width
    parameter integer H_OUT = 4,
    parameter integer W_OUT = 4,
    // Kernel height and width
    parameter integer KH = 3,
    parameter integer KW = 3,
    // Strides
    parameter integer SH = 1,
    parameter integer SW = 1,
    // Zero padding at each border
    parameter integer PH = 1,
    parameter integer PW = 1,
    // Dilations
    parameter integer DH = 1,
    parameter integer DW = 1,
    // Input channels per group (C_IN / GROUPS)
    parameter integer CIG = 1,
    // Chunks per group, ceil((C_OUT / GROUPS) / P)
    parameter integer CG = 1,
    // Chunks per output position, GROUPS * CG
    parameter integer CH = 1,
    // Input index width
    parameter integer IN_IDX_W = 6,
    // Payload width (carried along)
    parameter integer PAY_BITS = 1,
    // Weight and state memory address widths
    parameter integer WADDR_W = 4,
    parameter integer SADDR_W = 4,
    // Widths of oy, nr and nc
    parameter integer OY_W = 2,
    parameter integer NR_W = 2,
    parameter integer NC_W = 2
)
(
    input  wire                  clk,
    input  wire                  rst,

    /* accepted events: in_valid && in_ready is an accept */
    input  wire                  in_valid,
    output wire                  in_ready,
    input  wire [IN_IDX_W-1:0]   in_index,
    input  wire [PAY_BITS-1:0]   in_pay,

    /* decoded event; out_take (only with out_valid) hands it on */
    output wire                  out_valid,
    input  wire                  out_take,
    output wire [WADDR_W-1:0]    out_wpart,
    output wire [WADDR_W-1:0]    out_wcol,
    output wire [SADDR_W-1:0]    out_spart,
    output wire [SADDR_W-1:0]    out_scol,
    output wire [NR_W-1:0]       out_nr,
    output wire [NC_W-1:0]       out_nc,
    output wire [OY_W-1:0]       out_oy,
    output wire [PAY_BITS-1:0]   out_pay,

    /* some stage holds an event */
    output wire                  busy
);

/* constant functions (elaboration only) */

// (k, o) with o*s - p + k*d == c, 0 <= k < kn, 0 <= o < on: is k such a position?
function integer f_ax_ok(input integer c, input integer k, input integer s, input integer p,
                         input integer d, input integer on);
    integer t;
    begin
        t = c + p - k * d;
        f_ax_ok = 0;
        if (t >= 0) begin
            if ((t % s) == 0 && (t / s) < on) f_ax_ok = 1;
        end
    end
endfunction

// number of kernel positions along an axis that coordinate c reaches
function integer f_ax_count(input integer c, input integer kn, input integer s, input integer p,
                            input integer d, input integer on);
    integer k, n;
    begin
        n = 0;
        for (k = 0; k < kn; k = k + 1) n = n + f_ax_ok(c, k, s, p, d, on);
        f_ax_count = n;
    end
endfunction

// the smallest of them (0 when there is none)
function integer f_ax_k0(input integer c, input integer kn, input integer s, input integer p,
                         input integer d, input integer on);
    integer k, r;
    begin
        r = 0;
        for (k = kn - 1; k >= 0; k = k - 1) if (f_ax_ok(c, k, s, p, d, on) != 0) r = k;
        f_ax_k0 = r;
    end
endfunction

// its output coordinate (0 when there is none)
function integer f_ax_o0(input integer c, input integer kn, input integer s, input integer p,
                         input integer d, input integer on);
    integer k;
    begin
        k = f_ax_k0(c, kn, s, p, d, on);
        if (f_ax_count(c, kn, s, p, d, on) == 0) f_ax_o0 = 0;
        else f_ax_o0 = (c + p - k * d) / s;
    end
endfunction

// Reciprocal of a divisor dv for dividends i < n: the smallest shift S for which
// M = ceil(2^S / dv) gives floor(i * M / 2^S) = floor(i / dv) for every i < n. With
// e = M*dv - 2^S (0 <= e < dv) and i = q*dv + r: i*M / 2^S = q + (r + i*e/2^S) / dv, and
// r <= dv - 1, so (n - 1) * e < 2^S makes it exact; S = clog2(n) + clog2(dv) always works.
function [63:0] f_recip_s(input integer dv, input integer n);
    reg [63:0] d64, n64, m, e, r;
    integer s, found;
    begin
        d64 = {32'd0, dv};
        n64 = {32'd0, n};
        r = 64'd0;
        found = 0;
        for (s = 0; s < 60; s = s + 1) begin
            if (found == 0) begin
                m = ((64'd1 << s) + d64 - 64'd1) / d64;
                e = m * d64 - (64'd1 << s);
                if ((n64 - 64'd1) * e < (64'd1 << s)) begin
                    r = {32'd0, s};
                    found = 1;
                end
            end
        end
        f_recip_s = r;
    end
endfunction

function [63:0] f_recip_m(input integer dv, input integer n);
    reg [63:0] d64, s;
    begin
        d64 = {32'd0, dv};
        s = f_recip_s(dv, n);
        f_recip_m = ((64'd1 << s) + d64 - 64'd1) / d64;
    end
endfunction

// bits needed for the value v (at least 1)
function integer f_bits(input [63:0] v);
    integer k, r;
    begin
        r = 1;
        for (k = 0; k < 64; k = k + 1) if (v[k]) r = k + 1;
        f_bits = r;
    end
endfunction

/* derived constants */
localparam integer HWI   = H_IN * W_IN;
localparam integer N_IN  = C_IN * HWI;
localparam integer N_YF  = C_IN * H_IN;                 // yf < N_YF
localparam integer CI_W  = (C_IN > 1) ? $clog2(C_IN) : 1;
localparam integer YF_W  = (N_YF > 1) ? $clog2(N_YF) : 1;
localparam integer Y_W   = (H_IN > 1) ? $clog2(H_IN) : 1;
localparam integer X_W   = (W_IN > 1) ? $clog2(W_IN) : 1;

// ci = (i * CI_M) >> CI_S, yf = (i * YF_M) >> YF_S
localparam [63:0] CI_S64 = f_recip_s(HWI, N_IN);
localparam [63:0] CI_M   = f_recip_m(HWI, N_IN);
localparam [63:0] YF_S64 = f_recip_s(W_IN, N_IN);
localparam [63:0] YF_M   = f_recip_m(W_IN, N_IN);
localparam integer CI_S  = CI_S64[31:0];
localparam integer YF_S  = YF_S64[31:0];
localparam integer CI_MW = f_bits(CI_M);
localparam integer YF_MW = f_bits(YF_M);
// product widths, one bit more than either need so the pads below are never empty
localparam integer CI_PW = ((IN_IDX_W + CI_MW > CI_S + CI_W) ? IN_IDX_W + CI_MW : CI_S + CI_W) + 1;
localparam integer YF_PW = ((IN_IDX_W + YF_MW > YF_S + YF_W) ? IN_IDX_W + YF_MW : YF_S + YF_W) + 1;

// table entry widths
localparam integer ROW_W = NR_W + OY_W + WADDR_W + SADDR_W;   // {nr, oy0, ky0*KW*CG, oy0*W_OUT*CH}
localparam integer COL_W = NC_W + WADDR_W + SADDR_W;          // {nc, kx0*CG, ox0*CH}
localparam integer CIT_W = WADDR_W + SADDR_W;                 // {ci*KH*KW*CG, (ci/CIG)*CG}

/* the tables, one entry per coordinate, built at elaboration */
wire [H_IN*ROW_W-1:0] row_tab;
wire [W_IN*COL_W-1:0] col_tab;
wire [C_IN*CIT_W-1:0] ci_tab;

genvar gv;
generate
for (gv = 0; gv < H_IN; gv = gv + 1) begin : g_row
    localparam integer NR  = f_ax_count(gv, KH, SH, PH, DH, H_OUT);
    localparam integer OY0 = f_ax_o0(gv, KH, SH, PH, DH, H_OUT);
    localparam integer WO  = f_ax_k0(gv, KH, SH, PH, DH, H_OUT) * KW * CG;
    localparam integer SO  = OY0 * W_OUT * CH;
    assign row_tab[gv*ROW_W +: ROW_W] = {NR[NR_W-1:0], OY0[OY_W-1:0], WO[WADDR_W-1:0], SO[SADDR_W-1:0]};
end
for (gv = 0; gv < W_IN; gv = gv + 1) begin : g_col
    localparam integer NC  = f_ax_count(gv, KW, SW, PW, DW, W_OUT);
    localparam integer WO  = f_ax_k0(gv, KW, SW, PW, DW, W_OUT) * CG;
    localparam integer SO  = f_ax_o0(gv, KW, SW, PW, DW, W_OUT) * CH;
    assign col_tab[gv*COL_W +: COL_W] = {NC[NC_W-1:0], WO[WADDR_W-1:0], SO[SADDR_W-1:0]};
end
for (gv = 0; gv < C_IN; gv = gv + 1) begin : g_ci
    localparam integer WO = gv * KH * KW * CG;
    localparam integer SO = (gv / CIG) * CG;
    assign ci_tab[gv*CIT_W +: CIT_W] = {WO[WADDR_W-1:0], SO[SADDR_W-1:0]};
end
endgenerate

/* stage registers */
reg                d1_valid_reg = 1'b0;
reg [CI_W-1:0]     d1_ci_reg = {CI_W{1'b0}};
reg [YF_W-1:0]     d1_yf_reg = {YF_W{1'b0}};
reg [IN_IDX_W-1:0] d1_i_reg = {IN_IDX_W{1'b0}};
reg [PAY_BITS-1:0] d1_pay_reg = {PAY_BITS{1'b0}};

reg                d2_valid_reg = 1'b0;
reg [Y_W-1:0]      d2_y_reg = {Y_W{1'b0}};
reg [X_W-1:0]      d2_x_reg = {X_W{1'b0}};
reg [WADDR_W-1:0]  d2_wci_reg = {WADDR_W{1'b0}};
reg [SADDR_W-1:0]  d2_sg_reg = {SADDR_W{1'b0}};
reg [PAY_BITS-1:0] d2_pay_reg = {PAY_BITS{1'b0}};

reg                d3_valid_reg = 1'b0;
reg [WADDR_W-1:0]  d3_wpart_reg = {WADDR_W{1'b0}};
reg [WADDR_W-1:0]  d3_wcol_reg = {WADDR_W{1'b0}};
reg [SADDR_W-1:0]  d3_spart_reg = {SADDR_W{1'b0}};
reg [SADDR_W-1:0]  d3_scol_reg = {SADDR_W{1'b0}};
reg [NR_W-1:0]     d3_nr_reg = {NR_W{1'b0}};
reg [NC_W-1:0]     d3_nc_reg = {NC_W{1'b0}};
reg [OY_W-1:0]     d3_oy_reg = {OY_W{1'b0}};
reg [PAY_BITS-1:0] d3_pay_reg = {PAY_BITS{1'b0}};

// a stage loads when it is empty or its event moves on in this cycle
wire rdy3 = !d3_valid_reg || out_take;
wire rdy2 = !d2_valid_reg || rdy3;
wire rdy1 = !d1_valid_reg || rdy2;
assign in_ready = rdy1;
assign busy = d1_valid_reg || d2_valid_reg || d3_valid_reg;

/* accept: the two quotients (every bit above the quotient is 0 for i < N_IN) */
/* verilator lint_off UNUSEDSIGNAL */
wire [CI_PW-1:0] ci_prod = {{(CI_PW-IN_IDX_W){1'b0}}, in_index} * CI_M[CI_PW-1:0];
wire [YF_PW-1:0] yf_prod = {{(YF_PW-IN_IDX_W){1'b0}}, in_index} * YF_M[YF_PW-1:0];
/* verilator lint_on UNUSEDSIGNAL */
wire [CI_W-1:0] a_ci = ci_prod[CI_S +: CI_W];
wire [YF_W-1:0] a_yf = yf_prod[YF_S +: YF_W];

/* d1 -> d2: the remainders (in 32 bits; only the low bits are kept) and the channel's offsets */
/* verilator lint_off UNUSEDSIGNAL */
wire [31:0] b_y32 = {{(32-YF_W){1'b0}}, d1_yf_reg} - {{(32-CI_W){1'b0}}, d1_ci_reg} * H_IN[31:0];
wire [31:0] b_x32 = {{(32-IN_IDX_W){1'b0}}, d1_i_reg} - {{(32-YF_W){1'b0}}, d1_yf_reg} * W_IN[31:0];
wire [31:0] b_ci32 = {{(32-CI_W){1'b0}}, d1_ci_reg};
/* verilator lint_on UNUSEDSIGNAL */
wire [CIT_W-1:0] b_cit = ci_tab[b_ci32*CIT_W +: CIT_W];

/* d2 -> d3: the axis tables */
/* verilator lint_off UNUSEDSIGNAL */
wire [31:0] c_y32 = {{(32-Y_W){1'b0}}, d2_y_reg};
wire [31:0] c_x32 = {{(32-X_W){1'b0}}, d2_x_reg};
/* verilator lint_on UNUSEDSIGNAL */
wire [ROW_W-1:0] c_row = row_tab[c_y32*ROW_W +: ROW_W];
wire [COL_W-1:0] c_col = col_tab[c_x32*COL_W +: COL_W];

always @(posedge clk) begin
    if (rdy1) begin
        d1_valid_reg <= in_valid;
        d1_ci_reg    <= a_ci;
        d1_yf_reg    <= a_yf;
        d1_i_reg     <= in_index;
        d1_pay_reg   <= in_pay;
    end
    if (rdy2) begin
        d2_valid_reg <= d1_valid_reg;
        d2_y_reg     <= b_y32[Y_W-1:0];
        d2_x_reg     <= b_x32[X_W-1:0];
        d2_wci_reg   <= b_cit[SADDR_W +: WADDR_W];
        d2_sg_reg    <= b_cit[0 +: SADDR_W];
        d2_pay_reg   <= d1_pay_reg;
    end
    if (rdy3) begin
        d3_valid_reg <= d2_valid_reg;
        d3_nr_reg    <= c_row[ROW_W-NR_W +: NR_W];
        d3_oy_reg    <= c_row[WADDR_W+SADDR_W +: OY_W];
        d3_wpart_reg <= d2_wci_reg + c_row[SADDR_W +: WADDR_W];
        d3_spart_reg <= d2_sg_reg + c_row[0 +: SADDR_W];
        d3_nc_reg    <= c_col[COL_W-NC_W +: NC_W];
        d3_wcol_reg  <= c_col[SADDR_W +: WADDR_W];
        d3_scol_reg  <= c_col[0 +: SADDR_W];
        d3_pay_reg   <= d2_pay_reg;
    end

    if (rst) begin
        d1_valid_reg <= 1'b0;
        d2_valid_reg <= 1'b0;
        d3_valid_reg <= 1'b0;
    end
end

assign out_valid = d3_valid_reg;
assign out_wpart = d3_wpart_reg;
assign out_wcol  = d3_wcol_reg;
assign out_spart = d3_spart_reg;
assign out_scol  = d3_scol_reg;
assign out_nr    = d3_nr_reg;
assign out_nc    = d3_nc_reg;
assign out_oy    = d3_oy_reg;
assign out_pay   = d3_pay_reg;

endmodule

`resetall
