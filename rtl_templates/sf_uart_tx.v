// Language: Verilog 2001

`resetall
`timescale 1ns / 1ps
`default_nettype none

/*
 * UART transmitter, 8N1: a start bit (0), eight data bits LSB first, one stop bit (1), each
 * DIV = round(CLK_HZ / BAUD) clock cycles long. A byte is accepted from the stream while the
 * previous frame's last cycle is being sent, so back-to-back bytes leave no gap on the line.
 */
module sf_uart_tx #
(
    // clock frequency in Hz
    parameter integer CLK_HZ = 12000000,
    // line rate in bit/s; round(CLK_HZ / BAUD) must be >= 4 and within 2 % of CLK_HZ / BAUD
    parameter integer BAUD   = 115200
)
(
    input  wire       clk,
    input  wire       rst,

    /* byte stream in */
    input  wire [7:0] s_axis_tdata,
    input  wire       s_axis_tvalid,
    output wire       s_axis_tready,

    /* serial line */
    output wire       txd,

    /* status: a frame is on the line */
    output wire       busy
);

// clock cycles per bit, rounded to nearest
localparam integer DIV   = (BAUD > 0) ? (CLK_HZ + BAUD / 2) / BAUD : 0;
localparam integer CNT_W = (DIV > 1) ? $clog2(DIV) : 1;
// |DIV * BAUD - CLK_HZ|, the rate error times BAUD
localparam integer DIV_ERR = (DIV * BAUD > CLK_HZ) ? DIV * BAUD - CLK_HZ : CLK_HZ - DIV * BAUD;

localparam [31:0] DIV_M1_32 = DIV - 1;
localparam [CNT_W-1:0] DIV_M1 = DIV_M1_32[CNT_W-1:0];

// check configuration
initial begin
    if (CLK_HZ <= 0 || BAUD <= 0) begin
        $error("Error: CLK_HZ and BAUD must be positive (instance %m)");
        $finish;
    end

    if (DIV < 4) begin
        $error("Error: CLK_HZ / BAUD must be at least 4 (instance %m)");
        $finish;
    end

    if (DIV_ERR > CLK_HZ / 50) begin
        $error("Error: CLK_HZ / BAUD is more than 2 %% from an integer divisor (instance %m)");
        $finish;
    end
end

// frame bits still to send after the one on the line: stop bit, then data MSB first
reg [8:0] data_reg = 9'h1ff, data_next;
reg txd_reg = 1'b1, txd_next;
// bit periods left in the frame, including the current one; 0 when idle
reg [3:0] bit_cnt_reg = 4'd0, bit_cnt_next;
// clock cycles left in the current bit period, minus one
reg [CNT_W-1:0] cnt_reg = {CNT_W{1'b0}}, cnt_next;

// idle, or in the last cycle of the stop bit
wire last_cycle = (bit_cnt_reg == 4'd1) && (cnt_reg == {CNT_W{1'b0}});

assign s_axis_tready = (bit_cnt_reg == 4'd0) || last_cycle;
assign txd           = txd_reg;
assign busy          = (bit_cnt_reg != 4'd0);

always @* begin
    data_next    = data_reg;
    txd_next     = txd_reg;
    bit_cnt_next = bit_cnt_reg;
    cnt_next     = cnt_reg;

    if (bit_cnt_reg != 4'd0) begin
        if (cnt_reg == {CNT_W{1'b0}}) begin
            // next bit period: shift out the next bit (ones once the stop bit is out)
            cnt_next     = DIV_M1;
            txd_next     = data_reg[0];
            data_next    = {1'b1, data_reg[8:1]};
            bit_cnt_next = bit_cnt_reg - 4'd1;
        end else begin
            cnt_next = cnt_reg - {{(CNT_W-1){1'b0}}, 1'b1};
        end
    end

    if (s_axis_tvalid && s_axis_tready) begin
        // start bit now, then the data, then the stop bit
        cnt_next     = DIV_M1;
        txd_next     = 1'b0;
        data_next    = {1'b1, s_axis_tdata};
        bit_cnt_next = 4'd10;
    end
end

always @(posedge clk) begin
    data_reg    <= data_next;
    txd_reg     <= txd_next;
    bit_cnt_reg <= bit_cnt_next;
    cnt_reg     <= cnt_next;

    if (rst) begin
        data_reg    <= 9'h1ff;
        txd_reg     <= 1'b1;
        bit_cnt_reg <= 4'd0;
        cnt_reg     <= {CNT_W{1'b0}};
    end
end

endmodule

`resetall
