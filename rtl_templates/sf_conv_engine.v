// Language: Verilog 2001

`resetall
`timescale 1ns / 1ps
`default_nettype none

/*
 * Event-driven 2-D convolution layer engine with P neuron lanes: the convolutional sibling
 * of sf_dense_engine, with the same ports, handshakes, lanes (sf_neuron_lane, unchanged),
 * model properties and debug and load ports. docs/conv-engine.md gives the memory layout,
 * the pipeline and the exact cycle formula of every phase.
 *
 * Semantics (C order, as NIR / PyTorch): input C_IN x H_IN x W_IN, an event carries
 * i = ci*H_IN*W_IN + y*W_IN + x and a payload p; neuron n = co*H_OUT*W_OUT + oy*W_OUT + ox
 * sums W[co][ci - g*CIG][ky][kx] * p over the events with oy*SH - PH + ky*DH = y and
 * ox*SW - PW + kx*DW = x, g = co / COG the channel's group (COG = C_OUT / GROUPS output and
 * CIG = C_IN / GROUPS input channels per group). Everything after the sum is the lane's.
 *
 * Lanes work on the output channels of one group: CG = ceil(COG / P) chunks per group,
 * CH = GROUPS * CG chunks per output position; lane j of chunk (g, cg) is channel
 * g*COG + cg*P + j (lanes past COG are idle: weight 0, they never emit).
 *
 * Memories (sf_ram_1r1w; NPOS = H_OUT * W_OUT positions, pos = oy*W_OUT + ox):
 *   weights  C_IN*KH*KW*CG words of P*W_BITS: word ((ci*KH + ky)*KW + kx)*CG + cg holds, at
 *            bits j*W_BITS, W[g*COG + cg*P + j][ci - g*CIG][ky][kx] (0 for idle lanes)
 *   acc      NPOS*CH words of P*ACC_BITS: word pos*CH + g*CG + cg, the step's input sums
 *   acc1     DELAY_BANK only: the second bank (as in sf_dense_engine)
 *   v        NPOS*CH words of P*V_BITS (HAS_STATE only), same addresses
 *   pend     NPOS*CH words of P bits (HAS_PEND only), same addresses
 *   bias     CH words of P*BIAS_BITS (HAS_BIAS): the lanes' parameter words, per channel:
 *            word g*CG + cg
 * The debug ports address the state words (pos*CH + chunk); the load port writes weight words.
 *
 * Integrate: an accepted event is decoded (sf_conv_decode: three elastic stages, up to three
 * events in flight) into its window, nr(y) rows x nc(x) columns; the issuer then issues one
 * (oy, ox, chunk) per cycle over exactly that window, chunks innermost, rows outermost,
 * with no bubble between events. An empty window takes one issue slot that touches nothing.
 * A slot issued in cycle i reads its weight word in i, forms the products and reads the acc
 * word in i+1 and writes the sum in i+2, with the dense engine's forwarding register for a
 * read of the word being written.
 *
 * Fire: output rows oy = 0..H_OUT-1 in order; within a visited row positions ox ascending,
 * chunks ascending, lanes ascending (the emit order); each word is updated into the fire
 * pipeline register in one cycle, written back in the next, and each spike costs one more
 * cycle. SPARSE_FIRE 0 visits every row. SPARSE_FIRE 1 visits only dirty rows (an event of
 * this step issued an update into it, or one of its neurons emitted in the previous step;
 * two flip-flops per row); a clean row costs one cycle and writes nothing.
 */
module sf_conv_engine #
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

    /* geometry */
    // Input channels, height, width
    parameter integer C_IN = 1,
    parameter integer H_IN = 4,
    parameter integer W_IN = 4,
    // Output channels, height, width (H_OUT = floor((H_IN + 2*PH - DH*(KH-1) - 1) / SH) + 1)
    parameter integer C_OUT = 2,
    parameter integer H_OUT = 4,
    parameter integer W_OUT = 4,
    // Kernel height and width
    parameter integer KH = 3,
    parameter integer KW = 3,
    // Strides
    parameter integer SH = 1,
    parameter integer SW = 1,
    // Zero padding at each border
    parameter integer PH = 1,
    parameter integer PW = 1,
    // Dilations
    parameter integer DH = 1,
    parameter integer DW = 1,
    // Groups: divides C_IN and C_OUT
    parameter integer GROUPS = 1,
    // 1: the fire phase visits only dirty output rows (only for models where a neuron without
    // input that did not emit in the previous step cannot change or emit)
    parameter integer SPARSE_FIRE = 0,

    // Neuron lanes over the output channels of one group, 1..C_OUT/GROUPS
    parameter integer P = 1,
    // Input event index width, >= clog2(C_IN*H_IN*W_IN)
    parameter integer IN_IDX_W = 4,
    // Output event index width, >= clog2(C_OUT*H_OUT*W_OUT)
    parameter integer OUT_IDX_W = 5,
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

    /* debug: every write of the v memory (state after fire/reset); the address is the
     * state word pos*CH + chunk */
    output wire                       dbg_st_we,
    output wire [SADDR_W-1:0]         dbg_st_addr,
    output wire [P*V_BITS-1:0]        dbg_st_data,

    /* debug: read state word dbg_rd_addr of the v memory. A request is taken only while the
     * engine integrates with its acc pipeline idle (between timesteps, or waiting for
     * input), where it uses a free cycle of the state read port and changes nothing;
     * dbg_rd_valid then holds the data in dbg_rd_data one cycle later. */
    input  wire                       dbg_rd_en,
    input  wire [SADDR_W-1:0]         dbg_rd_addr,
    output wire                       dbg_rd_valid,
    output wire [P*V_BITS-1:0]        dbg_rd_data,

    /* weight load: word ld_addr of the weight memory (layout above). A write is taken
     * only while rst is high, so a running layer never sees its weights change. The
     * only source of the weights when WEIGHT_STYLE is "spram"; tie ld_we low otherwise. */
    input  wire                       ld_we,
    input  wire [WADDR_W-1:0]         ld_addr,
    input  wire [P*W_BITS-1:0]        ld_data
);

/* geometry */
// (the guards keep an illegal set elaborating far enough to report it below)
localparam integer COG    = (GROUPS > 0 && C_OUT >= GROUPS) ? C_OUT / GROUPS : 1;  // output channels per group
localparam integer CIG    = (GROUPS > 0 && C_IN >= GROUPS) ? C_IN / GROUPS : 1;    // input channels per group
localparam integer CG     = (P > 0) ? (COG + P - 1) / P : 1;                        // chunks per group
localparam integer CH     = GROUPS * CG;                          // chunks per position
localparam integer NPOS   = H_OUT * W_OUT;
localparam integer SDEPTH = NPOS * CH;                            // state words
localparam integer WDEPTH = C_IN * KH * KW * CG;                  // weight words
localparam integer N_IN   = C_IN * H_IN * W_IN;
localparam integer N_OUT  = C_OUT * NPOS;
localparam integer ROWW   = W_OUT * CH;                           // state words per output row
localparam integer LAST_LANES = COG - (CG - 1) * P;               // live lanes of a group's last chunk

/* widths */
localparam integer SADDR_W = (SDEPTH > 1) ? $clog2(SDEPTH) : 1;
localparam integer WADDR_W = (WDEPTH > 1) ? $clog2(WDEPTH) : 1;
localparam integer CH_W    = (CH > 1) ? $clog2(CH) : 1;
localparam integer CG_W    = (CG > 1) ? $clog2(CG) : 1;
localparam integer OY_W    = (H_OUT > 1) ? $clog2(H_OUT) : 1;
localparam integer OX_W    = (W_OUT > 1) ? $clog2(W_OUT) : 1;
localparam integer NR_W    = $clog2(KH + 1);
localparam integer NC_W    = $clog2(KW + 1);
localparam integer POS_W   = (NPOS > 1) ? $clog2(NPOS) : 1;
// Payload as a signed multiplier operand (one extra bit when unsigned).
localparam integer PAY_OP_BITS = (PAY_SIGNED != 0) ? PAY_BITS : PAY_BITS + 1;
localparam integer BINARY = (PAY_BITS == 1 && PAY_SIGNED == 0) ? 1 : 0;
localparam integer LANE_SEL_W = (P > 1) ? $clog2(P) : 1;

// greatest common divisor of two positive numbers (elaboration only)
function integer f_gcd(input integer a, input integer b);
    integer x, y, t, k;
    begin
        x = a;
        y = b;
        for (k = 0; k < 64; k = k + 1) begin
            if (y != 0) begin
                t = x % y;
                x = y;
                y = t;
            end
        end
        f_gcd = x;
    end
endfunction

/* the window walk (sf_conv_decode): along a row of the window kx grows by KSTEP_X and ox
 * falls by OSTEP_X; from row to row ky grows by KSTEP_Y and oy falls by OSTEP_Y */
localparam integer KSTEP_Y = SH / f_gcd(SH, DH);
localparam integer OSTEP_Y = DH / f_gcd(SH, DH);
localparam integer KSTEP_X = SW / f_gcd(SW, DW);
localparam integer OSTEP_X = DW / f_gcd(SW, DW);
// address steps: next chunk +1 (both memories); next column (from the row's last chunk)
// weights + (KSTEP_X*CG - CG + 1), state - (OSTEP_X*CH + CG - 1); next row from the row's
// first word: weights + KSTEP_Y*KW*CG, state - OSTEP_Y*W_OUT*CH (all modulo the width)
localparam integer W_COL_STEP = KSTEP_X * CG - CG + 1;
localparam integer S_COL_STEP = OSTEP_X * CH + CG - 1;
localparam integer W_ROW_STEP = KSTEP_Y * KW * CG;
localparam integer S_ROW_STEP = OSTEP_Y * W_OUT * CH;
// fire: the channel base (g*COG + cg*P) * NPOS grows by P*NPOS from chunk to chunk in a
// group, and by (COG - (CG-1)*P) * NPOS from a group's last chunk to the next group
localparam integer CHAN_STEP  = P * NPOS;
localparam integer GRP_STEP   = LAST_LANES * NPOS;

initial begin
    if (C_IN < 1 || H_IN < 1 || W_IN < 1 || C_OUT < 1 || H_OUT < 1 || W_OUT < 1
        || KH < 1 || KW < 1 || SH < 1 || SW < 1 || DH < 1 || DW < 1 || PH < 0 || PW < 0) begin
        $error("Error: need C_IN, H_IN, W_IN, C_OUT, H_OUT, W_OUT, KH, KW, SH, SW, DH, DW >= 1 and PH, PW >= 0 (instance %m)");
        $finish;
    end
    if (H_IN + 2 * PH - DH * (KH - 1) - 1 < 0 || W_IN + 2 * PW - DW * (KW - 1) - 1 < 0
        || H_OUT != (H_IN + 2 * PH - DH * (KH - 1) - 1) / SH + 1
        || W_OUT != (W_IN + 2 * PW - DW * (KW - 1) - 1) / SW + 1) begin
        $error("Error: need H_OUT = floor((H_IN + 2*PH - DH*(KH-1) - 1) / SH) + 1 >= 1, and W_OUT alike (instance %m)");
        $finish;
    end
    if (GROUPS < 1 || C_IN % GROUPS != 0 || C_OUT % GROUPS != 0) begin
        $error("Error: GROUPS must divide C_IN and C_OUT (instance %m)");
        $finish;
    end
    if (P < 1 || P > COG) begin
        $error("Error: need 1 <= P <= C_OUT / GROUPS (instance %m)");
        $finish;
    end
    if (IN_IDX_W < 1 || IN_IDX_W > 30 || OUT_IDX_W < 1 || OUT_IDX_W > 30
        || (1 << IN_IDX_W) < N_IN || (1 << OUT_IDX_W) < N_OUT) begin
        $error("Error: index widths must be 1..30 and hold C_IN*H_IN*W_IN / C_OUT*H_OUT*W_OUT (instance %m)");
        $finish;
    end
    if (W_BITS < 2 || ACC_BITS < W_BITS || V_BITS < 2 || PAY_BITS < 1) begin
        $error("Error: need W_BITS >= 2, ACC_BITS >= W_BITS, V_BITS >= 2, PAY_BITS >= 1 (instance %m)");
        $finish;
    end
    if (HAS_STATE < 0 || HAS_STATE > 1 || DELAY_BANK < 0 || DELAY_BANK > 1 || PAYLOAD < 0 || PAYLOAD > 1
        || HAS_PEND < 0 || HAS_PEND > 1 || HAS_BIAS < 0 || HAS_BIAS > 1 || PAY_SIGNED < 0 || PAY_SIGNED > 1) begin
        $error("Error: HAS_STATE, DELAY_BANK, PAYLOAD, HAS_PEND, HAS_BIAS and PAY_SIGNED must be 0 or 1 (instance %m)");
        $finish;
    end
    if (PAYLOAD == 0 && OUT_PAY_BITS != 1) begin
        $error("Error: binary spikes (PAYLOAD 0) need OUT_PAY_BITS 1 (instance %m)");
        $finish;
    end
    if (SPARSE_FIRE < 0 || SPARSE_FIRE > 1 || (SPARSE_FIRE == 1 && DELAY_BANK != 0)) begin
        $error("Error: SPARSE_FIRE must be 0 or 1, and 0 with DELAY_BANK (the fired sums are the previous step's) (instance %m)");
        $finish;
    end
end

localparam [2:0] S_CLEAR = 3'd0,
                 S_INTEG = 3'd1,
                 S_FWAIT = 3'd2,
                 S_FCALC = 3'd3,
                 S_FWB   = 3'd4,
                 S_FEMIT = 3'd5,
                 S_FEOT  = 3'd6,
                 S_FSKIP = 3'd7;

reg [2:0] state_reg = S_CLEAR, state_next;

/* decoder outputs */
wire                dec_in_ready;
wire                dec_valid;
wire                dec_busy;
wire [WADDR_W-1:0]  dec_wpart, dec_wcol;
wire [SADDR_W-1:0]  dec_spart, dec_scol;
wire [NR_W-1:0]     dec_nr;
wire [NC_W-1:0]     dec_nc;
wire [OY_W-1:0]     dec_oy;
wire [PAY_BITS-1:0] dec_pay;

/* issuer: the window being issued */
reg                iss_valid_reg = 1'b0, iss_valid_next;
reg                iss_empty_reg = 1'b0, iss_empty_next;    // empty window: one idle slot
reg [WADDR_W-1:0]  iss_waddr_reg = {WADDR_W{1'b0}}, iss_waddr_next;
reg [SADDR_W-1:0]  iss_saddr_reg = {SADDR_W{1'b0}}, iss_saddr_next;
reg [WADDR_W-1:0]  iss_wrow_reg = {WADDR_W{1'b0}}, iss_wrow_next;   // first word of this window row
reg [SADDR_W-1:0]  iss_srow_reg = {SADDR_W{1'b0}}, iss_srow_next;
reg [NR_W-1:0]     iss_rleft_reg = {NR_W{1'b0}}, iss_rleft_next;    // rows after this one
reg [NC_W-1:0]     iss_cleft_reg = {NC_W{1'b0}}, iss_cleft_next;    // columns after this one
reg [CG_W-1:0]     iss_gleft_reg = {CG_W{1'b0}}, iss_gleft_next;    // chunks after this one
reg [NC_W-1:0]     iss_ncm1_reg = {NC_W{1'b0}}, iss_ncm1_next;      // nc - 1
reg [OY_W-1:0]     iss_oy_reg = {OY_W{1'b0}}, iss_oy_next;
reg [PAY_BITS-1:0] iss_pay_reg = {PAY_BITS{1'b0}}, iss_pay_next;
/* integrate: data stage (one cycle after issue) */
reg                s2_valid_reg = 1'b0;
reg                s2_busy_reg = 1'b0;      // an issue slot (empty ones included) was last cycle
reg [SADDR_W-1:0]  s2_saddr_reg = {SADDR_W{1'b0}};
reg [PAY_BITS-1:0] s2_pay_reg = {PAY_BITS{1'b0}};
/* integrate: accumulate stage (two cycles after issue) */
reg                s3_valid_reg = 1'b0;
reg [SADDR_W-1:0]  s3_saddr_reg = {SADDR_W{1'b0}};
reg [P*ACC_BITS-1:0] prod_reg = {P*ACC_BITS{1'b0}};  // weight x payload of each lane

/* fire: the word whose data arrives next, and where it is */
reg [SADDR_W-1:0]   fword_reg = {SADDR_W{1'b0}}, fword_next;
reg [CH_W-1:0]      fch_reg = {CH_W{1'b0}}, fch_next;          // chunk of the position
reg [CG_W-1:0]      fcg_reg = {CG_W{1'b0}}, fcg_next;          // chunk within its group
reg [OUT_IDX_W-1:0] fchan_reg = {OUT_IDX_W{1'b0}}, fchan_next; // (g*COG + cg*P) * NPOS
reg [POS_W-1:0]     fpos_reg = {POS_W{1'b0}}, fpos_next;
reg [OX_W-1:0]      fox_reg = {OX_W{1'b0}}, fox_next;
reg [OY_W-1:0]      frow_reg = {OY_W{1'b0}}, frow_next;
/* emit: the word being emitted */
reg [OUT_IDX_W-1:0] ebase_reg = {OUT_IDX_W{1'b0}}, ebase_next; // index of its lane 0
reg [P-1:0]         mask_reg = {P{1'b0}}, mask_next;
reg [1:0]           enext_reg = 2'd0, enext_next;               // what follows its emits
localparam [1:0] E_CALC = 2'd0, E_EOT = 2'd1, E_SKIP = 2'd2;
/* fire pipeline register: the lanes' results for word fword_reg (S_FCALC -> S_FWB) */
reg [P*V_BITS-1:0] fb_v_reg = {P*V_BITS{1'b0}};
reg [P-1:0]        fb_mask_reg = {P{1'b0}};
reg [P-1:0]        fb_pend_reg = {P{1'b0}};
/* PAYLOAD: the event values of word fword_reg (fire pipeline), and of the word being emitted */
reg [P*OUT_PAY_BITS-1:0] fb_pay_reg = {P*OUT_PAY_BITS{1'b0}};
reg [P*OUT_PAY_BITS-1:0] epay_reg = {P*OUT_PAY_BITS{1'b0}};

/* acc read-after-write forwarding: last cycle's write went to the word read last cycle */
reg                fwd_hit_reg = 1'b0;
reg [P*ACC_BITS-1:0] fwd_data_reg = {P*ACC_BITS{1'b0}};

/* clear sweep */
reg [SADDR_W-1:0]  clr_addr_reg = {SADDR_W{1'b0}}, clr_addr_next;

/* DELAY_BANK: the acc bank this step integrates into (the other one fires) */
reg                bank_reg = 1'b0, bank_next;

/* SPARSE_FIRE: dirty output rows */
reg                dirty_set_iss;     // the issue of this cycle marks row iss_oy_reg
reg                dirty_set_fire;    // the write-back of this cycle marks row frow_reg (it emits)
reg                fire_start;        // the fire phase takes this step's dirty rows
reg                row_advance;       // the fire phase moves on to row frow_reg + 1
wire               row0_dirty;        // row 0, and row frow_reg + 1, must be visited
wire               next_row_dirty;

/* memory ports */
reg                w_re;
wire [P*W_BITS-1:0] w_rdata;
reg                st_re;
reg [SADDR_W-1:0]  st_raddr;
reg [CH_W-1:0]     bias_raddr;
reg                acc_we;
reg                acc_wfire;   // DELAY_BANK: the write goes to the firing bank (else the integrating one)
reg                acc_wboth;   // DELAY_BANK: the write goes to both banks (clear sweep)
reg [SADDR_W-1:0]  acc_waddr;
reg [P*ACC_BITS-1:0] acc_wdata;
wire [P*ACC_BITS-1:0] acc_rdata_int;   // integrating bank (no DELAY_BANK: the only one), as read
wire [P*ACC_BITS-1:0] acc_rdata_fire;  // bank the fire phase consumes (no DELAY_BANK: the same)
// integrate operand: forwarding covers a write to the word read in the same cycle (only
// writes to the integrating bank set fwd_hit_reg)
wire [P*ACC_BITS-1:0] acc_rdata = fwd_hit_reg ? fwd_data_reg : acc_rdata_int;
// fire operand: without DELAY_BANK this step's sums, which the last integrate write may
// still be forwarding; with it the other bank, untouched since the previous step
wire [P*ACC_BITS-1:0] acc_fire = (DELAY_BANK == 0) ? acc_rdata : acc_rdata_fire;
reg                v_we;
reg [SADDR_W-1:0]  v_waddr;
reg [P*V_BITS-1:0] v_wdata;
wire [P*V_BITS-1:0] v_rdata;
wire [P*BIAS_BITS-1:0] bias_rdata;
wire [P-1:0]       pend_rdata;
reg [P-1:0]        pend_wdata;

/* decoder */
wire iss_last = iss_empty_reg
             || (iss_rleft_reg == {NR_W{1'b0}} && iss_cleft_reg == {NC_W{1'b0}} && iss_gleft_reg == {CG_W{1'b0}});
// the issuer is free after this cycle: it takes the next decoded event now
wire iss_free = !iss_valid_reg || iss_last;
wire dec_take = dec_valid && iss_free;

sf_conv_decode #(
    .C_IN(C_IN), .H_IN(H_IN), .W_IN(W_IN), .H_OUT(H_OUT), .W_OUT(W_OUT),
    .KH(KH), .KW(KW), .SH(SH), .SW(SW), .PH(PH), .PW(PW), .DH(DH), .DW(DW),
    .CIG(CIG), .CG(CG), .CH(CH), .IN_IDX_W(IN_IDX_W), .PAY_BITS(PAY_BITS),
    .WADDR_W(WADDR_W), .SADDR_W(SADDR_W), .OY_W(OY_W), .NR_W(NR_W), .NC_W(NC_W)
) decode_inst (
    .clk(clk),
    .rst(rst),
    .in_valid(s_valid && !s_eot && (state_reg == S_INTEG)),
    .in_ready(dec_in_ready),
    .in_index(s_index),
    .in_pay(s_payload),
    .out_valid(dec_valid),
    .out_take(dec_take),
    .out_wpart(dec_wpart),
    .out_wcol(dec_wcol),
    .out_spart(dec_spart),
    .out_scol(dec_scol),
    .out_nr(dec_nr),
    .out_nc(dec_nc),
    .out_oy(dec_oy),
    .out_pay(dec_pay),
    .busy(dec_busy)
);

// An event enters the decoder when it has room; the marker only once every event of the
// step has been issued up to the last slot (decoder empty, issuer in its last slot or idle).
assign s_ready = (state_reg == S_INTEG) && (s_eot ? (!dec_busy && iss_free) : dec_in_ready);

/* fire: word bookkeeping */
wire last_fch  = (fch_reg == CH[CH_W-1:0] - 1'b1);
wire last_fcg  = (fcg_reg == CG[CG_W-1:0] - 1'b1);
wire last_fox  = (fox_reg == W_OUT[OX_W-1:0] - 1'b1);
wire last_frow = (frow_reg == H_OUT[OY_W-1:0] - 1'b1);
wire row_last_word = last_fch && last_fox;

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

// Lanes past COG in a group's last chunk never emit.
wire [P-1:0] lane_live;
generate
for (j = 0; j < P; j = j + 1) begin : g_live
    if (j < LAST_LANES) begin : g_always
        assign lane_live[j] = 1'b1;
    end else begin : g_not_last
        assign lane_live[j] = !last_fcg;
    end
end
endgenerate
wire [P-1:0] fire_mask = lane_spike & lane_live;

/* emitter: lowest set bit of mask_reg; lane j's neuron is ebase_reg + j*NPOS */
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
wire [31:0] emit_neuron = {{(32-OUT_IDX_W){1'b0}}, ebase_reg}
                        + {{(32-LANE_SEL_W){1'b0}}, emit_lane} * NPOS[31:0];
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

/* verilator lint_off UNUSEDSIGNAL */
// neuron index of lane 0 of word fword_reg
wire [31:0] ebase_word = {{(32-OUT_IDX_W){1'b0}}, fchan_reg} + {{(32-POS_W){1'b0}}, fpos_reg};
wire [31:0] fword_row_next = {{(32-SADDR_W){1'b0}}, fword_reg} + ROWW[31:0];
/* verilator lint_on UNUSEDSIGNAL */

always @* begin
    state_next     = state_reg;
    iss_valid_next = iss_valid_reg;
    iss_empty_next = iss_empty_reg;
    iss_waddr_next = iss_waddr_reg;
    iss_saddr_next = iss_saddr_reg;
    iss_wrow_next  = iss_wrow_reg;
    iss_srow_next  = iss_srow_reg;
    iss_rleft_next = iss_rleft_reg;
    iss_cleft_next = iss_cleft_reg;
    iss_gleft_next = iss_gleft_reg;
    iss_ncm1_next  = iss_ncm1_reg;
    iss_oy_next    = iss_oy_reg;
    iss_pay_next   = iss_pay_reg;
    fword_next     = fword_reg;
    fch_next       = fch_reg;
    fcg_next       = fcg_reg;
    fchan_next     = fchan_reg;
    fpos_next      = fpos_reg;
    fox_next       = fox_reg;
    frow_next      = frow_reg;
    ebase_next     = ebase_reg;
    mask_next      = mask_reg;
    enext_next     = enext_reg;
    clr_addr_next  = clr_addr_reg;
    bank_next      = bank_reg;

    w_re      = 1'b0;
    st_re     = 1'b0;
    st_raddr  = fword_reg;
    bias_raddr = fch_reg;
    acc_we    = 1'b0;
    acc_wfire = 1'b0;
    acc_wboth = 1'b0;
    acc_waddr = s3_saddr_reg;
    acc_wdata = acc_sum;
    v_we      = 1'b0;
    v_waddr   = fword_reg;
    v_wdata   = fb_v_reg;
    pend_wdata = fb_pend_reg;
    dirty_set_iss  = 1'b0;
    dirty_set_fire = 1'b0;
    fire_start     = 1'b0;
    row_advance    = 1'b0;

    // The integrate stages run whatever state the control is in (their issue
    // happened earlier): s2 reads the acc word while the product is formed,
    // s3 adds and writes it back.
    if (s2_valid_reg) begin
        st_re    = 1'b1;
        st_raddr = s2_saddr_reg;
    end
    if (s3_valid_reg) acc_we = 1'b1;
    if (dbg_rd_take) begin
        st_re    = 1'b1;
        st_raddr = dbg_rd_addr;
    end

    /* issuer: one slot of the window per cycle, then the next decoded event */
    if (iss_valid_reg) begin
        if (!iss_empty_reg) begin
            w_re = 1'b1;
            dirty_set_iss = 1'b1;
        end
        if (iss_gleft_reg != {CG_W{1'b0}}) begin
            // next chunk
            iss_gleft_next = iss_gleft_reg - 1'b1;
            iss_waddr_next = iss_waddr_reg + 1'b1;
            iss_saddr_next = iss_saddr_reg + 1'b1;
        end else if (iss_cleft_reg != {NC_W{1'b0}}) begin
            // next column of the window: kx + KSTEP_X, ox - OSTEP_X
            iss_gleft_next = CG[CG_W-1:0] - 1'b1;
            iss_cleft_next = iss_cleft_reg - 1'b1;
            iss_waddr_next = iss_waddr_reg + W_COL_STEP[WADDR_W-1:0];
            iss_saddr_next = iss_saddr_reg - S_COL_STEP[SADDR_W-1:0];
        end else if (iss_rleft_reg != {NR_W{1'b0}}) begin
            // next row of the window: ky + KSTEP_Y, oy - OSTEP_Y
            iss_gleft_next = CG[CG_W-1:0] - 1'b1;
            iss_cleft_next = iss_ncm1_reg;
            iss_rleft_next = iss_rleft_reg - 1'b1;
            iss_waddr_next = iss_wrow_reg + W_ROW_STEP[WADDR_W-1:0];
            iss_saddr_next = iss_srow_reg - S_ROW_STEP[SADDR_W-1:0];
            iss_wrow_next  = iss_wrow_reg + W_ROW_STEP[WADDR_W-1:0];
            iss_srow_next  = iss_srow_reg - S_ROW_STEP[SADDR_W-1:0];
            iss_oy_next    = iss_oy_reg - OSTEP_Y[OY_W-1:0];
        end
    end
    if (iss_free) begin
        iss_valid_next = dec_take;
        if (dec_take) begin
            iss_empty_next = (dec_nr == {NR_W{1'b0}}) || (dec_nc == {NC_W{1'b0}});
            iss_waddr_next = dec_wpart + dec_wcol;
            iss_saddr_next = dec_spart + dec_scol;
            iss_wrow_next  = dec_wpart + dec_wcol;
            iss_srow_next  = dec_spart + dec_scol;
            // an empty window leaves every count at 0: its one slot is its last
            iss_rleft_next = (dec_nr == {NR_W{1'b0}} || dec_nc == {NC_W{1'b0}}) ? {NR_W{1'b0}} : dec_nr - 1'b1;
            iss_cleft_next = (dec_nr == {NR_W{1'b0}} || dec_nc == {NC_W{1'b0}}) ? {NC_W{1'b0}} : dec_nc - 1'b1;
            iss_ncm1_next  = (dec_nr == {NR_W{1'b0}} || dec_nc == {NC_W{1'b0}}) ? {NC_W{1'b0}} : dec_nc - 1'b1;
            iss_gleft_next = (dec_nr == {NR_W{1'b0}} || dec_nc == {NC_W{1'b0}}) ? {CG_W{1'b0}} : CG[CG_W-1:0] - 1'b1;
            iss_oy_next    = dec_oy;
            iss_pay_next   = dec_pay;
        end
    end

    case (state_reg)
        S_CLEAR: begin
            acc_we    = 1'b1;
            acc_wboth = 1'b1;
            acc_waddr = clr_addr_reg;
            acc_wdata = {P*ACC_BITS{1'b0}};
            v_we      = 1'b1;
            v_waddr   = clr_addr_reg;
            v_wdata   = {P*V_BITS{1'b0}};
            pend_wdata = {P{1'b0}};
            clr_addr_next = clr_addr_reg + 1'b1;
            if (clr_addr_reg == SDEPTH[SADDR_W-1:0] - 1'b1) state_next = S_INTEG;
        end
        S_INTEG: begin
            if (s_valid && s_ready && s_eot) state_next = S_FWAIT;
        end
        S_FWAIT: begin
            fword_next = {SADDR_W{1'b0}};
            fch_next   = {CH_W{1'b0}};
            fcg_next   = {CG_W{1'b0}};
            fchan_next = {OUT_IDX_W{1'b0}};
            fpos_next  = {POS_W{1'b0}};
            fox_next   = {OX_W{1'b0}};
            frow_next  = {OY_W{1'b0}};
            // the integrate pipeline must have passed its last slot's acc read: s3 may
            // still write, which the read of word 0 takes by forwarding
            if (fire_ok && !s2_busy_reg) begin
                fire_start = 1'b1;
                if (row0_dirty) begin
                    st_re      = 1'b1;
                    st_raddr   = {SADDR_W{1'b0}};
                    bias_raddr = {CH_W{1'b0}};
                    state_next = S_FCALC;
                end else begin
                    state_next = S_FSKIP;
                end
            end
        end
        S_FSKIP: begin
            // row frow_reg is clean: one cycle, nothing written; read the next visited row
            if (last_frow) begin
                state_next = S_FEOT;
            end else begin
                fword_next  = fword_row_next[SADDR_W-1:0];
                fpos_next   = fpos_reg + W_OUT[POS_W-1:0];
                frow_next   = frow_reg + 1'b1;
                row_advance = 1'b1;
                if (next_row_dirty) begin
                    st_re      = 1'b1;
                    st_raddr   = fword_row_next[SADDR_W-1:0];
                    bias_raddr = {CH_W{1'b0}};
                    state_next = S_FCALC;
                end
            end
        end
        S_FCALC: begin
            // data of fword_reg is on the read ports: the lanes update it into fb_*_reg
            state_next = S_FWB;
        end
        S_FWB: begin
            // write back the updated word fword_reg; its fired sums are consumed
            acc_we    = 1'b1;
            acc_wfire = 1'b1;
            acc_waddr = fword_reg;
            acc_wdata = {P*ACC_BITS{1'b0}};
            v_we      = 1'b1;
            dirty_set_fire = (fb_mask_reg != {P{1'b0}});
            ebase_next = ebase_word[OUT_IDX_W-1:0];
            mask_next  = fb_mask_reg;
            // the next word in memory order (reads have no side effects)
            fword_next = fword_reg + 1'b1;
            if (last_fch) begin
                fch_next   = {CH_W{1'b0}};
                fcg_next   = {CG_W{1'b0}};
                fchan_next = {OUT_IDX_W{1'b0}};
                fpos_next  = fpos_reg + 1'b1;
                fox_next   = last_fox ? {OX_W{1'b0}} : fox_reg + 1'b1;
                if (last_fox) frow_next = frow_reg + 1'b1;
            end else begin
                fch_next = fch_reg + 1'b1;
                if (last_fcg) begin
                    fcg_next   = {CG_W{1'b0}};
                    fchan_next = fchan_reg + GRP_STEP[OUT_IDX_W-1:0];
                end else begin
                    fcg_next   = fcg_reg + 1'b1;
                    fchan_next = fchan_reg + CHAN_STEP[OUT_IDX_W-1:0];
                end
            end
            st_re      = 1'b1;
            st_raddr   = fword_reg + 1'b1;
            bias_raddr = last_fch ? {CH_W{1'b0}} : fch_reg + 1'b1;
            row_advance = row_last_word && !last_frow;
            if (!row_last_word) enext_next = E_CALC;
            else if (last_frow) enext_next = E_EOT;
            else if (next_row_dirty) enext_next = E_CALC;
            else enext_next = E_SKIP;
            if (fb_mask_reg != {P{1'b0}}) state_next = S_FEMIT;
            else if (!row_last_word) state_next = S_FCALC;
            else if (last_frow) state_next = S_FEOT;
            else if (next_row_dirty) state_next = S_FCALC;
            else state_next = S_FSKIP;
        end
        S_FEMIT: begin
            st_re = 1'b1;
            if (m_ready) begin
                mask_next = mask_reg & ~emit_onehot;
                if ((mask_reg & ~emit_onehot) == {P{1'b0}}) begin
                    case (enext_reg)
                        E_CALC:  state_next = S_FCALC;
                        E_EOT:   state_next = S_FEOT;
                        default: state_next = S_FSKIP;
                    endcase
                end
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
    state_reg      <= state_next;
    iss_valid_reg  <= iss_valid_next;
    iss_empty_reg  <= iss_empty_next;
    iss_waddr_reg  <= iss_waddr_next;
    iss_saddr_reg  <= iss_saddr_next;
    iss_wrow_reg   <= iss_wrow_next;
    iss_srow_reg   <= iss_srow_next;
    iss_rleft_reg  <= iss_rleft_next;
    iss_cleft_reg  <= iss_cleft_next;
    iss_gleft_reg  <= iss_gleft_next;
    iss_ncm1_reg   <= iss_ncm1_next;
    iss_oy_reg     <= iss_oy_next;
    iss_pay_reg    <= iss_pay_next;
    fword_reg      <= fword_next;
    fch_reg        <= fch_next;
    fcg_reg        <= fcg_next;
    fchan_reg      <= fchan_next;
    fpos_reg       <= fpos_next;
    fox_reg        <= fox_next;
    frow_reg       <= frow_next;
    ebase_reg      <= ebase_next;
    mask_reg       <= mask_next;
    enext_reg      <= enext_next;
    clr_addr_reg   <= clr_addr_next;
    bank_reg       <= bank_next;

    s2_valid_reg   <= iss_valid_reg && !iss_empty_reg;
    s2_busy_reg    <= iss_valid_reg;
    s2_saddr_reg   <= iss_saddr_reg;
    s2_pay_reg     <= iss_pay_reg;
    s3_valid_reg   <= s2_valid_reg;
    s3_saddr_reg   <= s2_saddr_reg;
    prod_reg       <= lane_prod;
    dbg_rd_valid_reg <= dbg_rd_take;

    // DELAY_BANK: only a write into the integrating bank can be what the integrate read needs
    fwd_hit_reg   <= acc_we && (acc_waddr == st_raddr) && (DELAY_BANK == 0 || (!acc_wfire && !acc_wboth));
    fwd_data_reg  <= acc_wdata;

    fb_v_reg      <= lane_v;
    fb_mask_reg   <= fire_mask;
    fb_pend_reg   <= lane_pend & lane_live;
    fb_pay_reg    <= lane_pay;
    if (state_reg == S_FWB) epay_reg <= fb_pay_reg;

    if (rst) begin
        state_reg      <= S_CLEAR;
        iss_valid_reg  <= 1'b0;
        s2_valid_reg   <= 1'b0;
        s2_busy_reg    <= 1'b0;
        s3_valid_reg   <= 1'b0;
        dbg_rd_valid_reg <= 1'b0;
        fwd_hit_reg    <= 1'b0;
        mask_reg       <= {P{1'b0}};
        clr_addr_reg   <= {SADDR_W{1'b0}};
        fword_reg      <= {SADDR_W{1'b0}};
        bank_reg       <= 1'b0;
    end
end

/* SPARSE_FIRE: one flip-flop per output row. dirty_reg collects the rows of the coming fire
 * phase: the rows that emitted in the last one, and the rows this step's slots write. The fire
 * phase takes them into visit_reg, which shifts by one row per row it moves on, so bit 1 is
 * always the next row's; dirty_reg starts over and collects the rows that emit. */
generate
if (SPARSE_FIRE != 0) begin : g_dirty
    reg [H_OUT-1:0] dirty_reg = {H_OUT{1'b0}};
    reg [H_OUT-1:0] visit_reg = {H_OUT{1'b0}};
    assign row0_dirty = dirty_reg[0];
    if (H_OUT > 1) begin : g_rows
        assign next_row_dirty = visit_reg[1];
    end else begin : g_one_row
        // one row: there is no next row to visit
        assign next_row_dirty = 1'b0;
    end
    always @(posedge clk) begin
        if (fire_start) begin
            visit_reg <= dirty_reg;
            dirty_reg <= {H_OUT{1'b0}};
        end
        if (row_advance) visit_reg <= visit_reg >> 1;
        if (dirty_set_iss) dirty_reg[iss_oy_reg] <= 1'b1;
        if (dirty_set_fire) dirty_reg[frow_reg] <= 1'b1;
        if (rst) dirty_reg <= {H_OUT{1'b0}};
    end
end else begin : g_dense_fire
    // every row is visited
    assign row0_dirty = 1'b1;
    assign next_row_dirty = 1'b1;
    /* verilator lint_off UNUSEDSIGNAL */
    wire unused_dirty = ^{dirty_set_iss, dirty_set_fire, fire_start, row_advance, iss_oy_reg};
    /* verilator lint_on UNUSEDSIGNAL */
end
endgenerate

/* memories */
sf_ram_1r1w #(
    .WIDTH(P*W_BITS), .DEPTH(WDEPTH), .ADDR_W(WADDR_W),
    .INIT_FILE(WEIGHT_FILE), .STYLE(WEIGHT_STYLE)
) weight_ram (
    .clk(clk),
    .wr_en(ld_we && rst), .wr_addr(ld_addr), .wr_data(ld_data),
    .rd_en(w_re), .rd_addr(iss_waddr_reg), .rd_data(w_rdata)
);

generate
if (DELAY_BANK == 0) begin : g_acc_one
    sf_ram_1r1w #(
        .WIDTH(P*ACC_BITS), .DEPTH(SDEPTH), .ADDR_W(SADDR_W), .INIT_FILE(""), .STYLE(ACC_STYLE)
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
        .WIDTH(P*ACC_BITS), .DEPTH(SDEPTH), .ADDR_W(SADDR_W), .INIT_FILE(""), .STYLE(ACC_STYLE)
    ) acc_ram (
        .clk(clk),
        .wr_en(we0), .wr_addr(acc_waddr), .wr_data(acc_wdata),
        .rd_en(st_re), .rd_addr(st_raddr), .rd_data(rdata0)
    );
    sf_ram_1r1w #(
        .WIDTH(P*ACC_BITS), .DEPTH(SDEPTH), .ADDR_W(SADDR_W), .INIT_FILE(""), .STYLE(ACC1_STYLE)
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
        .WIDTH(P*V_BITS), .DEPTH(SDEPTH), .ADDR_W(SADDR_W), .INIT_FILE(""), .STYLE(V_STYLE)
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
    // one parameter word per chunk of a position: the same for every position
    sf_ram_1r1w #(
        .WIDTH(P*BIAS_BITS), .DEPTH(CH), .ADDR_W(CH_W), .INIT_FILE(BIAS_FILE), .STYLE(BIAS_STYLE)
    ) bias_ram (
        .clk(clk),
        .wr_en(1'b0), .wr_addr({CH_W{1'b0}}), .wr_data({P*BIAS_BITS{1'b0}}),
        .rd_en(st_re), .rd_addr(bias_raddr), .rd_data(bias_rdata)
    );
end else begin : g_no_bias
    assign bias_rdata = {P*BIAS_BITS{1'b0}};
    /* verilator lint_off UNUSEDSIGNAL */
    wire unused_bias = ^bias_raddr;
    /* verilator lint_on UNUSEDSIGNAL */
end
if (HAS_PEND != 0) begin : g_pend
    sf_ram_1r1w #(
        .WIDTH(P), .DEPTH(SDEPTH), .ADDR_W(SADDR_W), .INIT_FILE(""), .STYLE(PEND_STYLE)
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
