// Language: Verilog 2001

`resetall
`timescale 1ns / 1ps
`default_nettype none

/*
 * Test top for the UART: two transmitter/receiver pairs at different divisors. The serial
 * lines are ports, so the test can loop txd back into rxd or drive rxd itself.
 */
module uart_pairs
(
    input  wire       clk,
    input  wire       rst,

    /* pair a: CLK_HZ 1600000, BAUD 100000 (DIV 16) */
    input  wire [7:0] a_tx_tdata,
    input  wire       a_tx_tvalid,
    output wire       a_tx_tready,
    output wire       a_txd,
    output wire       a_tx_busy,
    input  wire       a_rxd,
    output wire [7:0] a_rx_tdata,
    output wire       a_rx_tvalid,
    input  wire       a_rx_tready,
    output wire       a_frame_error,
    output wire       a_overrun_error,

    /* pair b: CLK_HZ 500000, BAUD 100000 (DIV 5) */
    input  wire [7:0] b_tx_tdata,
    input  wire       b_tx_tvalid,
    output wire       b_tx_tready,
    output wire       b_txd,
    output wire       b_tx_busy,
    input  wire       b_rxd,
    output wire [7:0] b_rx_tdata,
    output wire       b_rx_tvalid,
    input  wire       b_rx_tready,
    output wire       b_frame_error,
    output wire       b_overrun_error
);

sf_uart_tx #(
    .CLK_HZ(1600000),
    .BAUD(100000)
)
a_tx (
    .clk(clk),
    .rst(rst),
    .s_axis_tdata(a_tx_tdata),
    .s_axis_tvalid(a_tx_tvalid),
    .s_axis_tready(a_tx_tready),
    .txd(a_txd),
    .busy(a_tx_busy)
);

sf_uart_rx #(
    .CLK_HZ(1600000),
    .BAUD(100000)
)
a_rx (
    .clk(clk),
    .rst(rst),
    .rxd(a_rxd),
    .m_axis_tdata(a_rx_tdata),
    .m_axis_tvalid(a_rx_tvalid),
    .m_axis_tready(a_rx_tready),
    .frame_error(a_frame_error),
    .overrun_error(a_overrun_error)
);

sf_uart_tx #(
    .CLK_HZ(500000),
    .BAUD(100000)
)
b_tx (
    .clk(clk),
    .rst(rst),
    .s_axis_tdata(b_tx_tdata),
    .s_axis_tvalid(b_tx_tvalid),
    .s_axis_tready(b_tx_tready),
    .txd(b_txd),
    .busy(b_tx_busy)
);

sf_uart_rx #(
    .CLK_HZ(500000),
    .BAUD(100000)
)
b_rx (
    .clk(clk),
    .rst(rst),
    .rxd(b_rxd),
    .m_axis_tdata(b_rx_tdata),
    .m_axis_tvalid(b_rx_tvalid),
    .m_axis_tready(b_rx_tready),
    .frame_error(b_frame_error),
    .overrun_error(b_overrun_error)
);
endmodule

`resetall
