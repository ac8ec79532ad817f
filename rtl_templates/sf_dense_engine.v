// Language: Verilog 2001

`resetall
`timescale 1ns / 1ps
`default_nettype none

/*
 * Event-driven dense layer engine with P neuron lanes: MODEL 0 the `if` / `lif` models
 * (sf_neuron_iflif), MODEL 1 the `loihi2` model (sf_neuron_loihi2), MODEL 2 the `akida`
 * model (Akida 1.0, sf_neuron_akida), MODEL 3 the `akida2` model (Akida 2.0, sf_neuron_akida2).
 *
 * MODEL 2 and 3 are stateless: the fire phase turns this step's input sum into a multi-bit
 * event value (m_payload, OUT_PAY_BITS wide; a value of 0 is not emitted) and clears the sum,
 * as for MODEL 0. They have no v memory: the per-neuron parameters live in the bias memory
 * (MODEL 2: the threshold, BIAS_BITS signed; MODEL 3: {output_scale[15:8], bias[7:0]}), and
 * the debug state port shows what the lanes computed this step (MODEL 2: the potential p,
 * V_BITS = ACC_BITS; MODEL 3: the accumulator saturated to BUFFER_BITS, V_BITS = BUFFER_BITS).
 * The debug read port answers with zeros for them. Timing is that of MODEL 0.
 *
 * Memories (C = ceil(N_OUT / P) chunks of P neurons):
 *   weights  N_IN * R words of W_PACK * P * W_BITS bits, R = ceil(C / W_PACK): word i*R + r
 *            holds chunks c = r*W_PACK + s (s = 0..W_PACK-1), W[c*P + j][i] at bits
 *            (s*P + j)*W_BITS (W_PACK 1: word i*C + c, lane j at bits j*W_BITS). Packing
 *            several chunks into a word fills a wide memory word (SPRAM's 16 bits) with few
 *            lanes; the engine reads a word per chunk all the same (timing unchanged).
 *   acc      C words of P * ACC_BITS bits: the input sum I of the current step
 *   acc1     MODEL 1 only: a second acc bank. Loihi 2's one-step synaptic delay is built here:
 *            a step integrates its events into one bank while the fire phase consumes (and
 *            clears) the other, which holds the previous step's sums; the banks swap after
 *            every fire phase. Both start cleared, so step 0 fires on zero input.
 *   v        C words of P * V_BITS bits: the neuron state; MODEL 0: v; MODEL 1: {u, v}, 24 bits
 *            each (V_BITS = 48, v in the low half); none for MODEL 2 and 3
 *   bias     C words of P * BIAS_BITS bits (HAS_BIAS); MODEL 1: bias_mant; MODEL 2: threshold;
 *            MODEL 3: {output_scale, bias}
 *   pend     C words of P bits: spiked last step (RESET_MODE 3 only)
 *
 * Timing (the generator's cycle model mirrors this; co-simulation checks it):
 *   - after reset the engine clears its state, one chunk per cycle (C cycles);
 *   - an input event accepted in cycle a issues its chunks in cycles a+1..a+C
 *     and the next word is accepted in cycle a+C (no bubble between events);
 *     a chunk issued in cycle i reads its weight word in i, forms the
 *     products and reads the acc word in i+1, and writes the sum in i+2;
 *   - the end-of-timestep marker accepted in cycle m starts the fire phase in
 *     the first cycle y >= max(m+1, i_last+2) (i_last: the step's last issue)
 *     where fire_ok is high (the downstream FIFO can take a whole timestep);
 *     chunk c is updated in one cycle (into the fire
 *     pipeline register), written back in the next, and each of its k_c spikes
 *     takes one more cycle to emit, so the output marker leaves in cycle
 *     y + 1 + 2C + S (S spikes), and the next input is accepted from the cycle
 *     after.
 */
module sf_dense_engine #
(
    // Neuron model: 0 `if` / `lif`, 1 `loihi2`, 2 `akida`, 3 `akida2`
    parameter integer MODEL = 0,
    // Inputs (fan-in)
    parameter integer N_IN = 4,
    // Neurons
    parameter integer N_OUT = 4,
    // Neuron lanes; chunks per event = ceil(N_OUT / P)
    parameter integer P = 1,
    // Chunks per weight word (see Memories)
    parameter integer W_PACK = 1,
    // Input event index width, >= clog2(N_IN)
    parameter integer IN_IDX_W = 2,
    // Output event index width, >= clog2(N_OUT)
    parameter integer OUT_IDX_W = 2,
    // Input payload width (1 with PAY_SIGNED 0: binary spikes, no multiplier)
    parameter integer PAY_BITS = 1,
    // Input payload is two's complement
    parameter integer PAY_SIGNED = 0,
    // Weight width (signed)
    parameter integer W_BITS = 4,
    // Input sum width (signed); the generator proves no step sum overflows it
    parameter integer ACC_BITS = 8,
    // State bits per lane: MODEL 0 the membrane width (signed, saturating); MODEL 1 48 ({u, v})
    parameter integer V_BITS = 8,
    // Bias width (signed)
    parameter integer BIAS_BITS = 2,
    // Layer has a bias memory
    parameter integer HAS_BIAS = 0,
    // Neuron parameters, see sf_neuron_iflif
    parameter integer THRESHOLD = 1,
    parameter integer FIRE_GT = 0,
    parameter integer RESET_MODE = 0,
    parameter integer V_RESET = 0,
    parameter integer LEAK_MODE = 0,
    parameter integer LEAK_SHIFT = 0,
    parameter integer LEAK_BETA = 0,
    parameter integer LEAK_FRAC = 0,
    parameter integer LEAK_SUB = 0,
    // loihi2 parameters (MODEL 1), see sf_neuron_loihi2; WEIGHT_EXP scales the summed input
    // (A << WEIGHT_EXP, or an arithmetic (floor) shift right for a negative exponent); the
    // generator folds the weights' common trailing zeros into it, hence up to 15
    parameter integer DU = 0,
    parameter integer DV = 0,
    parameter integer VTH = 0,
    parameter integer BIAS_EXP = 0,
    parameter integer WEIGHT_EXP = 0,
    parameter integer DECAY_IMPL = 0,
    // Output event payload width: 1 (binary spikes, MODEL 0 and 1), ACT_BITS (MODEL 2),
    // OUTPUT_BITS (MODEL 3)
    parameter integer OUT_PAY_BITS = 1,
    // akida parameters (MODEL 2), see sf_neuron_akida: act_bits, act_step = STEP_M / 2^STEP_F
    parameter integer ACT_BITS = 1,
    parameter integer STEP_M = 1,
    parameter integer STEP_F = 0,
    // akida2 parameters (MODEL 3), see sf_neuron_akida2; the lane's sum is the step's input
    // sum << INPUT_SHIFT (exact: x << s summed is the sum << s)
    parameter integer INPUT_SHIFT = 0,
    parameter integer BUFFER_BITS = 28,
    parameter integer BIAS_SHIFT = 0,
    parameter integer RELU = 0,
    parameter integer MAX_EN = 0,
    parameter integer MAX_VALUE = 255,
    parameter integer MAX_VALUE_SHIFT = 0,
    parameter integer OUT_SHIFT = 0,
    parameter integer OUTPUT_BITS = 8,
    // Hex files for the weight and bias memories
    parameter WEIGHT_FILE = "",
    parameter BIAS_FILE = "",
    // RAM placement of each memory (see sf_ram_1r1w)
    parameter WEIGHT_STYLE = "block",
    parameter ACC_STYLE = "block",
    parameter ACC1_STYLE = "block",
    parameter V_STYLE = "block",
    parameter BIAS_STYLE = "block",
    parameter PEND_STYLE = "logic"
)
(
    input  wire                       clk,
    input  wire                       rst,

    /* input events */
    input  wire                       s_valid,
    output wire                       s_ready,
    input  wire                       s_eot,
    input  wire [IN_IDX_W-1:0]        s_index,
    input  wire [PAY_BITS-1:0]        s_payload,

    /* downstream can take a whole timestep */
    input  wire                       fire_ok,

    /* output events */
    output wire                       m_valid,
    input  wire                       m_ready,
    output wire                       m_eot,
    output wire [OUT_IDX_W-1:0]       m_index,
    output wire [OUT_PAY_BITS-1:0]    m_payload,   // the event's value (MODEL 0 / 1: 1)

    /* debug: every write of the v memory (state after fire/reset) */
    output wire                       dbg_st_we,
    output wire [CHUNK_W-1:0]         dbg_st_addr,
    output wire [P*V_BITS-1:0]        dbg_st_data,

    /* debug: read chunk dbg_rd_addr of the v memory. A request is taken only while the
     * engine integrates with its acc pipeline idle (between timesteps, or waiting for
     * input), where it uses a free cycle of the state read port and changes nothing;
     * dbg_rd_valid then holds the data in dbg_rd_data one cycle later. */
    input  wire                       dbg_rd_en,
    input  wire [CHUNK_W-1:0]         dbg_rd_addr,
    output wire                       dbg_rd_valid,
    output wire [P*V_BITS-1:0]        dbg_rd_data,

    /* weight load: word ld_addr of the weight memory (layout above). A write is taken
     * only while rst is high, so a running layer never sees its weights change. The
     * only source of the weights when WEIGHT_STYLE is "spram" (SPRAM has no initial
     * contents); tie ld_we low otherwise. */
    input  wire                       ld_we,
    input  wire [WADDR_W-1:0]         ld_addr,
    input  wire [W_PACK*P*W_BITS-1:0] ld_data
);

localparam integer C = (N_OUT + P - 1) / P;
localparam integer CHUNK_W = (C > 1) ? $clog2(C) : 1;
localparam integer WROW = (C + W_PACK - 1) / W_PACK;   // weight words per input
localparam integer WDEPTH = N_IN * WROW;
localparam integer WSEL_W = (W_PACK > 1) ? $clog2(W_PACK) : 1;
localparam integer WADDR_W = (WDEPTH > 1) ? $clog2(WDEPTH) : 1;
// Payload as a signed multiplier operand (one extra bit when unsigned).
localparam integer PAY_OP_BITS = (PAY_SIGNED != 0) ? PAY_BITS : PAY_BITS + 1;
localparam integer BINARY = (PAY_BITS == 1 && PAY_SIGNED == 0) ? 1 : 0;
localparam integer LANE_SEL_W = (P > 1) ? $clog2(P) : 1;

initial begin
    if (N_IN < 1 || N_OUT < 1 || P < 1 || P > N_OUT || W_PACK < 1 || W_PACK > C) begin
        $error("Error: need N_IN >= 1, 1 <= P <= N_OUT, 1 <= W_PACK <= ceil(N_OUT / P) (instance %m)");
        $finish;
    end
    if ((1 << IN_IDX_W) < N_IN || (1 << OUT_IDX_W) < N_OUT) begin
        $error("Error: index widths too small for N_IN / N_OUT (instance %m)");
        $finish;
    end
    if (W_BITS < 2 || ACC_BITS < W_BITS || V_BITS < 2 || PAY_BITS < 1) begin
        $error("Error: need W_BITS >= 2, ACC_BITS >= W_BITS, V_BITS >= 2, PAY_BITS >= 1 (instance %m)");
        $finish;
    end
    if (MODEL < 0 || MODEL > 3) begin
        $error("Error: MODEL must be 0 (if/lif), 1 (loihi2), 2 (akida) or 3 (akida2) (instance %m)");
        $finish;
    end
    if (MODEL <= 1 && OUT_PAY_BITS != 1) begin
        $error("Error: MODEL 0 and 1 emit binary spikes: OUT_PAY_BITS must be 1 (instance %m)");
        $finish;
    end
    if (MODEL == 2 && (V_BITS != ACC_BITS || OUT_PAY_BITS != ACT_BITS || HAS_BIAS != 1 || RESET_MODE != 0
                       || BIAS_BITS > 32)) begin
        $error("Error: MODEL 2 (akida) needs V_BITS = ACC_BITS, OUT_PAY_BITS = ACT_BITS, HAS_BIAS 1 (thresholds), BIAS_BITS <= 32, RESET_MODE 0 (instance %m)");
        $finish;
    end
    if (MODEL == 3 && (V_BITS != BUFFER_BITS || OUT_PAY_BITS != OUTPUT_BITS || HAS_BIAS != 1 || BIAS_BITS != 16
                       || RESET_MODE != 0 || INPUT_SHIFT < 0 || INPUT_SHIFT > 32
                       || ACC_BITS + INPUT_SHIFT > 48)) begin
        $error("Error: MODEL 3 (akida2) needs V_BITS = BUFFER_BITS, OUT_PAY_BITS = OUTPUT_BITS, HAS_BIAS 1, BIAS_BITS 16 ({scale, bias}), RESET_MODE 0, INPUT_SHIFT 0..32, ACC_BITS + INPUT_SHIFT <= 48 (instance %m)");
        $finish;
    end
    if (MODEL == 1 && (V_BITS != 48 || WEIGHT_EXP < -8 || WEIGHT_EXP > 15 || RESET_MODE != 0)) begin
        $error("Error: MODEL 1 (loihi2) needs V_BITS = 48, WEIGHT_EXP in -8..15, RESET_MODE 0 (instance %m)");
        $finish;
    end
end

localparam [2:0] S_CLEAR = 3'd0,
                 S_INTEG = 3'd1,
                 S_FWAIT = 3'd2,
                 S_FCALC = 3'd3,
                 S_FWB   = 3'd4,
                 S_FEMIT = 3'd5,
                 S_FEOT  = 3'd6;

reg [2:0] state_reg = S_CLEAR, state_next;

/* integrate: current event */
reg                int_valid_reg = 1'b0, int_valid_next;
reg [WADDR_W-1:0]  int_waddr_reg = {WADDR_W{1'b0}}, int_waddr_next;
reg [CHUNK_W-1:0]  int_chunk_reg = {CHUNK_W{1'b0}}, int_chunk_next;
reg [WSEL_W-1:0]   int_wsel_reg = {WSEL_W{1'b0}}, int_wsel_next;     // chunk within the weight word
reg [PAY_BITS-1:0] int_pay_reg = {PAY_BITS{1'b0}}, int_pay_next;
/* integrate: data stage (one cycle after issue) */
reg                s2_valid_reg = 1'b0;
reg [CHUNK_W-1:0]  s2_chunk_reg = {CHUNK_W{1'b0}};
reg [WSEL_W-1:0]   s2_wsel_reg = {WSEL_W{1'b0}};
reg [PAY_BITS-1:0] s2_pay_reg = {PAY_BITS{1'b0}};
/* integrate: accumulate stage (two cycles after issue) */
reg                s3_valid_reg = 1'b0;
reg [CHUNK_W-1:0]  s3_chunk_reg = {CHUNK_W{1'b0}};
reg [P*ACC_BITS-1:0] prod_reg = {P*ACC_BITS{1'b0}};  // weight x payload of each lane

/* fire */
reg [CHUNK_W-1:0]  fchunk_reg = {CHUNK_W{1'b0}}, fchunk_next;   // chunk whose data arrives next
reg [CHUNK_W-1:0]  echunk_reg = {CHUNK_W{1'b0}}, echunk_next;   // chunk being emitted
reg [P-1:0]        mask_reg = {P{1'b0}}, mask_next;
reg                elast_reg = 1'b0, elast_next;                // emitted chunk is the last
/* fire pipeline register: the lanes' results for chunk fchunk_reg (S_FCALC -> S_FWB) */
reg [P*V_BITS-1:0] fb_v_reg = {P*V_BITS{1'b0}};
reg [P-1:0]        fb_mask_reg = {P{1'b0}};
reg [P-1:0]        fb_pend_reg = {P{1'b0}};
/* MODEL 2, 3: the event values of chunk fchunk_reg (fire pipeline), and of the chunk being emitted */
reg [P*OUT_PAY_BITS-1:0] fb_pay_reg = {P*OUT_PAY_BITS{1'b0}};
reg [P*OUT_PAY_BITS-1:0] epay_reg = {P*OUT_PAY_BITS{1'b0}};

/* acc read-after-write forwarding: last cycle's write went to the word read last cycle */
reg                fwd_hit_reg = 1'b0;
reg [P*ACC_BITS-1:0] fwd_data_reg = {P*ACC_BITS{1'b0}};

/* clear sweep */
reg [CHUNK_W-1:0]  clr_chunk_reg = {CHUNK_W{1'b0}}, clr_chunk_next;

/* MODEL 1: the acc bank this step integrates into (the other one fires) */
reg                bank_reg = 1'b0, bank_next;

/* memory ports */
reg                w_re;
reg [WADDR_W-1:0]  w_raddr;
wire [W_PACK*P*W_BITS-1:0] w_rword;   // the weight word read
wire [P*W_BITS-1:0] w_rdata;           // its chunk s2_wsel_reg
reg                st_re;
reg [CHUNK_W-1:0]  st_raddr;
reg                acc_we;
reg                acc_wfire;   // MODEL 1: the write goes to the firing bank (else the integrating one)
reg                acc_wboth;   // MODEL 1: the write goes to both banks (clear sweep)
reg [CHUNK_W-1:0]  acc_waddr;
reg [P*ACC_BITS-1:0] acc_wdata;
wire [P*ACC_BITS-1:0] acc_rdata_int;   // integrating bank (MODEL 0: the only one), as read
wire [P*ACC_BITS-1:0] acc_rdata_fire;  // bank the fire phase consumes (MODEL 0: the same)
// integrate operand: forwarding covers a write to the word read in the same cycle (only
// writes to the integrating bank set fwd_hit_reg)
wire [P*ACC_BITS-1:0] acc_rdata = fwd_hit_reg ? fwd_data_reg : acc_rdata_int;
// fire operand: MODEL 0, 2, 3 fire on this step's sums, which the last integrate write may
// still be forwarding; MODEL 1 fires on the other bank, untouched since the previous step
wire [P*ACC_BITS-1:0] acc_fire = (MODEL != 1) ? acc_rdata : acc_rdata_fire;
reg                v_we;
reg [CHUNK_W-1:0]  v_waddr;
reg [P*V_BITS-1:0] v_wdata;
wire [P*V_BITS-1:0] v_rdata;
wire [P*BIAS_BITS-1:0] bias_rdata;
wire [P-1:0]       pend_rdata;
reg [P-1:0]        pend_wdata;

// First weight word of the accepted event's row (upper bits are zero for any valid index).
/* verilator lint_off UNUSEDSIGNAL */
wire [31:0] row_base = {{(32-IN_IDX_W){1'b0}}, s_index} * WROW;
/* verilator lint_on UNUSEDSIGNAL */

wire last_int_chunk = (int_chunk_reg == C[CHUNK_W-1:0] - 1'b1);
wire last_wsel      = (int_wsel_reg == W_PACK[WSEL_W-1:0] - 1'b1);

generate
if (W_PACK > 1) begin : g_wsel
    assign w_rdata = w_rword[s2_wsel_reg*(P*W_BITS) +: P*W_BITS];
end else begin : g_wone
    assign w_rdata = w_rword;
    wire unused_wsel = ^{s2_wsel_reg, last_wsel};
end
endgenerate
wire last_fchunk    = (fchunk_reg == C[CHUNK_W-1:0] - 1'b1);

assign s_ready = (state_reg == S_INTEG) && (!int_valid_reg || last_int_chunk);

/* lanes: integrate adders and neuron updates */
wire [P*ACC_BITS-1:0] acc_sum;
wire [P*ACC_BITS-1:0] lane_prod;
wire [P*V_BITS-1:0]   lane_v;
wire [P-1:0]          lane_spike;
wire [P-1:0]          lane_pend;
wire [P*OUT_PAY_BITS-1:0] lane_pay;   // MODEL 2, 3: each lane's event value

genvar j;
generate
for (j = 0; j < P; j = j + 1) begin : g_lane
    wire signed [W_BITS-1:0]   w_j   = w_rdata[j*W_BITS +: W_BITS];
    wire signed [ACC_BITS-1:0] acc_j = acc_rdata[j*ACC_BITS +: ACC_BITS];
    wire signed [ACC_BITS-1:0] add_j;
    if (BINARY != 0) begin : g_bin
        assign add_j = s2_pay_reg[0] ? {{(ACC_BITS-W_BITS){w_j[W_BITS-1]}}, w_j} : {ACC_BITS{1'b0}};
    end else begin : g_mul
        // the payload as a signed operand: as is, or zero-extended by one bit
        wire signed [PAY_OP_BITS-1:0] p_op;
        if (PAY_SIGNED != 0) begin : g_pay_s
            assign p_op = s2_pay_reg;
        end else begin : g_pay_u
            assign p_op = {1'b0, s2_pay_reg};
        end
        wire signed [W_BITS+PAY_OP_BITS-1:0] prod = w_j * p_op;
        // Every single product is a subset sum, which the generator proved fits ACC_BITS.
        if (ACC_BITS >= W_BITS + PAY_OP_BITS) begin : g_ext
            assign add_j = {{(ACC_BITS-W_BITS-PAY_OP_BITS){prod[W_BITS+PAY_OP_BITS-1]}}, prod};
        end else begin : g_trunc
            assign add_j = prod[ACC_BITS-1:0];
            // the bits above ACC_BITS only repeat the sign: the product fits
            wire unused_prod_hi = ^prod[W_BITS+PAY_OP_BITS-1:ACC_BITS];
        end
    end
    assign lane_prod[j*ACC_BITS +: ACC_BITS] = add_j;
    assign acc_sum[j*ACC_BITS +: ACC_BITS] = acc_j + $signed(prod_reg[j*ACC_BITS +: ACC_BITS]);
end
endgenerate

/* lanes: neuron updates */
generate
for (j = 0; j < P; j = j + 1) begin : g_neuron
    wire signed [ACC_BITS-1:0] fire_j = acc_fire[j*ACC_BITS +: ACC_BITS];
    if (MODEL == 0) begin : g_iflif
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
        .v_i(v_rdata[j*V_BITS +: V_BITS]),
        .acc_i(fire_j),
        .bias_i(bias_rdata[j*BIAS_BITS +: BIAS_BITS]),
        .pend_i(pend_rdata[j]),
        .v_o(lane_v[j*V_BITS +: V_BITS]),
        .spike_o(lane_spike[j]),
        .pend_o(lane_pend[j])
    );
    assign lane_pay[j*OUT_PAY_BITS +: OUT_PAY_BITS] = {OUT_PAY_BITS{1'b1}};  // binary: 1
    end else if (MODEL == 2) begin : g_akida
    // stateless: the potential p is this step's input sum; the threshold is the param word
    wire [ACT_BITS-1:0] y_j;
    sf_neuron_akida #(
        .P_BITS(ACC_BITS),
        .T_BITS(BIAS_BITS),
        .ACT_BITS(ACT_BITS),
        .STEP_M(STEP_M),
        .STEP_F(STEP_F)
    ) neuron_inst (
        .p_i(fire_j),
        .t_i(bias_rdata[j*BIAS_BITS +: BIAS_BITS]),
        .y_o(y_j),
        .valid_o(lane_spike[j])
    );
    assign lane_pay[j*OUT_PAY_BITS +: OUT_PAY_BITS] = y_j;
    assign lane_v[j*V_BITS +: V_BITS] = fire_j;  // state "p"
    assign lane_pend[j] = 1'b0;
    /* verilator lint_off UNUSEDSIGNAL */
    wire unused_state_j = ^{v_rdata[j*V_BITS +: V_BITS], pend_rdata[j]};  // stateless
    /* verilator lint_on UNUSEDSIGNAL */
    end else if (MODEL == 3) begin : g_akida2
    // stateless: the lane's exact sum is this step's input sum << INPUT_SHIFT; the param word
    // is {output_scale, bias}
    localparam integer SUM_BITS = ACC_BITS + INPUT_SHIFT;
    wire signed [SUM_BITS-1:0] sum_j;
    if (INPUT_SHIFT > 0) begin : g_ishift
        assign sum_j = {fire_j, {INPUT_SHIFT{1'b0}}};
    end else begin : g_no_ishift
        assign sum_j = fire_j;
    end
    wire [OUTPUT_BITS-1:0] y_j;
    wire [BUFFER_BITS-1:0] acc_j;
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
        .sum_i(sum_j),
        .bias_i(bias_rdata[j*BIAS_BITS +: 8]),
        .scale_i(bias_rdata[j*BIAS_BITS + 8 +: 8]),
        .y_o(y_j),
        .valid_o(lane_spike[j]),
        .acc_o(acc_j)
    );
    assign lane_pay[j*OUT_PAY_BITS +: OUT_PAY_BITS] = y_j;
    assign lane_v[j*V_BITS +: V_BITS] = acc_j;  // state "acc"
    assign lane_pend[j] = 1'b0;
    /* verilator lint_off UNUSEDSIGNAL */
    wire unused_state_j = ^{v_rdata[j*V_BITS +: V_BITS], pend_rdata[j]};  // stateless
    /* verilator lint_on UNUSEDSIGNAL */
    end else begin : g_loihi2
    // A = the summed input scaled by WEIGHT_EXP; only its low 18 bits reach u (wrap_24 of
    // A << 6), so a left shift needs no extra width beyond what the lane takes
    localparam integer A_BITS = (WEIGHT_EXP > 0) ? ACC_BITS + WEIGHT_EXP : ACC_BITS;
    wire signed [A_BITS-1:0] a_j;
    if (WEIGHT_EXP > 0) begin : g_wexp_up
        assign a_j = {fire_j, {WEIGHT_EXP{1'b0}}};
    end else if (WEIGHT_EXP < 0) begin : g_wexp_down
        assign a_j = fire_j >>> (-WEIGHT_EXP);
    end else begin : g_wexp_none
        assign a_j = fire_j;
    end
    wire signed [23:0] u_o_j, v_o_j;
    sf_neuron_loihi2 #(
        .DU(DU),
        .DV(DV),
        .VTH(VTH),
        .BIAS_EXP(BIAS_EXP),
        .ACC_BITS(A_BITS),
        .BIAS_BITS(BIAS_BITS),
        .DECAY_IMPL(DECAY_IMPL)
    ) neuron_inst (
        .u_i(v_rdata[j*V_BITS+24 +: 24]),
        .v_i(v_rdata[j*V_BITS +: 24]),
        .a_i(a_j),
        .bias_i(bias_rdata[j*BIAS_BITS +: BIAS_BITS]),
        .u_o(u_o_j),
        .v_o(v_o_j),
        .spike_o(lane_spike[j])
    );
    assign lane_v[j*V_BITS +: V_BITS] = {u_o_j, v_o_j};
    assign lane_pend[j] = 1'b0;
    assign lane_pay[j*OUT_PAY_BITS +: OUT_PAY_BITS] = {OUT_PAY_BITS{1'b1}};  // binary: 1
    /* verilator lint_off UNUSEDSIGNAL */
    wire unused_pend_j = pend_rdata[j];  // loihi2 has no deferred reset
    /* verilator lint_on UNUSEDSIGNAL */
    end
end
endgenerate

// Lanes past N_OUT in the last chunk never spike.
wire [P-1:0] lane_live;
generate
for (j = 0; j < P; j = j + 1) begin : g_live
    assign lane_live[j] = ({{(32-CHUNK_W){1'b0}}, fchunk_reg} * P + j) < N_OUT;
end
endgenerate
wire [P-1:0] fire_mask = lane_spike & lane_live;

/* emitter: lowest set bit of mask_reg */
reg [LANE_SEL_W-1:0] emit_lane;
integer k;
always @* begin
    emit_lane = {LANE_SEL_W{1'b0}};
    for (k = P - 1; k >= 0; k = k - 1)
        if (mask_reg[k]) emit_lane = k[LANE_SEL_W-1:0];
end
wire [P-1:0] emit_onehot = mask_reg & (~mask_reg + 1'b1);

assign m_valid = (state_reg == S_FEMIT) || (state_reg == S_FEOT);
assign m_eot   = (state_reg == S_FEOT);
/* verilator lint_off UNUSEDSIGNAL */
wire [31:0] emit_neuron = {{(32-CHUNK_W){1'b0}}, echunk_reg} * P + {{(32-LANE_SEL_W){1'b0}}, emit_lane};
/* verilator lint_on UNUSEDSIGNAL */
assign m_index = (state_reg == S_FEMIT) ? emit_neuron[OUT_IDX_W-1:0] : {OUT_IDX_W{1'b0}};
generate
if (MODEL >= 2) begin : g_pay
    // the value of the lane being emitted
    assign m_payload = (state_reg == S_FEMIT) ? epay_reg[emit_lane*OUT_PAY_BITS +: OUT_PAY_BITS]
                                               : {OUT_PAY_BITS{1'b0}};
end else begin : g_pay_one
    assign m_payload = (state_reg == S_FEMIT) ? {OUT_PAY_BITS{1'b1}} : {OUT_PAY_BITS{1'b0}};
    /* verilator lint_off UNUSEDSIGNAL */
    wire unused_pay = ^epay_reg;
    /* verilator lint_on UNUSEDSIGNAL */
end
endgenerate

// the state read port is free: no acc read of the integrate pipeline this cycle
wire dbg_rd_take = dbg_rd_en && (state_reg == S_INTEG) && !s2_valid_reg;
reg  dbg_rd_valid_reg = 1'b0;
assign dbg_rd_valid = dbg_rd_valid_reg;
assign dbg_rd_data  = v_rdata;

assign dbg_st_we   = v_we && (state_reg != S_CLEAR);
assign dbg_st_addr = v_waddr;
assign dbg_st_data = v_wdata;

always @* begin
    state_next     = state_reg;
    int_valid_next = int_valid_reg;
    int_waddr_next = int_waddr_reg;
    int_chunk_next = int_chunk_reg;
    int_wsel_next  = int_wsel_reg;
    int_pay_next   = int_pay_reg;
    fchunk_next    = fchunk_reg;
    echunk_next    = echunk_reg;
    mask_next      = mask_reg;
    elast_next     = elast_reg;
    clr_chunk_next = clr_chunk_reg;
    bank_next      = bank_reg;

    w_re      = 1'b0;
    w_raddr   = int_waddr_reg;
    st_re     = 1'b0;
    st_raddr  = fchunk_reg;
    acc_we    = 1'b0;
    acc_wfire = 1'b0;
    acc_wboth = 1'b0;
    acc_waddr = s3_chunk_reg;
    acc_wdata = acc_sum;
    v_we      = 1'b0;
    v_waddr   = fchunk_reg;
    v_wdata   = fb_v_reg;
    pend_wdata = fb_pend_reg;

    // The integrate stages run whatever state the control is in (their issue
    // happened earlier): s2 reads the acc word while the product is formed,
    // s3 adds and writes it back.
    if (s2_valid_reg) begin
        st_re    = 1'b1;
        st_raddr = s2_chunk_reg;
    end
    if (s3_valid_reg) acc_we = 1'b1;
    if (dbg_rd_take) begin
        st_re    = 1'b1;
        st_raddr = dbg_rd_addr;
    end

    case (state_reg)
        S_CLEAR: begin
            acc_we    = 1'b1;
            acc_wboth = 1'b1;
            acc_waddr = clr_chunk_reg;
            acc_wdata = {P*ACC_BITS{1'b0}};
            v_we      = 1'b1;
            v_waddr   = clr_chunk_reg;
            v_wdata   = {P*V_BITS{1'b0}};
            pend_wdata = {P{1'b0}};
            clr_chunk_next = clr_chunk_reg + 1'b1;
            if (clr_chunk_reg == C[CHUNK_W-1:0] - 1'b1) state_next = S_INTEG;
        end
        S_INTEG: begin
            if (int_valid_reg) begin
                // issue one chunk: its weight word (the next word after the word's last chunk)
                w_re = 1'b1;
                if (W_PACK == 1 || last_wsel) begin
                    int_waddr_next = int_waddr_reg + 1'b1;
                    int_wsel_next  = {WSEL_W{1'b0}};
                end else begin
                    int_wsel_next  = int_wsel_reg + 1'b1;
                end
                int_chunk_next = int_chunk_reg + 1'b1;
                if (last_int_chunk) int_valid_next = 1'b0;
            end
            if (s_valid && s_ready) begin
                if (s_eot) begin
                    int_valid_next = 1'b0;
                    state_next = S_FWAIT;
                end else begin
                    int_valid_next = 1'b1;
                    int_waddr_next = row_base[WADDR_W-1:0];
                    int_wsel_next  = {WSEL_W{1'b0}};
                    int_chunk_next = {CHUNK_W{1'b0}};
                    int_pay_next   = s_payload;
                end
            end
        end
        S_FWAIT: begin
            fchunk_next = {CHUNK_W{1'b0}};
            // the integrate pipeline must have read its last acc word: s3 may
            // still write, which the read of chunk 0 takes by forwarding
            if (fire_ok && !s2_valid_reg) begin
                st_re = 1'b1;
                st_raddr = {CHUNK_W{1'b0}};
                state_next = S_FCALC;
            end
        end
        S_FCALC: begin
            // data of fchunk_reg is on the read ports: the lanes update it into fb_*_reg
            state_next = S_FWB;
        end
        S_FWB: begin
            // write back the updated chunk fchunk_reg; its fired sums are consumed
            acc_we    = 1'b1;
            acc_wfire = 1'b1;
            acc_waddr = fchunk_reg;
            acc_wdata = {P*ACC_BITS{1'b0}};
            v_we      = 1'b1;
            // read the next chunk whatever comes next; reads have no side effects
            st_re     = 1'b1;
            st_raddr  = fchunk_reg + 1'b1;
            fchunk_next = fchunk_reg + 1'b1;
            echunk_next = fchunk_reg;
            elast_next  = last_fchunk;
            mask_next   = fb_mask_reg;
            if (fb_mask_reg != {P{1'b0}}) state_next = S_FEMIT;
            else if (last_fchunk) state_next = S_FEOT;
            else state_next = S_FCALC;
        end
        S_FEMIT: begin
            st_re = 1'b1;
            st_raddr = fchunk_reg;
            if (m_ready) begin
                mask_next = mask_reg & ~emit_onehot;
                if ((mask_reg & ~emit_onehot) == {P{1'b0}}) state_next = elast_reg ? S_FEOT : S_FCALC;
            end
        end
        S_FEOT: begin
            if (m_ready) begin
                state_next = S_INTEG;
                // MODEL 1: the bank just integrated fires next step; the cleared one integrates
                if (MODEL == 1) bank_next = ~bank_reg;
            end
        end
        default: state_next = S_CLEAR;
    endcase
end

always @(posedge clk) begin
    state_reg     <= state_next;
    int_valid_reg <= int_valid_next;
    int_waddr_reg <= int_waddr_next;
    int_chunk_reg <= int_chunk_next;
    int_wsel_reg  <= int_wsel_next;
    int_pay_reg   <= int_pay_next;
    fchunk_reg    <= fchunk_next;
    echunk_reg    <= echunk_next;
    mask_reg      <= mask_next;
    elast_reg     <= elast_next;
    clr_chunk_reg <= clr_chunk_next;
    bank_reg      <= bank_next;

    s2_valid_reg  <= (state_reg == S_INTEG) && int_valid_reg;
    s2_chunk_reg  <= int_chunk_reg;
    s2_wsel_reg   <= int_wsel_reg;
    s2_pay_reg    <= int_pay_reg;
    s3_valid_reg  <= s2_valid_reg;
    dbg_rd_valid_reg <= dbg_rd_take;
    s3_chunk_reg  <= s2_chunk_reg;
    prod_reg      <= lane_prod;

    // MODEL 1: only a write into the integrating bank can be what the integrate read needs
    fwd_hit_reg   <= acc_we && (acc_waddr == st_raddr) && (MODEL != 1 || (!acc_wfire && !acc_wboth));
    fwd_data_reg  <= acc_wdata;

    fb_v_reg      <= lane_v;
    fb_mask_reg   <= fire_mask;
    fb_pend_reg   <= lane_pend & lane_live;
    fb_pay_reg    <= lane_pay;
    if (state_reg == S_FWB) epay_reg <= fb_pay_reg;

    if (rst) begin
        state_reg     <= S_CLEAR;
        int_valid_reg <= 1'b0;
        s2_valid_reg  <= 1'b0;
        s3_valid_reg  <= 1'b0;
        dbg_rd_valid_reg <= 1'b0;
        fwd_hit_reg   <= 1'b0;
        mask_reg      <= {P{1'b0}};
        clr_chunk_reg <= {CHUNK_W{1'b0}};
        fchunk_reg    <= {CHUNK_W{1'b0}};
        bank_reg      <= 1'b0;
    end
end

/* memories */
sf_ram_1r1w #(
    .WIDTH(W_PACK*P*W_BITS), .DEPTH(WDEPTH), .ADDR_W(WADDR_W),
    .INIT_FILE(WEIGHT_FILE), .STYLE(WEIGHT_STYLE)
) weight_ram (
    .clk(clk),
    .wr_en(ld_we && rst), .wr_addr(ld_addr), .wr_data(ld_data),
    .rd_en(w_re), .rd_addr(w_raddr), .rd_data(w_rword)
);

generate
if (MODEL != 1) begin : g_acc_one
    sf_ram_1r1w #(
        .WIDTH(P*ACC_BITS), .DEPTH(C), .ADDR_W(CHUNK_W), .INIT_FILE(""), .STYLE(ACC_STYLE)
    ) acc_ram (
        .clk(clk),
        .wr_en(acc_we), .wr_addr(acc_waddr), .wr_data(acc_wdata),
        .rd_en(st_re), .rd_addr(st_raddr), .rd_data(acc_rdata_int)
    );
    assign acc_rdata_fire = acc_rdata_int;
    /* verilator lint_off UNUSEDSIGNAL */
    wire unused_bank = bank_reg ^ acc_wfire ^ acc_wboth;
    /* verilator lint_on UNUSEDSIGNAL */
end else begin : g_acc_banks
    // bank b is written by the integrate pipeline while bank_reg == b, by the fire phase's
    // clear while bank_reg != b, and by the clear sweep always; both read the shared address
    wire [P*ACC_BITS-1:0] rdata0, rdata1;
    wire we0 = acc_we && (acc_wboth || ((acc_wfire ? ~bank_reg : bank_reg) == 1'b0));
    wire we1 = acc_we && (acc_wboth || ((acc_wfire ? ~bank_reg : bank_reg) == 1'b1));
    sf_ram_1r1w #(
        .WIDTH(P*ACC_BITS), .DEPTH(C), .ADDR_W(CHUNK_W), .INIT_FILE(""), .STYLE(ACC_STYLE)
    ) acc_ram (
        .clk(clk),
        .wr_en(we0), .wr_addr(acc_waddr), .wr_data(acc_wdata),
        .rd_en(st_re), .rd_addr(st_raddr), .rd_data(rdata0)
    );
    sf_ram_1r1w #(
        .WIDTH(P*ACC_BITS), .DEPTH(C), .ADDR_W(CHUNK_W), .INIT_FILE(""), .STYLE(ACC1_STYLE)
    ) acc1_ram (
        .clk(clk),
        .wr_en(we1), .wr_addr(acc_waddr), .wr_data(acc_wdata),
        .rd_en(st_re), .rd_addr(st_raddr), .rd_data(rdata1)
    );
    // the read data belongs to the bank roles of the cycle it was requested in; bank_reg
    // only changes in S_FEOT, where no read is pending
    assign acc_rdata_int  = bank_reg ? rdata1 : rdata0;
    assign acc_rdata_fire = bank_reg ? rdata0 : rdata1;
end
endgenerate

generate
if (MODEL <= 1) begin : g_v
    sf_ram_1r1w #(
        .WIDTH(P*V_BITS), .DEPTH(C), .ADDR_W(CHUNK_W), .INIT_FILE(""), .STYLE(V_STYLE)
    ) v_ram (
        .clk(clk),
        .wr_en(v_we), .wr_addr(v_waddr), .wr_data(v_wdata),
        .rd_en(st_re), .rd_addr(st_raddr), .rd_data(v_rdata)
    );
end else begin : g_no_v
    // stateless models keep no state: the debug port still shows each step's writes
    assign v_rdata = {P*V_BITS{1'b0}};
end
if (HAS_BIAS != 0) begin : g_bias
    sf_ram_1r1w #(
        .WIDTH(P*BIAS_BITS), .DEPTH(C), .ADDR_W(CHUNK_W), .INIT_FILE(BIAS_FILE), .STYLE(BIAS_STYLE)
    ) bias_ram (
        .clk(clk),
        .wr_en(1'b0), .wr_addr({CHUNK_W{1'b0}}), .wr_data({P*BIAS_BITS{1'b0}}),
        .rd_en(st_re), .rd_addr(st_raddr), .rd_data(bias_rdata)
    );
end else begin : g_no_bias
    assign bias_rdata = {P*BIAS_BITS{1'b0}};
end
if (RESET_MODE == 3) begin : g_pend
    sf_ram_1r1w #(
        .WIDTH(P), .DEPTH(C), .ADDR_W(CHUNK_W), .INIT_FILE(""), .STYLE(PEND_STYLE)
    ) pend_ram (
        .clk(clk),
        .wr_en(v_we), .wr_addr(v_waddr), .wr_data(pend_wdata),
        .rd_en(st_re), .rd_addr(st_raddr), .rd_data(pend_rdata)
    );
end else begin : g_no_pend
    assign pend_rdata = {P{1'b0}};
    /* verilator lint_off UNUSEDSIGNAL */
    wire unused_pend = ^pend_wdata;
    /* verilator lint_on UNUSEDSIGNAL */
end
endgenerate

endmodule

`resetall
