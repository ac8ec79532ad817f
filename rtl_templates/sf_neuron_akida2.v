// Language: Verilog 2001

`resetall
`timescale 1ns / 1ps
`default_nettype none

/*
 * Output stage of one `akida2` (Akida 2.0) neuron (docs/semantics.md), purely combinational:
 * the exact weighted sum of this timestep in, the multi-bit event value out. Stateless.
 *
 *   ACC_STAGE = 1 (dense / convolution without pooling):
 *     acc = sat_BUFFER_BITS(sum + (bias << BIAS_SHIFT))     saturation of the FINAL sum
 *   ACC_STAGE = 0 (after max pooling or the global sum, which happen between the saturation
 *                  and the activation, outside this lane): acc = sum, taken as it is
 *   r   = clamp(acc, 0, MAX_VALUE << MAX_VALUE_SHIFT)   RELU = 1, MAX_EN = 1
 *       = max(acc, 0)                                   RELU = 1, MAX_EN = 0
 *       = acc                                           RELU = 0
 *   y   = r * scale                                     (scale uint8)
 *   z   = y << OUT_SHIFT                                OUT_SHIFT >= 0
 *       = floor((y + 2^(n-1)) / 2^n), n = -OUT_SHIFT    OUT_SHIFT < 0   (round half up)
 *   out = sat to OUTPUT_BITS: unsigned (0..2^OB - 1) when RELU, signed otherwise
 *   valid = (out != 0)
 *
 *   acc_o = acc (the accumulator before the ReLU, for the debug / co-simulation state)
 *
 * The contract saturates the final sum only (whether the silicon saturates partial sums is not
 * public): the caller must hand in the exact sum, so the bias add lives here, before the single
 * saturation.
 *
 * Width bounds:
 *   ACC_STAGE 1: bias << BIAS_SHIFT fits B_W = 8 + BIAS_SHIFT bits signed; sum + bias fits
 *   S_W = max(SUM_BITS, B_W) + 1 bits signed exactly. If S_W <= BUFFER_BITS no saturation can
 *   happen (sign extension); otherwise the sum overflows the buffer iff its bits
 *   [S_W-1:BUFFER_BITS-1] are not all equal, and then saturates by its sign. acc has
 *   A_W = BUFFER_BITS bits (ACC_STAGE 0: A_W = SUM_BITS).
 *   ReLU: the bound MAX_VALUE << MAX_VALUE_SHIFT <= 255 * 2^32 < 2^40, compared with the
 *   non-negative acc in X_W = max(A_W, 41) bits unsigned; min(acc, bound) <= acc, so r fits
 *   A_W bits.
 *   y = r * scale: |r| <= 2^(A_W-1), scale <= 255 < 2^8, so y fits Y_W = A_W + 9 bits signed;
 *   it is formed modulo 2^Y_W (sign-extended r times zero-extended scale), exact since it fits.
 *   Left shift: for y != 0, |y << s| >= 2^s; with s >= OUTPUT_BITS that is beyond both output
 *   ranges on y's side, so shifting by SL = min(OUT_SHIFT, OUTPUT_BITS) saturates identically:
 *   z fits Z_W = Y_W + SL bits.
 *   Right shift by n: if n >= Y_W, y + 2^(n-1) lies in [2^(n-1) - 2^(Y_W-1), 2^(n-1) + 2^(Y_W-1))
 *   which is inside [0, 2^n): z = 0. Otherwise y + 2^(n-1) fits Y_W + 1 bits signed and the
 *   arithmetic shift (floor) of that is exact: Z_W = Y_W + 1.
 *   Z_W >= A_W + 9 >= 11 > OUTPUT_BITS, so the output saturation sees every bit.
 */
module sf_neuron_akida2 #
(
    // width in bits of sum_i (signed): the exact weighted sum (ACC_STAGE 1) or the pooled /
    // globally summed accumulator (ACC_STAGE 0); 2..48
    parameter integer SUM_BITS        = 32,
    // 1: add the bias and saturate to BUFFER_BITS here; 0: sum_i is the accumulator as it is
    parameter integer ACC_STAGE       = 1,
    // signed accumulator width (buffer_bits), 2..32, default 28
    parameter integer BUFFER_BITS     = 28,
    // bias alignment: the bias added is bias_i << BIAS_SHIFT, 0..32
    parameter integer BIAS_SHIFT      = 0,
    // 1: ReLU (and unsigned outputs), 0: none (signed outputs)
    parameter integer RELU            = 0,
    // 1: the ReLU is bounded by MAX_VALUE << MAX_VALUE_SHIFT (needs RELU), 0: unbounded
    parameter integer MAX_EN          = 0,
    // ReLU bound mantissa max_value, uint8 0..255
    parameter integer MAX_VALUE       = 255,
    // ReLU bound shift, 0..32
    parameter integer MAX_VALUE_SHIFT = 0,
    // output_shift, int8 -128..127: >= 0 left shift, < 0 right shift rounding half up
    parameter integer OUT_SHIFT       = 0,
    // output activation bits, 4 or 8
    parameter integer OUTPUT_BITS     = 8
)
(
    /* this timestep's sum and this neuron's constants */
    input  wire signed [SUM_BITS-1:0]  sum_i,    // exact sum (see SUM_BITS)
    input  wire signed [7:0]           bias_i,   // int8 bias (unused when ACC_STAGE = 0)
    input  wire        [7:0]           scale_i,  // uint8 output_scale

    /* multi-bit event */
    output wire        [OUTPUT_BITS-1:0] y_o,    // unsigned when RELU, two's complement otherwise
    output wire                          valid_o, // y_o != 0: emit an event

    /* the accumulator the activation starts from (ACC_STAGE 1: the saturated final sum,
     * BUFFER_BITS wide; ACC_STAGE 0: sum_i as it is), before the ReLU: what the golden model
     * records as state "acc" */
    output wire [((ACC_STAGE != 0) ? BUFFER_BITS : SUM_BITS)-1:0] acc_o
);

// widths, see the bounds in the header comment
localparam integer B_W  = 8 + BIAS_SHIFT;
localparam integer S_W  = ((SUM_BITS > B_W) ? SUM_BITS : B_W) + 1;
localparam integer A_W  = (ACC_STAGE != 0) ? BUFFER_BITS : SUM_BITS;
localparam integer X_W  = (A_W > 41) ? A_W : 41;
localparam integer Y_W  = A_W + 9;
localparam integer SL   = (OUT_SHIFT < 0) ? 0 : ((OUT_SHIFT < OUTPUT_BITS) ? OUT_SHIFT : OUTPUT_BITS);
localparam integer NR   = (OUT_SHIFT < 0) ? -OUT_SHIFT : 0;
localparam integer Z_W  = (OUT_SHIFT < 0) ? Y_W + 1 : Y_W + SL;
localparam integer OB   = OUTPUT_BITS;

// the ReLU bound MAX_VALUE << MAX_VALUE_SHIFT (MAX_VALUE < 2^8: bits 7..0 carry it)
localparam [31:0]     MV_32 = MAX_VALUE;
localparam [X_W-1:0]  BND   = {{(X_W-8){1'b0}}, MV_32[7:0]} << MAX_VALUE_SHIFT;

// check configuration
initial begin
    if (SUM_BITS < 2 || SUM_BITS > 48) begin
        $error("Error: SUM_BITS must be in 2..48 (instance %m)");
        $finish;
    end

    if (ACC_STAGE != 0 && ACC_STAGE != 1) begin
        $error("Error: ACC_STAGE must be 0 or 1 (instance %m)");
        $finish;
    end

    if (BUFFER_BITS < 2 || BUFFER_BITS > 32) begin
        $error("Error: BUFFER_BITS must be in 2..32 (instance %m)");
        $finish;
    end

    if (BIAS_SHIFT < 0 || BIAS_SHIFT > 32) begin
        $error("Error: BIAS_SHIFT must be in 0..32 (instance %m)");
        $finish;
    end

    if (RELU != 0 && RELU != 1) begin
        $error("Error: RELU must be 0 or 1 (instance %m)");
        $finish;
    end

    if (MAX_EN != 0 && (MAX_EN != 1 || RELU != 1)) begin
        $error("Error: MAX_EN must be 0, or 1 with RELU = 1 (instance %m)");
        $finish;
    end

    if (MAX_VALUE < 0 || MAX_VALUE > 255) begin
        $error("Error: MAX_VALUE must be in 0..255 (instance %m)");
        $finish;
    end

    if (MAX_VALUE_SHIFT < 0 || MAX_VALUE_SHIFT > 32) begin
        $error("Error: MAX_VALUE_SHIFT must be in 0..32 (instance %m)");
        $finish;
    end

    if (OUT_SHIFT < -128 || OUT_SHIFT > 127) begin
        $error("Error: OUT_SHIFT must be in -128..127 (instance %m)");
        $finish;
    end

    if (OUTPUT_BITS != 4 && OUTPUT_BITS != 8) begin
        $error("Error: OUTPUT_BITS must be 4 or 8 (instance %m)");
        $finish;
    end
end

/* accumulator */

wire [A_W-1:0] acc;

generate

if (ACC_STAGE != 0) begin : g_acc

    wire [S_W-1:0] s_ext = {{(S_W-SUM_BITS){sum_i[SUM_BITS-1]}}, sum_i};
    wire [S_W-1:0] b_ext = {{(S_W-8){bias_i[7]}}, bias_i} << BIAS_SHIFT;
    wire [S_W-1:0] total = s_ext + b_ext;

    if (S_W > BUFFER_BITS) begin : g_sat
        wire hi_ones  = &total[S_W-1:BUFFER_BITS-1];
        wire hi_zeros = ~(|total[S_W-1:BUFFER_BITS-1]);
        wire over     = ~(hi_ones | hi_zeros);
        assign acc = ~over          ? total[BUFFER_BITS-1:0] :
                     total[S_W-1]   ? {1'b1, {(BUFFER_BITS-1){1'b0}}} :
                                      {1'b0, {(BUFFER_BITS-1){1'b1}}};
    end else if (S_W == BUFFER_BITS) begin : g_fit
        assign acc = total;
    end else begin : g_ext
        assign acc = {{(BUFFER_BITS-S_W){total[S_W-1]}}, total};
    end

end else begin : g_acc_in

    assign acc = sum_i;
    wire unused_bias = ^bias_i;

end

endgenerate

/* ReLU */

wire [A_W-1:0] r;

generate

if (RELU == 0) begin : g_linear

    assign r = acc;

end else if (MAX_EN == 0) begin : g_relu

    assign r = acc[A_W-1] ? {A_W{1'b0}} : acc;

end else begin : g_relu_max

    wire [X_W-1:0] acc_x = {{(X_W-A_W){1'b0}}, acc};
    wire           above = acc_x > BND;  // only used when acc >= 0
    assign r = acc[A_W-1] ? {A_W{1'b0}} :
               above      ? BND[A_W-1:0] :  // BND < acc < 2^(A_W-1): the low bits hold it
                            acc;

end

endgenerate

/* scale: y = r * scale, exact in Y_W bits */

wire [Y_W-1:0] r_y = {{(Y_W-A_W){r[A_W-1]}}, r};
wire [Y_W-1:0] s_y = {{(Y_W-8){1'b0}}, scale_i};
wire [Y_W-1:0] y   = r_y * s_y;

/* shift */

wire [Z_W-1:0] z;

generate

if (OUT_SHIFT >= 0) begin : g_left
    if (SL == 0) begin : g_none
        assign z = y;
    end else begin : g_shl
        assign z = {y, {SL{1'b0}}};
    end
end else if (NR >= Y_W) begin : g_gone
    // |y| < 2^(Y_W-1) <= 2^(NR-1): the rounded quotient is 0
    assign z = {Z_W{1'b0}};
    wire unused_y = ^y;
end else begin : g_shr
    localparam [Z_W-1:0] HALF = {{(Z_W-1){1'b0}}, 1'b1} << (NR - 1);
    wire [Z_W-1:0] t = {y[Y_W-1], y} + HALF;
    assign z = {{NR{t[Z_W-1]}}, t[Z_W-1:NR]};
end

endgenerate

/* saturation to the output range */

wire [OB-1:0] out;

generate

if (RELU != 0) begin : g_out_u
    // z >= 0 here (r >= 0, scale >= 0); a negative z would clamp to 0
    wire neg  = z[Z_W-1];
    wire over = |z[Z_W-1:OB];
    assign out = neg  ? {OB{1'b0}} :
                 over ? {OB{1'b1}} :
                        z[OB-1:0];
end else begin : g_out_s
    wire hi_ones  = &z[Z_W-1:OB-1];
    wire hi_zeros = ~(|z[Z_W-1:OB-1]);
    assign out = (hi_ones | hi_zeros) ? z[OB-1:0] :
                 z[Z_W-1]             ? {1'b1, {(OB-1){1'b0}}} :
                                        {1'b0, {(OB-1){1'b1}}};
end

endgenerate

assign acc_o   = acc;
assign y_o     = out;
assign valid_o = |out;

endmodule

`resetall
