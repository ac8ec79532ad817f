// Language: Verilog 2001

`resetall
`timescale 1ns / 1ps
`default_nettype none

/*
 * Activation of one `akida` (Akida 1.0) neuron (docs/semantics.md), purely combinational: the
 * potential p of this timestep and this neuron's threshold T in, the multi-bit event value out.
 * Akida layers are stateless, so there is no state to carry.
 *
 *   act_step = STEP_M / 2^STEP_F                 (exact: a float32 is a dyadic rational)
 *   s_eff    = act_step * 2^(4 - ACT_BITS)        (act_step is given in 4-bit units)
 *   y        = 0                                       if p <= T
 *            = min(ceil((p - T) / s_eff), 2^ACT_BITS - 1)   otherwise
 *   valid    = (y != 0)                           (a value of 0 is not emitted)
 *
 * Exact integer form. With d = p - T and K = STEP_F + ACT_BITS - 4, (p - T) / s_eff is
 * d * 2^K / STEP_M, and for j >= 1 (STEP_M > 0)
 *   ceil(d * 2^K / M) >= j  <=>  d * 2^K / M > j - 1  <=>  d * 2^K > (j - 1) * M
 *                           <=>  d > (j - 1) * M / 2^K
 *                           <=>  d > THR_j = floor((j - 1) * M * 2^-K)   (d is an integer).
 * THR_j is a constant, so y is the height of a ladder of CAP = 2^ACT_BITS - 1 comparisons of d
 * against constants: y = #{ j in 1..CAP : d > THR_j }. THR_1 = 0 makes rung 1 the "p > T" test;
 * the THR_j do not decrease in j, so the rungs that hold form a prefix (a thermometer) and the
 * count is the largest j that holds, capped at CAP by construction (the min of the formula).
 *
 * Width bounds:
 *   p in [-2^(P_BITS-1), 2^(P_BITS-1) - 1], T in [-2^(T_BITS-1), 2^(T_BITS-1) - 1]; with
 *   MAX_PT = max(P_BITS, T_BITS), d = p - T lies in [-(2^MAX_PT - 1), 2^MAX_PT - 1] and fits
 *   D_W = MAX_PT + 1 bits signed exactly (sign-extend both, subtract).
 *   Only d > 0 can light a rung; then d < 2^MAX_PT, i.e. its low D_W - 1 = MAX_PT bits.
 *   (j - 1) * M <= 14 * (2^31 - 1) < 2^35 (STEP_M < 2^31, j <= 15), times 2^KR with
 *   KR = max(-K, 0) stays below 2^(35 + KR) = 2^R_W; the right shift by KL = max(K, 0) only
 *   makes it smaller, so THR_j is exact in CMP_W = max(MAX_PT, R_W) bits. A rung with
 *   THR_j >= 2^MAX_PT can never hold (d < 2^MAX_PT) and is a constant 0; every other rung
 *   compares the MAX_PT low bits of d with those of THR_j, unsigned, exactly.
 *   STEP_F in -24..40 keeps KR <= 27 (R_W <= 62) and KL <= 40 (< CMP_W needs no care: a right
 *   shift of a constant by any amount is exact floor).
 */
module sf_neuron_akida #
(
    // width in bits of the potential p_i (signed), 2..56
    parameter integer P_BITS   = 32,
    // width in bits of the threshold t_i (signed): 20 for Akida 1.0 layers, 24 on the input layer; 2..32
    parameter integer T_BITS   = 20,
    // activation bits: 1, 2 or 4
    parameter integer ACT_BITS = 4,
    // act_step mantissa (act_step = STEP_M / 2^STEP_F), 1..2^31-1
    parameter integer STEP_M   = 1,
    // act_step fraction bits, -24..40 (negative: act_step >= 2)
    parameter integer STEP_F   = 0
)
(
    /* this timestep's potential and this neuron's threshold */
    input  wire signed [P_BITS-1:0] p_i,
    input  wire signed [T_BITS-1:0] t_i,

    /* multi-bit event */
    output wire [ACT_BITS-1:0]      y_o,     // activation, 0..2^ACT_BITS - 1
    output wire                     valid_o  // y_o != 0: emit an event
);

// widths and constants, see the bounds in the header comment
localparam integer CAP    = (1 << ACT_BITS) - 1;
localparam integer K      = STEP_F + ACT_BITS - 4;
localparam integer KL     = (K > 0) ? K : 0;
localparam integer KR     = (K < 0) ? -K : 0;
localparam integer MAX_PT = (P_BITS > T_BITS) ? P_BITS : T_BITS;
localparam integer D_W    = MAX_PT + 1;
localparam integer R_W    = 35 + KR;
localparam integer CMP_W  = (MAX_PT > R_W) ? MAX_PT : R_W;

// STEP_M and j - 1 are below 2^31: their bit 31 is 0 and 31 bits carry them
localparam [31:0]       M_32  = STEP_M;
localparam [CMP_W-1:0]  M_C   = {{(CMP_W-31){1'b0}}, M_32[30:0]};
localparam [31:0]       ONE_32 = 1;
localparam [ACT_BITS-1:0] ONE_Y = ONE_32[ACT_BITS-1:0];

// check configuration
initial begin
    if (P_BITS < 2 || P_BITS > 56) begin
        $error("Error: P_BITS must be in 2..56 (instance %m)");
        $finish;
    end

    if (T_BITS < 2 || T_BITS > 32) begin
        $error("Error: T_BITS must be in 2..32 (instance %m)");
        $finish;
    end

    if (ACT_BITS != 1 && ACT_BITS != 2 && ACT_BITS != 4) begin
        $error("Error: ACT_BITS must be 1, 2 or 4 (instance %m)");
        $finish;
    end

    if (STEP_M < 1) begin
        $error("Error: STEP_M must be in 1..2^31-1 (act_step > 0) (instance %m)");
        $finish;
    end

    if (STEP_F < -24 || STEP_F > 40) begin
        $error("Error: STEP_F must be in -24..40 (instance %m)");
        $finish;
    end
end

/* d = p - T, exact in D_W bits */

wire [D_W-1:0] p_d = {{(D_W-P_BITS){p_i[P_BITS-1]}}, p_i};
wire [D_W-1:0] t_d = {{(D_W-T_BITS){t_i[T_BITS-1]}}, t_i};
wire [D_W-1:0] d   = p_d - t_d;

wire              d_pos = ~d[D_W-1];
wire [MAX_PT-1:0] d_mag = d[MAX_PT-1:0];  // d itself when d_pos

/* the ladder: rung j holds iff d > THR_j = floor((j - 1) * M * 2^KR / 2^KL) */

wire [CAP-1:0] rung;

genvar j;

generate

for (j = 1; j <= CAP; j = j + 1) begin : g_rung
    localparam [31:0]      J_32   = j - 1;
    localparam [CMP_W-1:0] J_C    = {{(CMP_W-31){1'b0}}, J_32[30:0]};
    localparam [CMP_W-1:0] THR    = ((M_C * J_C) << KR) >> KL;
    localparam [CMP_W-1:0] THR_HI = THR >> MAX_PT;
    if (THR_HI != {CMP_W{1'b0}}) begin : g_never
        // THR >= 2^MAX_PT > d: the rung never holds
        assign rung[j-1] = 1'b0;
    end else begin : g_cmp
        // THR < 2^MAX_PT: MAX_PT bits carry both sides
        assign rung[j-1] = d_pos & (d_mag > THR[MAX_PT-1:0]);
    end
end

endgenerate

/* y = number of rungs that hold (a thermometer code, so also the highest one) */

reg [ACT_BITS-1:0] y_reg;
integer i;

always @* begin
    y_reg = {ACT_BITS{1'b0}};
    for (i = 0; i < CAP; i = i + 1) begin
        if (rung[i]) begin
            y_reg = y_reg + ONE_Y;
        end
    end
end

assign y_o     = y_reg;
assign valid_o = rung[0];  // y != 0 iff rung 1 (d > 0) holds

endmodule

`resetall
