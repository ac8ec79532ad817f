// Language: Verilog 2001

`resetall
`timescale 1ns / 1ps
`default_nettype none

/*
 * One neuron lane of an engine, for any neuron model: the only place in the RTL that
 * selects the model's update module (by the MODEL name) and packs its state into the
 * engine's state word and its constants out of the engine's per-neuron parameter word.
 * An engine (dense today; conv, pool next) instantiates one per lane and keeps only its
 * datapath; what that datapath must provide for a model it receives as the properties
 * HAS_STATE, DELAY_BANK, PAYLOAD and HAS_PEND, which the generator derives per model and
 * this module checks against MODEL at elaboration.
 *
 * Combinational. Per model (the engine word widths each needs are checked below):
 *   "if", "lif"  sf_neuron_iflif: state word v (V_BITS, signed, saturating); param word the
 *                bias; pend_i / pend_o the deferred reset (RESET_MODE 3); binary spikes.
 *   "loihi2"     sf_neuron_loihi2: state word {u, v}, 24 bits each (V_BITS 48, v in the
 *                low half); acc_i is scaled by WEIGHT_EXP before it enters the lane; param
 *                word bias_mant; binary spikes. Needs the engine's delay bank: acc_i is the
 *                previous step's sum.
 *   "akida"      sf_neuron_akida: stateless; param word the threshold; the event value is
 *                the activation; state_o shows the potential p = acc_i (V_BITS = ACC_BITS).
 *   "akida2"     sf_neuron_akida2 (ACC_STAGE 1): stateless; the lane's sum is acc_i <<
 *                INPUT_SHIFT; param word {output_scale[15:8], bias[7:0]}; state_o shows the
 *                accumulator saturated to BUFFER_BITS (V_BITS = BUFFER_BITS).
 * The stateless models ignore state_i and pend_i (the engine keeps no state memory).
 */
module sf_neuron_lane #
(
    // Neuron model: "if", "lif", "loihi2", "akida" or "akida2"
    parameter MODEL = "if",

    /* engine properties: what the engine's datapath provides (checked against MODEL) */
    // 1: the engine keeps a state memory of V_BITS per lane (state_i is last step's state_o)
    parameter integer HAS_STATE = 1,
    // 1: the engine keeps a second acc bank, so acc_i is the previous step's input sum
    parameter integer DELAY_BANK = 0,
    // 1: events carry pay_o as their value; 0: binary spikes (pay_o is all ones)
    parameter integer PAYLOAD = 0,
    // 1: the engine keeps a pend bit per lane (pend_i is last step's pend_o)
    parameter integer HAS_PEND = 0,
    // 1: the engine has a per-neuron parameter memory behind param_i (else param_i is 0)
    parameter integer HAS_BIAS = 0,

    /* word widths */
    // Input sum width (signed)
    parameter integer ACC_BITS = 8,
    // State word width: "if"/"lif" the membrane width; "loihi2" 48; "akida" ACC_BITS;
    // "akida2" BUFFER_BITS
    parameter integer V_BITS = 8,
    // Parameter word width: "if"/"lif" the bias (signed); "loihi2" bias_mant (signed);
    // "akida" the threshold (signed, <= 32); "akida2" 16 ({output_scale, bias})
    parameter integer BIAS_BITS = 2,
    // Event value width: 1 for binary spikes; "akida" ACT_BITS; "akida2" OUTPUT_BITS
    parameter integer OUT_PAY_BITS = 1,

    /* "if" / "lif", see sf_neuron_iflif */
    // comparison threshold θ
    parameter integer THRESHOLD = 1,
    // 0 spike when s >= θ, 1 when s > θ
    parameter integer FIRE_GT = 0,
    // reset: 0 subtract, 1 zero (to V_RESET), 2 none, 3 subtract_deferred
    parameter integer RESET_MODE = 0,
    // state after a spike for RESET_MODE 1
    parameter integer V_RESET = 0,
    // leak: 0 none, 1 shift, 2 mult, 3 sub
    parameter integer LEAK_MODE = 0,
    // LEAK_MODE 1: shift k
    parameter integer LEAK_SHIFT = 0,
    // LEAK_MODE 2: β_q
    parameter integer LEAK_BETA = 0,
    // LEAK_MODE 2: fraction bits of β_q
    parameter integer LEAK_FRAC = 0,
    // LEAK_MODE 3: λ
    parameter integer LEAK_SUB = 0,

    /* "loihi2", see sf_neuron_loihi2 */
    // current decay register du
    parameter integer DU = 0,
    // voltage decay register dv
    parameter integer DV = 0,
    // threshold mantissa vth
    parameter integer VTH = 0,
    // bias exponent
    parameter integer BIAS_EXP = 0,
    // scales the summed input: A = acc_i << WEIGHT_EXP, or an arithmetic (floor) shift right
    // for a negative exponent; the generator folds the weights' common trailing zeros into
    // it, hence up to 15
    parameter integer WEIGHT_EXP = 0,
    // decay multipliers: 0 constant multiply, 1 shift-and-add
    parameter integer DECAY_IMPL = 0,

    /* "akida", see sf_neuron_akida: act_step = STEP_M / 2^STEP_F */
    // activation bits
    parameter integer ACT_BITS = 1,
    // act_step mantissa
    parameter integer STEP_M = 1,
    // act_step fraction bits
    parameter integer STEP_F = 0,

    /* "akida2", see sf_neuron_akida2 */
    // the lane's sum is acc_i << INPUT_SHIFT (exact: x << s summed is the sum << s), 0..32
    parameter integer INPUT_SHIFT = 0,
    // accumulator width (buffer_bits)
    parameter integer BUFFER_BITS = 28,
    // bias alignment shift
    parameter integer BIAS_SHIFT = 0,
    // 1: ReLU (unsigned outputs)
    parameter integer RELU = 0,
    // 1: ReLU bounded by MAX_VALUE << MAX_VALUE_SHIFT
    parameter integer MAX_EN = 0,
    // ReLU bound mantissa
    parameter integer MAX_VALUE = 255,
    // ReLU bound shift
    parameter integer MAX_VALUE_SHIFT = 0,
    // output_shift
    parameter integer OUT_SHIFT = 0,
    // output activation bits
    parameter integer OUTPUT_BITS = 8
)
(
    /* this step's input and the neuron's stored words */
    input  wire signed [ACC_BITS-1:0]  acc_i,     // input sum the fire phase consumes
    input  wire [V_BITS-1:0]           state_i,   // state word before this step (HAS_STATE)
    input  wire [BIAS_BITS-1:0]        param_i,   // per-neuron parameter word (HAS_BIAS)
    input  wire                        pend_i,    // deferred reset pending (HAS_PEND)

    /* result */
    output wire [V_BITS-1:0]           state_o,   // state word after this step (stateless: what the lane computed)
    output wire                        spike_o,   // emit an event
    output wire                        pend_o,    // deferred reset for next step (0 unless HAS_PEND)
    output wire [OUT_PAY_BITS-1:0]     pay_o      // the event's value (binary: all ones)
);

// Names of different lengths compare zero-extended (so only the exact name matches); the
// width warning that comparison draws is expected.
/* verilator lint_off WIDTH */
localparam integer IS_IFLIF  = (MODEL == "if" || MODEL == "lif") ? 1 : 0;
localparam integer IS_LOIHI2 = (MODEL == "loihi2") ? 1 : 0;
localparam integer IS_AKIDA  = (MODEL == "akida") ? 1 : 0;
localparam integer IS_AKIDA2 = (MODEL == "akida2") ? 1 : 0;
/* verilator lint_on WIDTH */

initial begin
    if (IS_IFLIF + IS_LOIHI2 + IS_AKIDA + IS_AKIDA2 != 1) begin
        $error("Error: MODEL must be \"if\", \"lif\", \"loihi2\", \"akida\" or \"akida2\" (instance %m)");
        $finish;
    end
    if (IS_IFLIF != 0 && (HAS_STATE != 1 || DELAY_BANK != 0 || PAYLOAD != 0 || OUT_PAY_BITS != 1
                          || HAS_PEND != ((RESET_MODE == 3) ? 1 : 0))) begin
        $error("Error: MODEL \"if\" / \"lif\" needs HAS_STATE 1, DELAY_BANK 0, PAYLOAD 0, OUT_PAY_BITS 1, HAS_PEND 1 exactly when RESET_MODE is 3 (instance %m)");
        $finish;
    end
    if (IS_LOIHI2 != 0 && (HAS_STATE != 1 || DELAY_BANK != 1 || PAYLOAD != 0 || HAS_PEND != 0
                           || OUT_PAY_BITS != 1 || V_BITS != 48 || WEIGHT_EXP < -8 || WEIGHT_EXP > 15
                           || RESET_MODE != 0)) begin
        $error("Error: MODEL \"loihi2\" needs HAS_STATE 1, DELAY_BANK 1, PAYLOAD 0, HAS_PEND 0, OUT_PAY_BITS 1, V_BITS 48, WEIGHT_EXP in -8..15, RESET_MODE 0 (instance %m)");
        $finish;
    end
    if (IS_AKIDA != 0 && (HAS_STATE != 0 || DELAY_BANK != 0 || PAYLOAD != 1 || HAS_PEND != 0
                          || V_BITS != ACC_BITS || OUT_PAY_BITS != ACT_BITS || HAS_BIAS != 1
                          || RESET_MODE != 0 || BIAS_BITS > 32)) begin
        $error("Error: MODEL \"akida\" needs HAS_STATE 0, DELAY_BANK 0, PAYLOAD 1, HAS_PEND 0, V_BITS = ACC_BITS, OUT_PAY_BITS = ACT_BITS, HAS_BIAS 1 (thresholds), BIAS_BITS <= 32, RESET_MODE 0 (instance %m)");
        $finish;
    end
    if (IS_AKIDA2 != 0 && (HAS_STATE != 0 || DELAY_BANK != 0 || PAYLOAD != 1 || HAS_PEND != 0
                           || V_BITS != BUFFER_BITS || OUT_PAY_BITS != OUTPUT_BITS || HAS_BIAS != 1
                           || BIAS_BITS != 16 || RESET_MODE != 0 || INPUT_SHIFT < 0 || INPUT_SHIFT > 32
                           || ACC_BITS + INPUT_SHIFT > 48)) begin
        $error("Error: MODEL \"akida2\" needs HAS_STATE 0, DELAY_BANK 0, PAYLOAD 1, HAS_PEND 0, V_BITS = BUFFER_BITS, OUT_PAY_BITS = OUTPUT_BITS, HAS_BIAS 1, BIAS_BITS 16 ({scale, bias}), RESET_MODE 0, INPUT_SHIFT 0..32, ACC_BITS + INPUT_SHIFT <= 48 (instance %m)");
        $finish;
    end
end

generate
if (IS_IFLIF != 0) begin : g_iflif
    sf_neuron_iflif #(
        .V_BITS(V_BITS),
        .ACC_BITS(ACC_BITS),
        .BIAS_BITS(BIAS_BITS),
        .THRESHOLD(THRESHOLD),
        .FIRE_GT(FIRE_GT),
        .RESET_MODE(RESET_MODE),
        .V_RESET(V_RESET),
        .LEAK_MODE(LEAK_MODE),
        .LEAK_SHIFT(LEAK_SHIFT),
        .LEAK_BETA(LEAK_BETA),
        .LEAK_FRAC(LEAK_FRAC),
        .LEAK_SUB(LEAK_SUB)
    ) neuron_inst (
        .v_i(state_i),
        .acc_i(acc_i),
        .bias_i(param_i),
        .pend_i(pend_i),
        .v_o(state_o),
        .spike_o(spike_o),
        .pend_o(pend_o)
    );
    assign pay_o = {OUT_PAY_BITS{1'b1}};  // binary: 1
end else if (IS_LOIHI2 != 0) begin : g_loihi2
    // A = the summed input scaled by WEIGHT_EXP; only its low 18 bits reach u (wrap_24 of
    // A << 6), so a left shift needs no extra width beyond what the lane takes
    localparam integer A_BITS = (WEIGHT_EXP > 0) ? ACC_BITS + WEIGHT_EXP : ACC_BITS;
    wire signed [A_BITS-1:0] a;
    if (WEIGHT_EXP > 0) begin : g_wexp_up
        assign a = {acc_i, {WEIGHT_EXP{1'b0}}};
    end else if (WEIGHT_EXP < 0) begin : g_wexp_down
        assign a = acc_i >>> (-WEIGHT_EXP);
    end else begin : g_wexp_none
        assign a = acc_i;
    end
    wire signed [23:0] u_o, v_o;
    sf_neuron_loihi2 #(
        .DU(DU),
        .DV(DV),
        .VTH(VTH),
        .BIAS_EXP(BIAS_EXP),
        .ACC_BITS(A_BITS),
        .BIAS_BITS(BIAS_BITS),
        .DECAY_IMPL(DECAY_IMPL)
    ) neuron_inst (
        .u_i(state_i[24 +: 24]),
        .v_i(state_i[0 +: 24]),
        .a_i(a),
        .bias_i(param_i),
        .u_o(u_o),
        .v_o(v_o),
        .spike_o(spike_o)
    );
    assign state_o = {u_o, v_o};
    assign pend_o = 1'b0;
    assign pay_o = {OUT_PAY_BITS{1'b1}};  // binary: 1
    /* verilator lint_off UNUSEDSIGNAL */
    wire unused_pend = pend_i;  // loihi2 has no deferred reset
    /* verilator lint_on UNUSEDSIGNAL */
end else if (IS_AKIDA != 0) begin : g_akida
    // stateless: the potential p is this step's input sum; the threshold is the param word
    wire [ACT_BITS-1:0] y;
    sf_neuron_akida #(
        .P_BITS(ACC_BITS),
        .T_BITS(BIAS_BITS),
        .ACT_BITS(ACT_BITS),
        .STEP_M(STEP_M),
        .STEP_F(STEP_F)
    ) neuron_inst (
        .p_i(acc_i),
        .t_i(param_i),
        .y_o(y),
        .valid_o(spike_o)
    );
    assign pay_o = y;
    assign state_o = acc_i;  // state "p"
    assign pend_o = 1'b0;
    /* verilator lint_off UNUSEDSIGNAL */
    wire unused_state = ^{state_i, pend_i};  // stateless
    /* verilator lint_on UNUSEDSIGNAL */
end else if (IS_AKIDA2 != 0) begin : g_akida2
    // stateless: the lane's exact sum is this step's input sum << INPUT_SHIFT; the param word
    // is {output_scale, bias}
    localparam integer SUM_BITS = ACC_BITS + INPUT_SHIFT;
    wire signed [SUM_BITS-1:0] sum;
    if (INPUT_SHIFT > 0) begin : g_ishift
        assign sum = {acc_i, {INPUT_SHIFT{1'b0}}};
    end else begin : g_no_ishift
        assign sum = acc_i;
    end
    wire [OUTPUT_BITS-1:0] y;
    wire [BUFFER_BITS-1:0] acc;
    sf_neuron_akida2 #(
        .SUM_BITS(SUM_BITS),
        .ACC_STAGE(1),
        .BUFFER_BITS(BUFFER_BITS),
        .BIAS_SHIFT(BIAS_SHIFT),
        .RELU(RELU),
        .MAX_EN(MAX_EN),
        .MAX_VALUE(MAX_VALUE),
        .MAX_VALUE_SHIFT(MAX_VALUE_SHIFT),
        .OUT_SHIFT(OUT_SHIFT),
        .OUTPUT_BITS(OUTPUT_BITS)
    ) neuron_inst (
        .sum_i(sum),
        .bias_i(param_i[0 +: 8]),
        .scale_i(param_i[8 +: 8]),
        .y_o(y),
        .valid_o(spike_o),
        .acc_o(acc)
    );
    assign pay_o = y;
    assign state_o = acc;  // state "acc"
    assign pend_o = 1'b0;
    /* verilator lint_off UNUSEDSIGNAL */
    wire unused_state = ^{state_i, pend_i};  // stateless
    /* verilator lint_on UNUSEDSIGNAL */
end else begin : g_unknown
    // rejected above; drive the outputs so the error is the only message
    assign state_o = {V_BITS{1'b0}};
    assign spike_o = 1'b0;
    assign pend_o = 1'b0;
    assign pay_o = {OUT_PAY_BITS{1'b0}};
    /* verilator lint_off UNUSEDSIGNAL */
    wire unused_in = ^{acc_i, state_i, param_i, pend_i};
    /* verilator lint_on UNUSEDSIGNAL */
end
endgenerate

endmodule

`resetall
