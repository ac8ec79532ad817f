// Language: Verilog 2001

`resetall
`timescale 1ns / 1ps
`default_nettype none

/*
 * sf_neuron_lane under every model name, each next to the model's own lane module driven
 * directly (d_* ports). The test drives the direct module with the input scaling and the
 * word unpacking written out in C++ and requires the same outputs from sf_neuron_lane, so a
 * wrong packing in the lane layer (u and v swapped, a lost shift, scale and bias swapped)
 * shows as a mismatch.
 */
module sf_lane_select_configs (
    /* "lif", deferred reset, shift leak: V_BITS 8, ACC_BITS 8, BIAS_BITS 4 */
    input  wire [7:0]  lif_acc_i,
    input  wire [7:0]  lif_state_i,
    input  wire [3:0]  lif_param_i,
    input  wire        lif_pend_i,
    output wire [7:0]  lif_state_o,
    output wire        lif_spike_o,
    output wire        lif_pend_o,
    output wire        lif_pay_o,
    output wire [7:0]  lif_d_v_o,
    output wire        lif_d_spike_o,
    output wire        lif_d_pend_o,

    /* "loihi2", WEIGHT_EXP -3: ACC_BITS 16, BIAS_BITS 13; direct lane takes a (16 bits) */
    input  wire [15:0] l2d_acc_i,
    input  wire [47:0] l2d_state_i,
    input  wire [12:0] l2d_param_i,
    input  wire        l2d_pend_i,
    output wire [47:0] l2d_state_o,
    output wire        l2d_spike_o,
    output wire        l2d_pend_o,
    output wire        l2d_pay_o,
    input  wire [23:0] l2d_d_u_i,
    input  wire [23:0] l2d_d_v_i,
    input  wire [15:0] l2d_d_a_i,
    output wire [23:0] l2d_d_u_o,
    output wire [23:0] l2d_d_v_o,
    output wire        l2d_d_spike_o,

    /* "loihi2", WEIGHT_EXP 5: ACC_BITS 16, BIAS_BITS 13; direct lane takes a (21 bits) */
    input  wire [15:0] l2u_acc_i,
    input  wire [47:0] l2u_state_i,
    input  wire [12:0] l2u_param_i,
    input  wire        l2u_pend_i,
    output wire [47:0] l2u_state_o,
    output wire        l2u_spike_o,
    output wire        l2u_pend_o,
    output wire        l2u_pay_o,
    input  wire [23:0] l2u_d_u_i,
    input  wire [23:0] l2u_d_v_i,
    input  wire [20:0] l2u_d_a_i,
    output wire [23:0] l2u_d_u_o,
    output wire [23:0] l2u_d_v_o,
    output wire        l2u_d_spike_o,

    /* "akida": ACC_BITS = V_BITS 12, threshold 10 bits, ACT_BITS 4 */
    input  wire [11:0] ak1_acc_i,
    input  wire [11:0] ak1_state_i,
    input  wire [9:0]  ak1_param_i,
    input  wire        ak1_pend_i,
    output wire [11:0] ak1_state_o,
    output wire        ak1_spike_o,
    output wire        ak1_pend_o,
    output wire [3:0]  ak1_pay_o,
    output wire [3:0]  ak1_d_y_o,
    output wire        ak1_d_valid_o,

    /* "akida2", INPUT_SHIFT 4: ACC_BITS 14, BUFFER_BITS = V_BITS 20, OUTPUT_BITS 8 */
    input  wire [13:0] ak2_acc_i,
    input  wire [19:0] ak2_state_i,
    input  wire [15:0] ak2_param_i,
    input  wire        ak2_pend_i,
    output wire [19:0] ak2_state_o,
    output wire        ak2_spike_o,
    output wire        ak2_pend_o,
    output wire [7:0]  ak2_pay_o,
    input  wire [17:0] ak2_d_sum_i,
    input  wire [7:0]  ak2_d_bias_i,
    input  wire [7:0]  ak2_d_scale_i,
    output wire [7:0]  ak2_d_y_o,
    output wire        ak2_d_valid_o,
    output wire [19:0] ak2_d_acc_o
);

sf_neuron_lane #(
    .MODEL("lif"), .HAS_STATE(1), .DELAY_BANK(0), .PAYLOAD(0), .HAS_PEND(1), .HAS_BIAS(1),
    .ACC_BITS(8), .V_BITS(8), .BIAS_BITS(4), .OUT_PAY_BITS(1),
    .THRESHOLD(20), .FIRE_GT(1), .RESET_MODE(3), .LEAK_MODE(1), .LEAK_SHIFT(1)
) lif (
    .acc_i(lif_acc_i), .state_i(lif_state_i), .param_i(lif_param_i), .pend_i(lif_pend_i),
    .state_o(lif_state_o), .spike_o(lif_spike_o), .pend_o(lif_pend_o), .pay_o(lif_pay_o)
);
sf_neuron_iflif #(
    .V_BITS(8), .ACC_BITS(8), .BIAS_BITS(4),
    .THRESHOLD(20), .FIRE_GT(1), .RESET_MODE(3), .LEAK_MODE(1), .LEAK_SHIFT(1)
) lif_d (
    .v_i(lif_state_i), .acc_i(lif_acc_i), .bias_i(lif_param_i), .pend_i(lif_pend_i),
    .v_o(lif_d_v_o), .spike_o(lif_d_spike_o), .pend_o(lif_d_pend_o)
);

sf_neuron_lane #(
    .MODEL("loihi2"), .HAS_STATE(1), .DELAY_BANK(1), .PAYLOAD(0), .HAS_PEND(0), .HAS_BIAS(1),
    .ACC_BITS(16), .V_BITS(48), .BIAS_BITS(13), .OUT_PAY_BITS(1),
    .DU(700), .DV(300), .VTH(40), .BIAS_EXP(2), .WEIGHT_EXP(-3)
) l2d (
    .acc_i(l2d_acc_i), .state_i(l2d_state_i), .param_i(l2d_param_i), .pend_i(l2d_pend_i),
    .state_o(l2d_state_o), .spike_o(l2d_spike_o), .pend_o(l2d_pend_o), .pay_o(l2d_pay_o)
);
sf_neuron_loihi2 #(
    .DU(700), .DV(300), .VTH(40), .BIAS_EXP(2), .ACC_BITS(16), .BIAS_BITS(13)
) l2d_d (
    .u_i(l2d_d_u_i), .v_i(l2d_d_v_i), .a_i(l2d_d_a_i), .bias_i(l2d_param_i),
    .u_o(l2d_d_u_o), .v_o(l2d_d_v_o), .spike_o(l2d_d_spike_o)
);

sf_neuron_lane #(
    .MODEL("loihi2"), .HAS_STATE(1), .DELAY_BANK(1), .PAYLOAD(0), .HAS_PEND(0), .HAS_BIAS(1),
    .ACC_BITS(16), .V_BITS(48), .BIAS_BITS(13), .OUT_PAY_BITS(1),
    .DU(4095), .DV(17), .VTH(3000), .BIAS_EXP(0), .WEIGHT_EXP(5), .DECAY_IMPL(1)
) l2u (
    .acc_i(l2u_acc_i), .state_i(l2u_state_i), .param_i(l2u_param_i), .pend_i(l2u_pend_i),
    .state_o(l2u_state_o), .spike_o(l2u_spike_o), .pend_o(l2u_pend_o), .pay_o(l2u_pay_o)
);
sf_neuron_loihi2 #(
    .DU(4095), .DV(17), .VTH(3000), .BIAS_EXP(0), .ACC_BITS(21), .BIAS_BITS(13), .DECAY_IMPL(1)
) l2u_d (
    .u_i(l2u_d_u_i), .v_i(l2u_d_v_i), .a_i(l2u_d_a_i), .bias_i(l2u_param_i),
    .u_o(l2u_d_u_o), .v_o(l2u_d_v_o), .spike_o(l2u_d_spike_o)
);

sf_neuron_lane #(
    .MODEL("akida"), .HAS_STATE(0), .DELAY_BANK(0), .PAYLOAD(1), .HAS_PEND(0), .HAS_BIAS(1),
    .ACC_BITS(12), .V_BITS(12), .BIAS_BITS(10), .OUT_PAY_BITS(4),
    .ACT_BITS(4), .STEP_M(3), .STEP_F(1)
) ak1 (
    .acc_i(ak1_acc_i), .state_i(ak1_state_i), .param_i(ak1_param_i), .pend_i(ak1_pend_i),
    .state_o(ak1_state_o), .spike_o(ak1_spike_o), .pend_o(ak1_pend_o), .pay_o(ak1_pay_o)
);
sf_neuron_akida #(
    .P_BITS(12), .T_BITS(10), .ACT_BITS(4), .STEP_M(3), .STEP_F(1)
) ak1_d (
    .p_i(ak1_acc_i), .t_i(ak1_param_i), .y_o(ak1_d_y_o), .valid_o(ak1_d_valid_o)
);

sf_neuron_lane #(
    .MODEL("akida2"), .HAS_STATE(0), .DELAY_BANK(0), .PAYLOAD(1), .HAS_PEND(0), .HAS_BIAS(1),
    .ACC_BITS(14), .V_BITS(20), .BIAS_BITS(16), .OUT_PAY_BITS(8),
    .INPUT_SHIFT(4), .BUFFER_BITS(20), .BIAS_SHIFT(3), .RELU(1), .MAX_EN(1), .MAX_VALUE(200),
    .MAX_VALUE_SHIFT(6), .OUT_SHIFT(-5), .OUTPUT_BITS(8)
) ak2 (
    .acc_i(ak2_acc_i), .state_i(ak2_state_i), .param_i(ak2_param_i), .pend_i(ak2_pend_i),
    .state_o(ak2_state_o), .spike_o(ak2_spike_o), .pend_o(ak2_pend_o), .pay_o(ak2_pay_o)
);
sf_neuron_akida2 #(
    .SUM_BITS(18), .ACC_STAGE(1), .BUFFER_BITS(20), .BIAS_SHIFT(3), .RELU(1), .MAX_EN(1),
    .MAX_VALUE(200), .MAX_VALUE_SHIFT(6), .OUT_SHIFT(-5), .OUTPUT_BITS(8)
) ak2_d (
    .sum_i(ak2_d_sum_i), .bias_i(ak2_d_bias_i), .scale_i(ak2_d_scale_i),
    .y_o(ak2_d_y_o), .valid_o(ak2_d_valid_o), .acc_o(ak2_d_acc_o)
);

endmodule

`resetall
