// Language: Verilog 2001

`resetall
`timescale 1ns / 1ps
`default_nettype none

/*
 * sf_neuron_lane for "loihi2" in an engine that claims no delay bank (DELAY_BANK 0): the
 * lane would fire on the wrong step's sums, so elaboration must stop with an $error.
 */
module sf_lane_select_bad_props (
    input  wire [15:0] acc_i,
    input  wire [47:0] state_i,
    input  wire [12:0] param_i,
    input  wire        pend_i,
    output wire [47:0] state_o,
    output wire        spike_o,
    output wire        pend_o,
    output wire        pay_o
);

sf_neuron_lane #(
    .MODEL("loihi2"), .HAS_STATE(1), .DELAY_BANK(0), .PAYLOAD(0), .HAS_PEND(0), .HAS_BIAS(1),
    .ACC_BITS(16), .V_BITS(48), .BIAS_BITS(13), .OUT_PAY_BITS(1), .VTH(40)
) lane (
    .acc_i(acc_i), .state_i(state_i), .param_i(param_i), .pend_i(pend_i),
    .state_o(state_o), .spike_o(spike_o), .pend_o(pend_o), .pay_o(pay_o)
);

endmodule

`resetall
