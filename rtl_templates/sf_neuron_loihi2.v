// Language: Verilog 2001

`resetall
`timescale 1ns / 1ps
`default_nettype none

/*
 * Fire phase of one `loihi2` neuron (docs/semantics.md: Loihi 2 current-based LIF, bit-accurate
 * as Lava's PyLifModelBitAcc), purely combinational. All state registers live outside.
 *
 *   KU    = 4096 - (DU + 1)                   (Lava's ds_offset: du = 4095 clears u)
 *   KV    = 4096 - DV                         (no offset on dv)
 *   u'    = wrap_24( trunc0(u * KU / 2^12) + (a << 6) )
 *   v'    = trunc0(v * KV / 2^12) + u' + (bias << BIAS_EXP)      (the NEW u')
 *   v'    = clamp(v', -(2^23 - 1), 2^23 - 1)
 *   spike = v' > (VTH << 6)                   (strict)
 *   v_o   = spike ? 0 : v'                    (u is not reset: u_o = u')
 *
 * trunc0 rounds toward zero. It is computed from the two's complement product p as
 *   trunc0(p / 2^12) = floor(p / 2^12) + (p < 0 and p mod 2^12 != 0),
 * i.e. the arithmetic shift p[35:12] plus one when p is negative and inexact.
 * wrap_24 keeps the low 24 bits as two's complement, so only a[17:0] can reach u'.
 *
 * Width bounds (why nothing below overflows before the wrap / the clamp):
 *   u, v in [-2^23, 2^23 - 1] (24 bits signed; v = -2^23 never comes out of this lane, but
 *   is accepted), KU in [0, 4095], KV in [1, 4096].
 *   |u * KU| <= 2^23 * 4095 < 2^35 and v * KV in [-2^35, (2^23 - 1) * 2^12]: both products
 *   fit P_W = 36 bits signed. They are formed modulo 2^36 (an unsigned 36 x 36 -> 36 product
 *   of the sign-extended operand for DECAY_IMPL 0, a chain of 36-bit adds and subtracts for
 *   DECAY_IMPL 1); since the exact value fits, the 36-bit result is exact either way, and the
 *   intermediate sums of the chain may wrap freely.
 *   |trunc0(u * KU / 2^12)| <= 2^23 * 4095 / 4096 < 2^23 and trunc0(v * KV / 2^12) in
 *   [-2^23, 2^23 - 1]: each decay term fits S_W = 24 bits signed, so q + rnd is exact in
 *   24 bits (q = p[35:12] is 24 bits, rnd in {0, 1}).
 *   u' is a sum modulo 2^24 by definition (wrap_24 of an exact sum equals the 24-bit
 *   modular sum of its terms), so the 24-bit add of the decay term and {a[17:0], 6'b0} is
 *   exactly wrap_24 for any width of a.
 *   bias << BIAS_EXP fits BS_W = BIAS_BITS + BIAS_EXP bits signed (13 + 7 = 20 for Lava).
 *   The three terms of v' fit MAX_W = max(24, BS_W) bits signed each, so their sum lies in
 *   [-3 * 2^(MAX_W-1), 3 * (2^(MAX_W-1) - 1)] and fits SUM_W = MAX_W + 2 bits signed
 *   (26 for Lava's widths): the sum before the clamp is exact.
 *   VTH << 6 <= (2^17 - 1) * 64 = 2^23 - 64 < 2^23 - 1: the threshold lies inside the clamp
 *   range, so the spike can be decided on the unclamped sum (the clamp is monotonic and
 *   keeps a clamped sum on its side of the threshold). It follows that a sum above
 *   2^23 - 1 always spikes: the upper clamp is never visible in v_o (v_o = 0), and only the
 *   lower clamp, to -(2^23 - 1), needs logic. Without a spike v_o = v' lies in
 *   [-(2^23 - 1), VTH << 6] and is the low 24 bits of the sum.
 */
module sf_neuron_loihi2 #
(
    // current decay register du, 0..4095 (the decay applied is du + 1)
    parameter integer DU         = 0,
    // voltage decay register dv, 0..4095
    parameter integer DV         = 0,
    // threshold mantissa vth, 0..2^17-1 (the threshold is VTH << 6)
    parameter integer VTH        = 10,
    // bias exponent: the bias added is bias_i << BIAS_EXP, 0..7
    parameter integer BIAS_EXP   = 0,
    // width in bits of the input a_i (signed), 2..64
    parameter integer ACC_BITS   = 32,
    // width in bits of the bias mantissa bias_i (signed), 2..24; Lava's bias_mant is 13-bit
    parameter integer BIAS_BITS  = 13,
    // decay multipliers: 0 multiply by the constant (the synthesizer maps it to DSP or LUTs),
    // 1 explicit shift-and-add over the nonzero digits of the constant's canonical signed
    // digit form (for devices without DSPs); both give identical results
    parameter integer DECAY_IMPL = 0
)
(
    /* neuron state and this step's input */
    input  wire signed [23:0]          u_i,     // current u before this step
    input  wire signed [23:0]          v_i,     // voltage v before this step
    input  wire signed [ACC_BITS-1:0]  a_i,     // A after weight_exp scaling (enters u as A << 6)
    input  wire signed [BIAS_BITS-1:0] bias_i,  // bias_mant of this neuron

    /* result */
    output wire signed [23:0]          u_o,     // current after this step (never reset)
    output wire signed [23:0]          v_o,     // voltage after clamp and reset
    output wire                        spike_o
);

// canonical signed digit (non-adjacent) form of k, 0 <= k <= 4096: bit b of the result is set
// for a digit +1 at 2^b, bit 14 + b for a digit -1 at 2^b (14 digits cover k < 2^13)
function integer csd_digits;
    input integer k;
    integer n, b, pos, neg;
    begin
        n = k;
        pos = 0;
        neg = 0;
        for (b = 0; b < 14; b = b + 1) begin
            if (n % 2 != 0) begin
                if (n % 4 == 1) begin
                    pos = pos | (1 << b);
                    n = n - 1;
                end else begin
                    neg = neg | (1 << b);
                    n = n + 1;
                end
            end
            n = n / 2;
        end
        csd_digits = pos | (neg << 14);
    end
endfunction

// widths, see the bounds in the header comment
localparam integer S_W   = 24;                      // u and v
localparam integer P_W   = 36;                      // decay products
localparam integer F_W   = 12;                      // fraction bits of the decay constants
localparam integer A_W   = S_W - 6;                 // bits of a_i that survive << 6 and wrap_24
localparam integer BS_W  = BIAS_BITS + BIAS_EXP;    // bias << BIAS_EXP
localparam integer MAX_W = (BS_W > S_W) ? BS_W : S_W;
localparam integer SUM_W = MAX_W + 2;               // v' before the clamp

// decay constants
localparam integer KU = 4096 - (DU + 1);
localparam integer KV = 4096 - DV;

// threshold VTH << 6 and the lower clamp -(2^23 - 1), as bit vectors
localparam [31:0]      TH_32 = VTH * 64;
localparam [SUM_W-1:0] TH_S  = {{(SUM_W-(S_W-1)){1'b0}}, TH_32[S_W-2:0]};  // < 2^23
localparam [S_W-1:0] V_NEG_MAX = {1'b1, {(S_W-2){1'b0}}, 1'b1};

// check configuration
initial begin
    if (DU < 0 || DU > 4095) begin
        $error("Error: DU must be in 0..4095 (instance %m)");
        $finish;
    end

    if (DV < 0 || DV > 4095) begin
        $error("Error: DV must be in 0..4095 (instance %m)");
        $finish;
    end

    if (VTH < 0 || VTH > 131071) begin
        $error("Error: VTH must be in 0..2^17-1 (instance %m)");
        $finish;
    end

    if (BIAS_EXP < 0 || BIAS_EXP > 7) begin
        $error("Error: BIAS_EXP must be in 0..7 (instance %m)");
        $finish;
    end

    if (ACC_BITS < 2 || ACC_BITS > 64) begin
        $error("Error: ACC_BITS must be in 2..64 (instance %m)");
        $finish;
    end

    if (BIAS_BITS < 2 || BIAS_BITS > 24) begin
        $error("Error: BIAS_BITS must be in 2..24 (instance %m)");
        $finish;
    end

    if (DECAY_IMPL < 0 || DECAY_IMPL > 1) begin
        $error("Error: DECAY_IMPL must be 0 or 1 (instance %m)");
        $finish;
    end
end

/* decays: dec[0] = trunc0(u * KU / 2^12), dec[1] = trunc0(v * KV / 2^12), 24 bits signed */

wire [S_W-1:0] u_dec;
wire [S_W-1:0] v_dec;

genvar j;

generate

for (j = 0; j < 2; j = j + 1) begin : g_decay

    localparam integer K = (j == 0) ? KU : KV;

    // the state, sign-extended to the product width
    wire [S_W-1:0] x;
    if (j == 0) begin : g_u
        assign x = u_i;
    end else begin : g_v
        assign x = v_i;
    end
    wire [P_W-1:0] x_p = {{(P_W-S_W){x[S_W-1]}}, x};

    // p = x * K, exact in P_W bits
    wire [P_W-1:0] p;

    if (K == 0) begin : g_zero

        // du = 4095: u is cleared every step
        assign p = {P_W{1'b0}};
        wire unused_x = ^x_p;

    end else if (DECAY_IMPL == 0) begin : g_mul

        localparam [31:0]    K_32 = K;
        localparam [P_W-1:0] K_P  = {{(P_W-(F_W+1)){1'b0}}, K_32[F_W:0]};  // K <= 2^12
        assign p = x_p * K_P;

    end else begin : g_shift_add

        localparam integer DIGITS = csd_digits(K);
        localparam [13:0] D_POS = DIGITS[13:0];
        localparam [13:0] D_NEG = DIGITS[27:14];

        // one add or subtract of x << b per nonzero digit; the conditions are constants, so
        // no other adder is built (at most 7 digits for any K <= 4096, e.g. 2731 =
        // 4096 - 1024 - 256 - 64 - 16 - 4 - 1; plain binary needs up to 12)
        reg [P_W-1:0] acc;
        integer b;
        always @* begin
            acc = {P_W{1'b0}};
            for (b = 0; b < 14; b = b + 1) begin
                if (D_POS[b]) begin
                    acc = acc + (x_p << b);
                end else if (D_NEG[b]) begin
                    acc = acc - (x_p << b);
                end
            end
        end
        assign p = acc;

    end

    // trunc0(p / 2^12): the floor p[35:12], plus one when p is negative and inexact
    wire [S_W-1:0] q   = p[P_W-1:F_W];
    wire           rnd = p[P_W-1] & (|p[F_W-1:0]);
    wire [S_W-1:0] d   = q + {{(S_W-1){1'b0}}, rnd};

    if (j == 0) begin : g_out_u
        assign u_dec = d;
    end else begin : g_out_v
        assign v_dec = d;
    end

end

endgenerate

/* input: only a[17:0] reaches u' through << 6 and wrap_24 */

wire [A_W-1:0] a_lo;

generate

if (ACC_BITS > A_W) begin : g_a_wide
    assign a_lo = a_i[A_W-1:0];
    // the high bits are multiples of 2^24 after << 6: wrap_24 drops them
    wire unused_a_hi = ^a_i[ACC_BITS-1:A_W];
end else if (ACC_BITS == A_W) begin : g_a_exact
    assign a_lo = a_i;
end else begin : g_a_narrow
    assign a_lo = {{(A_W-ACC_BITS){a_i[ACC_BITS-1]}}, a_i};
end

endgenerate

/* current: u' = wrap_24(decay + (a << 6)), the 24-bit modular sum */

wire [S_W-1:0] u_next = u_dec + {a_lo, 6'b000000};

/* voltage: one exact sum, the spike, the lower clamp */

wire [SUM_W-1:0] v_sum =
    {{(SUM_W-S_W){v_dec[S_W-1]}}, v_dec} +
    {{(SUM_W-S_W){u_next[S_W-1]}}, u_next} +
    ({{(SUM_W-BIAS_BITS){bias_i[BIAS_BITS-1]}}, bias_i} << BIAS_EXP);

wire spike = $signed(v_sum) > $signed(TH_S);

// v_sum < -(2^23 - 1), i.e. v_sum <= -2^23: negative, and either below the 24-bit range
// (bits [SUM_W-1:23] not all ones) or exactly -2^23 (low 23 bits zero)
wire v_neg   = v_sum[SUM_W-1];
wire in_24   = &v_sum[SUM_W-1:S_W-1];
wire sat_lo  = v_neg & (~in_24 | ~(|v_sum[S_W-2:0]));

assign u_o     = u_next;
assign v_o     = spike  ? {S_W{1'b0}} :
                 sat_lo ? V_NEG_MAX :
                 v_sum[S_W-1:0];
assign spike_o = spike;

endmodule

`resetall
