// Language: Verilog 2001

`resetall
`timescale 1ns / 1ps
`default_nettype none

/*
 * Event-driven dense layer engine with P neuron lanes. The engine is the datapath only
 * (event loop, memories, accumulator banks, fire scan, stream handshakes, debug ports);
 * each lane is an sf_neuron_lane, which selects the neuron model by its MODEL name and packs
 * the model's state and parameter words. What differs between models in the datapath comes
 * in as properties the generator derives per model (and the lanes check against MODEL):
 * HAS_STATE (a v memory), DELAY_BANK (a second acc bank: one-step synaptic delay), PAYLOAD
 * (multi-bit event values), HAS_PEND (deferred-reset bits).
 *
 * PAYLOAD models (`akida`, `akida2`) turn this step's input sum into a multi-bit event value
 * in the fire phase (m_payload, OUT_PAY_BITS wide; a value of 0 is not emitted) and clear the
 * sum, as the others do. Models without HAS_STATE have no v memory: their per-neuron
 * parameters live in the bias memory, and the debug state port shows what the lanes computed
 * this step (see sf_neuron_lane); the debug read port answers with zeros for them. Timing is
 * the same for every model.
 *
 * Memories (C = ceil(N_OUT / P) chunks of P neurons):
 *   weights  N_IN * R words of W_PACK * P * W_BITS bits, R = ceil(C / W_PACK): word i*R + r
 *            holds chunks c = r*W_PACK + s (s = 0..W_PACK-1), W[c*P + j][i] at bits
 *            (s*P + j)*W_BITS (W_PACK 1: word i*C + c, lane j at bits j*W_BITS). Packing
 *            several chunks into a word fills a wide memory word (SPRAM's 16 bits) with few
 *            lanes; the engine reads a word per chunk all the same (timing unchanged).
 *   acc      C words of P * ACC_BITS bits: the input sum I of the current step
 *   acc1     DELAY_BANK only (loihi2): a second acc bank, for a one-step synaptic delay:
 *            a step integrates its events into one bank while the fire phase consumes (and
 *            clears) the other, which holds the previous step's sums; the banks swap after
 *            every fire phase. Both start cleared, so step 0 fires on zero input.
 *   v        C words of P * V_BITS bits: the neuron state words (HAS_STATE only; layout in
 *            sf_neuron_lane, e.g. loihi2's {u, v})
 *   bias     C words of P * BIAS_BITS bits (HAS_BIAS): the lanes' parameter words (bias,
 *            loihi2's bias_mant, akida's threshold, akida2's {output_scale, bias})
 *   pend     C words of P bits: spiked last step (HAS_PEND only: RESET_MODE 3)
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
    // Neuron model, by name: "if", "lif", "loihi2", "akida" or "akida2" (see sf_neuron_lane)
    parameter MODEL = "if",

    /* datapath properties of the model (the generator derives them; the lanes check them) */
    // 1: a v memory holds each neuron's state word between steps
    parameter integer HAS_STATE = 1,
    // 1: a second acc bank delays the input by one step (loihi2's synaptic delay)
    parameter integer DELAY_BANK = 0,
    // 1: events carry the lanes' multi-bit values (m_payload); 0: binary spikes
    parameter integer PAYLOAD = 0,
    // 1: a pend memory holds each neuron's deferred reset (RESET_MODE 3)
    parameter integer HAS_PEND = 0,

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
    // State word bits per lane (layout per model: sf_neuron_lane)
    parameter integer V_BITS = 8,
    // Parameter word bits per lane (the bias memory; layout per model: sf_neuron_lane)
    parameter integer BIAS_BITS = 2,
    // Layer has a bias memory
    parameter integer HAS_BIAS = 0,
    // Output event payload width: 1 unless PAYLOAD
    parameter integer OUT_PAY_BITS = 1,

    /* the lanes' model parameters, passed to sf_neuron_lane unchanged (full meanings there);
     * a model's lanes read only their own group */
    // "if" / "lif": firing threshold θ
    parameter integer THRESHOLD = 1,
    // "if" / "lif": 0 spike when s >= θ, 1 when s > θ
    parameter integer FIRE_GT = 0,
    // "if" / "lif": reset 0 subtract, 1 zero, 2 none, 3 subtract_deferred (with HAS_PEND)
    parameter integer RESET_MODE = 0,
    // "if" / "lif": state after a spike for RESET_MODE 1
    parameter integer V_RESET = 0,
    // "if" / "lif": leak 0 none, 1 shift, 2 mult, 3 sub
    parameter integer LEAK_MODE = 0,
    // "if" / "lif": LEAK_MODE 1 shift
    parameter integer LEAK_SHIFT = 0,
    // "if" / "lif": LEAK_MODE 2 β_q
    parameter integer LEAK_BETA = 0,
    // "if" / "lif": LEAK_MODE 2 fraction bits of β_q
    parameter integer LEAK_FRAC = 0,
    // "if" / "lif": LEAK_MODE 3 λ
    parameter integer LEAK_SUB = 0,
    // "loihi2": current decay du
    parameter integer DU = 0,
    // "loihi2": voltage decay dv
    parameter integer DV = 0,
    // "loihi2": threshold mantissa vth
    parameter integer VTH = 0,
    // "loihi2": bias exponent
    parameter integer BIAS_EXP = 0,
    // "loihi2": exponent applied to the summed input, -8..15
    parameter integer WEIGHT_EXP = 0,
    // "loihi2": decay multipliers, 0 constant multiply, 1 shift-and-add
    parameter integer DECAY_IMPL = 0,
    // "akida": activation bits
    parameter integer ACT_BITS = 1,
    // "akida": act_step mantissa (act_step = STEP_M / 2^STEP_F)
    parameter integer STEP_M = 1,
    // "akida": act_step fraction bits
    parameter integer STEP_F = 0,
    // "akida2": the lane's sum is the step's input sum << INPUT_SHIFT
    parameter integer INPUT_SHIFT = 0,
    // "akida2": accumulator width (buffer_bits)
    parameter integer BUFFER_BITS = 28,
    // "akida2": bias alignment shift
    parameter integer BIAS_SHIFT = 0,
    // "akida2": 1 ReLU
    parameter integer RELU = 0,
    // "akida2": 1 ReLU bounded by MAX_VALUE << MAX_VALUE_SHIFT
    parameter integer MAX_EN = 0,
    // "akida2": ReLU bound mantissa
    parameter integer MAX_VALUE = 255,
    // "akida2": ReLU bound shift
    parameter integer MAX_VALUE_SHIFT = 0,
    // "akida2": output_shift
    parameter integer OUT_SHIFT = 0,
    // "akida2": output activation bits
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
    output wire [OUT_PAY_BITS-1:0]    m_payload,   // the event's value (1 unless PAYLOAD)

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
    if (HAS_STATE < 0 || HAS_STATE > 1 || DELAY_BANK < 0 || DELAY_BANK > 1 || PAYLOAD < 0 || PAYLOAD > 1
        || HAS_PEND < 0 || HAS_PEND > 1 || HAS_BIAS < 0 || HAS_BIAS > 1) begin
        $error("Error: HAS_STATE, DELAY_BANK, PAYLOAD, HAS_PEND and HAS_BIAS must be 0 or 1 (instance %m)");
        $finish;
    end
    if (PAYLOAD == 0 && OUT_PAY_BITS != 1) begin
        $error("Error: binary spikes (PAYLOAD 0) need OUT_PAY_BITS 1 (instance %m)");
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
/* PAYLOAD: the event values of chunk fchunk_reg (fire pipeline), and of the chunk being emitted */
reg [P*OUT_PAY_BITS-1:0] fb_pay_reg = {P*OUT_PAY_BITS{1'b0}};
reg [P*OUT_PAY_BITS-1:0] epay_reg = {P*OUT_PAY_BITS{1'b0}};

/* acc read-after-write forwarding: last cycle's write went to the word read last cycle */
reg                fwd_hit_reg = 1'b0;
reg [P*ACC_BITS-1:0] fwd_data_reg = {P*ACC_BITS{1'b0}};

/* clear sweep */
reg [CHUNK_W-1:0]  clr_chunk_reg = {CHUNK_W{1'b0}}, clr_chunk_next;

/* DELAY_BANK: the acc bank this step integrates into (the other one fires) */
reg                bank_reg = 1'b0, bank_next;

/* memory ports */
reg                w_re;
reg [WADDR_W-1:0]  w_raddr;
wire [W_PACK*P*W_BITS-1:0] w_rword;   // the weight word read
wire [P*W_BITS-1:0] w_rdata;           // its chunk s2_wsel_reg
reg                st_re;
reg [CHUNK_W-1:0]  st_raddr;
reg                acc_we;
reg                acc_wfire;   // DELAY_BANK: the write goes to the firing bank (else the integrating one)
reg                acc_wboth;   // DELAY_BANK: the write goes to both banks (clear sweep)
reg [CHUNK_W-1:0]  acc_waddr;
reg [P*ACC_BITS-1:0] acc_wdata;
wire [P*ACC_BITS-1:0] acc_rdata_int;   // integrating bank (no DELAY_BANK: the only one), as read
wire [P*ACC_BITS-1:0] acc_rdata_fire;  // bank the fire phase consumes (no DELAY_BANK: the same)
// integrate operand: forwarding covers a write to the word read in the same cycle (only
// writes to the integrating bank set fwd_hit_reg)
wire [P*ACC_BITS-1:0] acc_rdata = fwd_hit_reg ? fwd_data_reg : acc_rdata_int;
// fire operand: without DELAY_BANK the lanes fire on this step's sums, which the last
// integrate write may still be forwarding; with it, on the other bank, untouched since the
// previous step
wire [P*ACC_BITS-1:0] acc_fire = (DELAY_BANK == 0) ? acc_rdata : acc_rdata_fire;
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
wire [P*OUT_PAY_BITS-1:0] lane_pay;   // PAYLOAD: each lane's event value

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

/* lanes: neuron updates (the model, its state word and its parameter word: sf_neuron_lane) */
generate
for (j = 0; j < P; j = j + 1) begin : g_neuron
    sf_neuron_lane #(
        .MODEL(MODEL),
        .HAS_STATE(HAS_STATE),
        .DELAY_BANK(DELAY_BANK),
        .PAYLOAD(PAYLOAD),
        .HAS_PEND(HAS_PEND),
        .HAS_BIAS(HAS_BIAS),
        .ACC_BITS(ACC_BITS),
        .V_BITS(V_BITS),
        .BIAS_BITS(BIAS_BITS),
        .OUT_PAY_BITS(OUT_PAY_BITS),
        .THRESHOLD(THRESHOLD),
        .FIRE_GT(FIRE_GT),
        .RESET_MODE(RESET_MODE),
        .V_RESET(V_RESET),
        .LEAK_MODE(LEAK_MODE),
        .LEAK_SHIFT(LEAK_SHIFT),
        .LEAK_BETA(LEAK_BETA),
        .LEAK_FRAC(LEAK_FRAC),
        .LEAK_SUB(LEAK_SUB),
        .DU(DU),
        .DV(DV),
        .VTH(VTH),
        .BIAS_EXP(BIAS_EXP),
        .WEIGHT_EXP(WEIGHT_EXP),
        .DECAY_IMPL(DECAY_IMPL),
        .ACT_BITS(ACT_BITS),
        .STEP_M(STEP_M),
        .STEP_F(STEP_F),
        .INPUT_SHIFT(INPUT_SHIFT),
        .BUFFER_BITS(BUFFER_BITS),
        .BIAS_SHIFT(BIAS_SHIFT),
        .RELU(RELU),
        .MAX_EN(MAX_EN),
        .MAX_VALUE(MAX_VALUE),
        .MAX_VALUE_SHIFT(MAX_VALUE_SHIFT),
        .OUT_SHIFT(OUT_SHIFT),
        .OUTPUT_BITS(OUTPUT_BITS)
    ) lane_inst (
        .acc_i(acc_fire[j*ACC_BITS +: ACC_BITS]),
        .state_i(v_rdata[j*V_BITS +: V_BITS]),
        .param_i(bias_rdata[j*BIAS_BITS +: BIAS_BITS]),
        .pend_i(pend_rdata[j]),
        .state_o(lane_v[j*V_BITS +: V_BITS]),
        .spike_o(lane_spike[j]),
        .pend_o(lane_pend[j]),
        .pay_o(lane_pay[j*OUT_PAY_BITS +: OUT_PAY_BITS])
    );
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
if (PAYLOAD != 0) begin : g_pay
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
                // DELAY_BANK: the bank just integrated fires next step; the cleared one integrates
                if (DELAY_BANK != 0) bank_next = ~bank_reg;
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

    // DELAY_BANK: only a write into the integrating bank can be what the integrate read needs
    fwd_hit_reg   <= acc_we && (acc_waddr == st_raddr) && (DELAY_BANK == 0 || (!acc_wfire && !acc_wboth));
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
if (DELAY_BANK == 0) begin : g_acc_one
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
if (HAS_STATE != 0) begin : g_v
    sf_ram_1r1w #(
        .WIDTH(P*V_BITS), .DEPTH(C), .ADDR_W(CHUNK_W), .INIT_FILE(""), .STYLE(V_STYLE)
    ) v_ram (
        .clk(clk),
        .wr_en(v_we), .wr_addr(v_waddr), .wr_data(v_wdata),
        .rd_en(st_re), .rd_addr(st_raddr), .rd_data(v_rdata)
    );
end else begin : g_no_v
    // no state memory (HAS_STATE 0): the debug port still shows each step's writes
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
if (HAS_PEND != 0) begin : g_pend
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
