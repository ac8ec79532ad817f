// Language: Verilog 2001

`resetall
`timescale 1ns / 1ps
`default_nettype none

/*
 * Fire phase of one `if` / `lif` neuron (docs/semantics.md), purely combinational.
 *
 *   base  = L(v)                          (v itself for LEAK_MODE 0)
 *   base  = base - θ * pend_i             (RESET_MODE 3 only: the previous step's spike)
 *   s     = sat_VBITS(base + I + b)       (the only saturation)
 *   spike = FIRE_GT ? s > θ : s >= θ
 *   v_o   = spike ? s - θ : s             (RESET_MODE 0)
 *           spike ? V_RESET : s           (RESET_MODE 1)
 *           s                             (RESET_MODE 2, 3)
 *
 * Width bounds (why nothing below can overflow), with VB = V_BITS:
 *   v in [-2^(VB-1), 2^(VB-1)-1], so |v| <= 2^(VB-1) fits VB bits unsigned.
 *   Every leak form has |L(v)| <= |v| and sign(L(v)) in {0, sign(v)}, so L(v) fits VB bits
 *   signed; the products |v| * β_q <= 2^(VB-1) * 2^f fit VB + f bits unsigned.
 *   base = L(v) - θ with 0 < θ <= 2^(VB-1)-1 is >= -2^VB + 1: fits BASE_W = VB + 1 signed.
 *   base, I and b each fit MAX_W = max(BASE_W, ACC_BITS, BIAS_BITS) bits signed, so their sum
 *   lies in [-3 * 2^(MAX_W-1), 3 * (2^(MAX_W-1) - 1)] and fits SUM_W = MAX_W + 2 bits signed.
 *   After saturation s in [-2^(VB-1), 2^(VB-1)-1]; s - θ is taken only when s >= θ > 0, so
 *   it lies in [0, 2^(VB-1)-1-θ] and fits VB bits.
 */
module sf_neuron_iflif #
(
    // membrane state width in bits (signed, saturating), 2..32
    parameter integer V_BITS     = 16,
    // width in bits of the summed input I (signed), 2..48
    parameter integer ACC_BITS   = 16,
    // width in bits of the bias input (signed), 2..32
    parameter integer BIAS_BITS  = 2,
    // firing threshold θ, 0 < θ <= 2^(V_BITS-1)-1
    parameter integer THRESHOLD  = 1,
    // comparison: 0 spikes when s >= θ (fire = ge), 1 when s > θ (fire = gt)
    parameter integer FIRE_GT    = 0,
    // reset: 0 subtract, 1 zero (to V_RESET), 2 none, 3 subtract_deferred
    parameter integer RESET_MODE = 0,
    // state after a spike for RESET_MODE 1, fits V_BITS signed
    parameter integer V_RESET    = 0,
    // leak: 0 none (if), 1 shift, 2 mult, 3 sub
    parameter integer LEAK_MODE  = 0,
    // LEAK_MODE 1: k in L(v) = v - trunc0(v / 2^k), 0..V_BITS
    parameter integer LEAK_SHIFT = 0,
    // LEAK_MODE 2: β_q in L(v) = trunc0(v * β_q / 2^f), 0..2^LEAK_FRAC
    parameter integer LEAK_BETA  = 0,
    // LEAK_MODE 2: f, the number of fraction bits of β_q, 0..24
    parameter integer LEAK_FRAC  = 0,
    // LEAK_MODE 3: λ in L(v) = sign(v) * max(|v| - λ, 0), 0..2^(V_BITS-1)-1
    parameter integer LEAK_SUB   = 0
)
(
    /* neuron state and this step's input */
    input  wire signed [V_BITS-1:0]    v_i,     // state before this step's fire phase
    input  wire signed [ACC_BITS-1:0]  acc_i,   // I: exact sum of this step's weighted input
    input  wire signed [BIAS_BITS-1:0] bias_i,  // b (0 when the layer has no bias)
    input  wire                        pend_i,  // RESET_MODE 3: this neuron spiked last step

    /* result */
    output wire signed [V_BITS-1:0]    v_o,     // state after fire and reset
    output wire                        spike_o,
    output wire                        pend_o   // RESET_MODE 3: spike_o, else 0
);

// largest state value 2^(V_BITS-1)-1, computed without overflowing a 32-bit integer
localparam integer V_MAX = (V_BITS >= 32) ? 32'sh7fffffff : (1 << (V_BITS - 1)) - 1;
localparam integer V_MIN = -V_MAX - 1;

// widths, see the bounds in the header comment
localparam integer BASE_W = V_BITS + 1;
localparam integer MAX_AB = (ACC_BITS > BIAS_BITS) ? ACC_BITS : BIAS_BITS;
localparam integer MAX_W  = (BASE_W > MAX_AB) ? BASE_W : MAX_AB;
localparam integer SUM_W  = MAX_W + 2;
localparam integer PROD_W = V_BITS + LEAK_FRAC + 1;

// parameters as bit vectors, sliced to the widths they are used at
localparam [31:0] THETA_32   = THRESHOLD;
localparam [31:0] V_RESET_32 = V_RESET;
localparam [31:0] LAMBDA_32  = LEAK_SUB;
localparam [31:0] BETA_32    = LEAK_BETA;

localparam [V_BITS-1:0] THETA_V   = THETA_32[V_BITS-1:0];
localparam [V_BITS-1:0] V_RESET_V = V_RESET_32[V_BITS-1:0];
localparam [V_BITS-1:0] LAMBDA_V  = LAMBDA_32[V_BITS-1:0];

// check configuration
initial begin
    if (V_BITS < 2 || V_BITS > 32) begin
        $error("Error: V_BITS must be in 2..32 (instance %m)");
        $finish;
    end

    if (ACC_BITS < 2 || ACC_BITS > 48) begin
        $error("Error: ACC_BITS must be in 2..48 (instance %m)");
        $finish;
    end

    if (BIAS_BITS < 2 || BIAS_BITS > 32) begin
        $error("Error: BIAS_BITS must be in 2..32 (instance %m)");
        $finish;
    end

    if (THRESHOLD <= 0 || THRESHOLD > V_MAX) begin
        $error("Error: THRESHOLD must be in 1..2^(V_BITS-1)-1 (instance %m)");
        $finish;
    end

    if (FIRE_GT < 0 || FIRE_GT > 1) begin
        $error("Error: FIRE_GT must be 0 or 1 (instance %m)");
        $finish;
    end

    if (RESET_MODE < 0 || RESET_MODE > 3) begin
        $error("Error: RESET_MODE must be in 0..3 (instance %m)");
        $finish;
    end

    if (V_RESET < V_MIN || V_RESET > V_MAX) begin
        $error("Error: V_RESET must fit V_BITS bits signed (instance %m)");
        $finish;
    end

    if (LEAK_MODE < 0 || LEAK_MODE > 3) begin
        $error("Error: LEAK_MODE must be in 0..3 (instance %m)");
        $finish;
    end

    if (LEAK_SHIFT < 0 || LEAK_SHIFT > V_BITS) begin
        $error("Error: LEAK_SHIFT must be in 0..V_BITS (instance %m)");
        $finish;
    end

    if (LEAK_FRAC < 0 || LEAK_FRAC > 24) begin
        $error("Error: LEAK_FRAC must be in 0..24 (instance %m)");
        $finish;
    end

    if (LEAK_BETA < 0 || LEAK_BETA > (1 << LEAK_FRAC)) begin
        $error("Error: LEAK_BETA must be in 0..2^LEAK_FRAC (instance %m)");
        $finish;
    end

    if (LEAK_SUB < 0 || LEAK_SUB > V_MAX) begin
        $error("Error: LEAK_SUB must be in 0..2^(V_BITS-1)-1 (instance %m)");
        $finish;
    end
end

/* leak: leak_val = L(v), BASE_W bits signed */

wire signed [BASE_W-1:0] leak_val;

generate

if (LEAK_MODE == 0) begin : g_leak_none

    assign leak_val = {v_i[V_BITS-1], v_i};

end else begin : g_leak

    wire             v_neg = v_i[V_BITS-1];
    // |v| as unsigned: -(-2^(VB-1)) wraps to 2^(VB-1), which is the right unsigned magnitude
    wire [V_BITS-1:0] v_mag = v_neg ? -v_i : v_i;
    // |L(v)| or, for the shift leak, |trunc0(v / 2^k)|; always <= |v|
    wire [V_BITS-1:0] mag;

    if (LEAK_MODE == 1) begin : g_shift

        assign mag = v_mag >> LEAK_SHIFT;

    end else if (LEAK_MODE == 2) begin : g_mult

        // β_q <= 2^f fits f + 1 bits
        localparam [PROD_W-1:0] BETA_P = {{(V_BITS){1'b0}}, BETA_32[LEAK_FRAC:0]};

        // |v| * β_q <= 2^(VB-1+f) < 2^PROD_W; after >> f the magnitude is <= 2^(VB-1)
        wire [PROD_W-1:0] prod = {{(LEAK_FRAC+1){1'b0}}, v_mag} * BETA_P;
        wire [PROD_W-1:0] quot = prod >> LEAK_FRAC;
        assign mag = quot[V_BITS-1:0];

        // the f + 1 high bits of quot are zero by the bound above; the lint idiom for bits that
        // are intentionally dropped (Verilator ignores unused signals named *unused*)
        wire unused_quot = ^quot;

    end else begin : g_sub

        assign mag = (v_mag > LAMBDA_V) ? v_mag - LAMBDA_V : {V_BITS{1'b0}};

    end

    wire signed [BASE_W-1:0] mag_signed = v_neg ? -{1'b0, mag} : {1'b0, mag};

    if (LEAK_MODE == 1) begin : g_shift_out
        // v - trunc0(v / 2^k): |v| - (|v| >> k) keeps the sign of v
        assign leak_val = {v_i[V_BITS-1], v_i} - mag_signed;
    end else begin : g_other_out
        assign leak_val = mag_signed;
    end

end

endgenerate

/* deferred reset: θ of the previous step's spike, subtracted after the leak */

wire signed [BASE_W-1:0] base;

generate

if (RESET_MODE == 3) begin : g_deferred
    assign base = pend_i ? leak_val - {1'b0, THETA_V} : leak_val;
end else begin : g_immediate
    assign base = leak_val;
    // pend_i is only meaningful with the deferred reset
    wire unused_pend = pend_i;
end

endgenerate

/* integrate: one exact sum, then the only saturation */

wire signed [SUM_W-1:0] sum =
    {{(SUM_W-BASE_W){base[BASE_W-1]}}, base} +
    {{(SUM_W-ACC_BITS){acc_i[ACC_BITS-1]}}, acc_i} +
    {{(SUM_W-BIAS_BITS){bias_i[BIAS_BITS-1]}}, bias_i};

// the sum fits V_BITS iff bits [SUM_W-1:V_BITS-1] are all equal
wire fits   = (&sum[SUM_W-1:V_BITS-1]) | ~(|sum[SUM_W-1:V_BITS-1]);
wire sat_hi = ~sum[SUM_W-1] & ~fits;
wire sat_lo =  sum[SUM_W-1] & ~fits;

wire [V_BITS-1:0] s = sat_hi ? {1'b0, {(V_BITS-1){1'b1}}} :
                      sat_lo ? {1'b1, {(V_BITS-1){1'b0}}} :
                      sum[V_BITS-1:0];

/* fire, decided on the exact sum so that it does not wait for the saturation:
 * with 0 < θ <= V_MAX, s >= θ iff sum >= θ (a clamped sum stays on its side of θ),
 * and s > θ iff sum > θ, except θ = V_MAX where s > θ is impossible.
 * d = sum - θ fits SUM_W bits: sum >= -3 * 2^(MAX_W-1) and θ < 2^(MAX_W-1). */

wire signed [SUM_W-1:0] d = sum - {{(SUM_W-V_BITS){1'b0}}, THETA_V};
wire d_neg  = d[SUM_W-1];
wire d_zero = ~(|d);
wire spike  = (FIRE_GT != 0) ? ((THRESHOLD < V_MAX) & ~d_neg & ~d_zero) : ~d_neg;

/* reset; s - θ for a spike is d unless the sum was clamped to V_MAX */

localparam [31:0] V_MAX_32 = V_MAX;
localparam [V_BITS-1:0] SUB_AT_MAX = V_MAX_32[V_BITS-1:0] - THETA_V;
wire [V_BITS-1:0] s_minus_theta = sat_hi ? SUB_AT_MAX : d[V_BITS-1:0];

reg [V_BITS-1:0] v_next;

always @* begin
    case (RESET_MODE)
        0: v_next = spike ? s_minus_theta : s;
        1: v_next = spike ? V_RESET_V : s;
        default: v_next = s;
    endcase
end

assign v_o     = v_next;
assign spike_o = spike;
assign pend_o  = (RESET_MODE == 3) ? spike : 1'b0;

endmodule

`resetall
