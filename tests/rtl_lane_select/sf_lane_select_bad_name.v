// Language: Verilog 2001

`resetall
`timescale 1ns / 1ps
`default_nettype none

/*
 * sf_neuron_lane with a model name it does not know ("lif2"): elaboration must stop with the
 * $error that lists the accepted names.
 */
module sf_lane_select_bad_name (
    input  wire [7:0] acc_i,
    input  wire [7:0] state_i,
    input  wire [1:0] param_i,
    input  wire       pend_i,
    output wire [7:0] state_o,
    output wire       spike_o,
    output wire       pend_o,
    output wire       pay_o
);

sf_neuron_lane #(
    .MODEL("lif2"), .ACC_BITS(8), .V_BITS(8), .BIAS_BITS(2)
) lane (
    .acc_i(acc_i), .state_i(state_i), .param_i(param_i), .pend_i(pend_i),
    .state_o(state_o), .spike_o(spike_o), .pend_o(pend_o), .pay_o(pay_o)
);

endmodule

`resetall
