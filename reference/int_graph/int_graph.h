// Integer golden model of quantized NIR-style graphs: the integer counterpart
// of reference/nir_float (same structure, int64 instead of double). It runs
// what the hardware generator's dense if/lif/loihi2 chains cannot express
// (convolutions, pools, recurrent CubaLIF nets, LI readouts), so a precision
// report can compare the float model and the integer one node by node.
//
// The arithmetic is the contract of docs/semantics.md (`if`, `lif`) extended
// to the other node kinds; README.md writes down every formula, and says which
// parts are semantics.md's and which are this model's choices. It was written
// from those texts and shares no arithmetic with reference/neuron.h (the
// tests hold the two bit-identical on random dense networks).
//
// The graph structure (names, edges, back edges, topological order, shape
// propagation) is the shared graph IR's (ir/graph.h, sf_graph: data only);
// this library adds the node kinds, their parameters, shape rules and checks,
// and the arithmetic. Otherwise standard library only. Bad graphs throw
// std::invalid_argument with a message "node 'NAME' (KIND): FIELD: found X,
// expected Y"; a value that leaves int64 during a step throws
// std::overflow_error naming the node, step and element.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "ir/graph.h"

namespace sf::ref::int_graph {

// A batch-free, channel-first tensor shape. {} is a 0-d tensor (one element).
using Shape = sf::graph::Shape;
using sf::graph::numel;
using sf::graph::shape_str;  // "[2, 34, 34]"

using Values = std::vector<int64_t>;

// A tensor: shape plus values in C (row-major) order.
struct Tensor {
  Shape shape;
  Values data;
};

// Identity is the pass-through a nested graph's Input and Output ports become
// when a graph is flattened (as in nir_float). Dense is NIR's Affine / Linear.
enum class NodeKind {
  Input, Output, Identity,
  Dense, Conv1d, Conv2d, SumPool2d, AvgPool2d, Flatten,
  Delay, Scale, Threshold,
  I, LI, IF, LIF, CubaLI, CubaLIF,
};
const char* kind_name(NodeKind kind);  // "LIF", ...
bool has_membrane(NodeKind kind);      // I, LI, IF, LIF, CubaLI, CubaLIF
bool is_spiking(NodeKind kind);        // IF, LIF, CubaLIF (output 0/1 spikes)
bool has_synapse(NodeKind kind);       // CubaLI, CubaLIF

// semantics.md's `if` / `lif` parameters (the same names as gen/ir/network.h,
// own types: this library depends on nothing but the standard library).
enum class FireRule { Ge, Gt };  // s = v >= θ  |  s = v > θ
enum class ResetMode {
  Subtract,          // v -= θ on a spike
  Zero,              // v = v_reset on a spike
  None,              // v unchanged
  SubtractDeferred,  // θ subtracted after the next step's leak (LIF, CubaLIF)
};
enum class LeakKind {
  None,   // L(v) = v
  Shift,  // L(v) = v - trunc0(v / 2^shift)
  Mult,   // L(v) = trunc0(v * beta / 2^frac), 0 <= beta <= 2^frac
  Sub,    // L(v) = sign(v) * max(|v| - lambda, 0)
};
struct Leak {
  LeakKind kind = LeakKind::None;
  int shift = 0;       // Shift, >= 0
  int64_t beta = 0;    // Mult: numerator
  int frac = 0;        // Mult: fractional bits, 0..62
  int64_t lambda = 0;  // Sub, >= 0
};
// Division rounding of Scale and AvgPool2d (README.md has the formulas).
enum class Rounding {
  Floor,   // toward -inf (an arithmetic right shift when the divisor is 2^k)
  HalfUp,  // to nearest, ties toward +inf: floor(a / d + 1/2)
};

// Parameters of the neuron nodes. Scalars hold for the whole node, like a
// layer of the IR; `thresholds` and `bias` may instead give one value per
// output channel (the first dimension, for per-channel quantization) or per
// element. Fields a kind does not use must keep their defaults where noted.
struct NeuronParams {
  // IF, LIF, CubaLIF
  int64_t threshold = 1;  // θ > 0, fits v_bits; used when `thresholds` is empty
  Values thresholds;      // empty, 1, one per channel or one per element
  FireRule fire = FireRule::Ge;
  ResetMode reset = ResetMode::Subtract;
  int64_t v_reset = 0;    // ResetMode::Zero target, fits v_bits
  // every neuron kind
  int v_bits = 16;  // signed, saturating membrane width, 2..62
  Values bias;      // b, added every step: empty (0), 1, per channel or per element; fits v_bits
  Leak leak;        // membrane leak L_mem: LI, LIF, CubaLI, CubaLIF (I and IF: None)
  // CubaLI, CubaLIF (other kinds: defaults)
  Leak syn_leak;          // L_syn of the synaptic current
  int i_bits = 16;        // signed, saturating current width, 2..62
  int64_t gain = 1;       // g_q: the current enters v as trunc0(i * g_q / 2^g_f), |g_q| < 2^31
  int gain_frac = 0;      // g_f, 0..62
};

// Geometry of a convolution or pooling, one entry per spatial dimension (1 for
// Conv1d, 2 for Conv2d and the pools), as in nir_float.
struct Window {
  std::vector<int64_t> kernel;      // pools only (a convolution's is its weight's)
  std::vector<int64_t> stride;      // >= 1
  std::vector<int64_t> pad_begin;   // >= 0, zero padding before the first cell
  std::vector<int64_t> pad_end;     // >= 0, after the last cell
  std::vector<int64_t> dilation;    // >= 1 (convolutions; pools use 1)
  int64_t groups = 1;               // convolutions
};

// One node. The factories below build each kind with the fields it uses.
// Elementwise parameters hold one value, one per output channel (the first
// dimension of the node's input) or one per element; IntGraph::finalize
// broadcasts them to one per element.
struct IntNode {
  std::string name;  // unique in the graph
  NodeKind kind = NodeKind::Identity;

  Shape shape;     // Input: the shape fed in; Output: the declared shape ({} = any)
  Tensor weight;   // Dense [M, N]; Conv1d [Cout, Cin/g, K]; Conv2d [Cout, Cin/g, Kh, Kw]; |w| < 2^31
  Values bias;     // Dense [M] or Conv [Cout], or empty (no bias)
  Window window;   // Conv1d, Conv2d, SumPool2d, AvgPool2d
  Rounding rounding = Rounding::Floor;  // Scale, AvgPool2d
  int64_t start_dim = 0;                // Flatten; negative counts from the end
  int64_t end_dim = -1;

  Values scale;      // Scale: multiplier m, |m| < 2^31
  int shift = 0;     // Scale: right shift s, 0..62
  Values threshold;  // Threshold: θ
  Values delay;      // Delay: steps, 0..1e7
  NeuronParams neuron;  // I, LI, IF, LIF, CubaLI, CubaLIF

  // Set by IntGraph::finalize. For neurons, neuron.thresholds and neuron.bias
  // then hold one value per element.
  Shape in_shape, out_shape;
};

IntNode input_node(const std::string& name, const Shape& shape);
IntNode output_node(const std::string& name, const Shape& shape = {});
IntNode identity_node(const std::string& name);
// y = W·x (+ b) over the input's last dimension (PyTorch Linear). bias: {} or [M].
IntNode dense_node(const std::string& name, const Tensor& weight, const Values& bias = {});
// Conv1d / Conv2d by the weight's rank (3 / 4); `window` needs stride,
// pad_begin, pad_end, dilation (one entry per spatial dimension) and groups.
IntNode conv_node(const std::string& name, const Tensor& weight, const Values& bias,
                  const Window& window);
IntNode sum_pool2d_node(const std::string& name, const Shape& kernel, const Shape& stride,
                        const Shape& padding);
IntNode avg_pool2d_node(const std::string& name, const Shape& kernel, const Shape& stride,
                        const Shape& padding, Rounding rounding = Rounding::Floor);
IntNode flatten_node(const std::string& name, int64_t start_dim, int64_t end_dim);
IntNode delay_node(const std::string& name, const Values& steps);
// y = round(x * m / 2^shift)
IntNode scale_node(const std::string& name, const Values& multiplier, int shift,
                   Rounding rounding = Rounding::HalfUp);
IntNode threshold_node(const std::string& name, const Values& threshold);
IntNode i_node(const std::string& name, const NeuronParams& p);
IntNode li_node(const std::string& name, const NeuronParams& p);
IntNode if_node(const std::string& name, const NeuronParams& p);
IntNode lif_node(const std::string& name, const NeuronParams& p);
IntNode cuba_li_node(const std::string& name, const NeuronParams& p);
IntNode cuba_lif_node(const std::string& name, const NeuronParams& p);

// An identity connection (sf::graph::Edge: src, dst, back_edge). A back edge
// delivers its source's value of the previous step (zero at step 0): it is
// how a cycle is executed.
using IntEdge = sf::graph::Edge;

// The nodes, on the shared graph container: node i of graph() is nodes()[i]
// (its kind is kind_name(node.kind), its payload i).
class IntGraph {
 public:
  IntGraph();

  // Adds a node; returns its index. Throws on an empty or duplicate name.
  size_t add(IntNode node);
  // Adds an edge between named nodes. Throws on an unknown name.
  void connect(const std::string& src, const std::string& dst, bool back_edge = false);

  // Checks the graph and makes it runnable: orders the nodes topologically
  // over the forward edges (a cycle left is an error; ties go to the node
  // added first), infers every node's input and output shape from the Input
  // nodes, checks every parameter and broadcasts elementwise ones. Throws
  // std::invalid_argument naming the node and the field.
  void finalize();
  bool finalized() const { return graph_.finalized(); }

  const std::vector<IntNode>& nodes() const { return nodes_; }
  const std::vector<IntEdge>& edges() const { return graph_.edges(); }
  const IntNode& node(size_t index) const { return nodes_.at(index); }
  size_t index(const std::string& name) const;  // throws std::invalid_argument if absent
  bool contains(const std::string& name) const;
  // After finalize: nodes in execution order; Input and Output nodes in the
  // order they were added.
  const std::vector<size_t>& order() const { return graph_.order(); }
  const std::vector<size_t>& inputs() const { return inputs_; }
  const std::vector<size_t>& outputs() const { return outputs_; }
  const sf::graph::Graph& graph() const { return graph_; }

 private:
  // Every kind's shape rule, bound to this graph's nodes.
  sf::graph::KindTable kinds();

  sf::graph::Graph graph_;
  std::vector<IntNode> nodes_;
  std::vector<size_t> inputs_, outputs_;
};

// ---- Simulation ----------------------------------------------------------------

// Runs a finalized graph one step at a time. The graph must outlive the
// simulator. State starts at zero (v, i, deferred resets, delay lines,
// back-edge values).
class Simulator {
 public:
  // Throws std::invalid_argument for a graph that is not finalized.
  explicit Simulator(const IntGraph& graph);

  void reset();  // back to the state at step 0

  // Advances one step. `inputs` holds one flat (C-order) vector per Input node,
  // in graph.inputs() order, each with that node's number of elements. Throws
  // std::invalid_argument on a wrong count or size, std::overflow_error when
  // a node's output or summed input does not fit int64 (the step is then
  // incomplete: reset() before running on).
  void step(const std::vector<Values>& inputs);
  int64_t steps_done() const { return steps_; }

  // This step's output of a node (spiking neurons: 0/1; I, LI, CubaLI: v).
  const Values& value(size_t node) const { return value_.at(node); }
  const Values& value(const std::string& name) const;
  // Membrane after this step's reset (empty for a node without one).
  const Values& v(size_t node) const { return v_.at(node); }
  // Synaptic current of CubaLI / CubaLIF after this step (empty otherwise).
  const Values& i_syn(size_t node) const { return i_.at(node); }
  // subtract_deferred: 1 where θ will be taken off after the next step's leak.
  const std::vector<uint8_t>& deferred(size_t node) const { return pending_.at(node); }

  const IntGraph& graph() const { return graph_; }

 private:
  void step_node(size_t index, const Values& in);
  void neuron_step(size_t index, const Values& in);
  [[noreturn]] void overflow(size_t index, const std::string& what, size_t element) const;

  const IntGraph& graph_;
  int64_t steps_ = 0;
  std::vector<Values> value_, prev_value_, v_, i_;
  std::vector<std::vector<uint8_t>> pending_;
  std::vector<std::vector<Values>> delay_line_;  // ring of past inputs
  std::vector<std::vector<size_t>> fwd_in_, back_in_;
  std::vector<bool> back_src_;
};

// Every node's value, membrane and current at every step of a run.
struct Trace {
  std::vector<std::string> names;  // node names, by node index
  // [step][node] -> flat values, as Simulator::value / v / i_syn.
  std::vector<std::vector<Values>> value, v, i_syn;

  size_t steps() const { return value.size(); }
  // Throws std::invalid_argument for an unknown name, std::out_of_range for a step.
  const Values& value_of(size_t step, const std::string& name) const;
  const Values& v_of(size_t step, const std::string& name) const;
  const Values& i_syn_of(size_t step, const std::string& name) const;

 private:
  size_t index(const std::string& name) const;
};

// Runs `steps` steps from the zero state. inputs[t] is step t's input as for
// Simulator::step; steps past inputs.size() get all-zero input.
Trace run(const IntGraph& graph, const std::vector<std::vector<Values>>& inputs, int64_t steps);

}  // namespace sf::ref::int_graph
