// Double-precision float reference model of NIR graphs: a graph of NIR's
// primitives (FloatGraph) and a discrete-time simulator for it (Simulator),
// the yardstick that the quantized datapath is measured against.
//
// NIR declares continuous-time ODEs and says nothing about dt, the
// discretization or the reset (docs/formats.md, NIR). Those are the
// SimOptions below; README.md gives every formula and says which parts are
// NIR's documented semantics and which are this project's choices.
//
// This library's graph structure is the shared graph IR (ir/graph.h,
// sf_graph: data only); it has no dependency on the generator or the NIR
// reader (gen/import/nir_to_float.h converts a read NIR file into a FloatGraph).
// Bad graphs and bad options throw std::invalid_argument with a message
// "node 'NAME' (KIND): FIELD: found X, expected Y".
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "ir/graph.h"

namespace sf::ref::nir_float {

// A batch-free, channel-first tensor shape. {} is a 0-d tensor (one element).
using Shape = sf::graph::Shape;
using sf::graph::numel;
using sf::graph::shape_str;  // "[2, 34, 34]"

// A tensor: shape plus values in C (row-major) order.
struct Tensor {
  Shape shape;
  std::vector<double> data;
};

// NIR's node types (nir/ir/__init__.py), less NIRGraph (nested graphs are
// flattened), plus Identity: the internal pass-through that a nested graph's
// Input and Output nodes become when it is flattened.
enum class NodeKind {
  Input, Output, Identity,
  Affine, Linear, Scale, Conv1d, Conv2d, SumPool2d, AvgPool2d, Flatten,
  Delay, Threshold,
  I, LI, IF, LIF, CubaLI, CubaLIF,
};
const char* kind_name(NodeKind kind);   // "LIF", ...
bool has_membrane(NodeKind kind);       // I, LI, IF, LIF, CubaLI, CubaLIF
bool is_spiking(NodeKind kind);         // IF, LIF, CubaLIF (output 0/1 spikes)
bool has_synapse(NodeKind kind);        // CubaLI, CubaLIF

// Geometry of a convolution or pooling, one entry per spatial dimension (1 for
// Conv1d, 2 for Conv2d and the pools). Padding may be asymmetric: PyTorch's
// "same" puts the odd cell at the end.
struct Window {
  std::vector<int64_t> kernel;      // pools only (a convolution's is its weight's)
  std::vector<int64_t> stride;      // >= 1
  std::vector<int64_t> pad_begin;   // >= 0, zero padding before the first cell
  std::vector<int64_t> pad_end;     // >= 0, after the last cell
  std::vector<int64_t> dilation;    // >= 1 (convolutions; pools use 1)
  int64_t groups = 1;               // convolutions
};

// One node. The factory functions below build each kind with the fields it
// uses; the rest stay empty. Elementwise parameters hold one value (applied
// to every element) or one per element of the node's input; FloatGraph::
// finalize broadcasts them to one per element.
struct FloatNode {
  std::string name;  // unique in the graph; a flattened nested node is "graph/node"
  NodeKind kind = NodeKind::Identity;

  Shape shape;                 // Input: the shape fed in; Output: the declared shape ({} = any)
  Tensor weight;               // Affine, Linear: [M, N]; Conv1d [Cout, Cin/g, K]; Conv2d [Cout, Cin/g, Kh, Kw]
  std::vector<double> bias;    // Affine [M]; Conv [Cout] or empty (no bias)
  Window window;               // Conv1d, Conv2d, SumPool2d, AvgPool2d
  int64_t start_dim = 0;       // Flatten, batch-free dims; negative counts from the end
  int64_t end_dim = -1;

  std::vector<double> scale;        // Scale
  std::vector<double> threshold;    // Threshold
  std::vector<double> delay;        // Delay, seconds
  std::vector<double> tau;          // LI, LIF, seconds
  std::vector<double> tau_syn;      // CubaLI, CubaLIF, seconds
  std::vector<double> tau_mem;      // CubaLI, CubaLIF, seconds
  std::vector<double> r;            // I, LI, IF, LIF, CubaLI, CubaLIF
  std::vector<double> v_leak;       // LI, LIF, CubaLI, CubaLIF
  std::vector<double> v_threshold;  // IF, LIF, CubaLIF
  std::vector<double> v_reset;      // IF, LIF, CubaLIF
  std::vector<double> w_in;         // CubaLI, CubaLIF

  // Set by FloatGraph::finalize.
  Shape in_shape, out_shape;
};

// Factories. Vectors of elementwise parameters: see FloatNode.
using Values = std::vector<double>;
FloatNode input_node(const std::string& name, const Shape& shape);
FloatNode output_node(const std::string& name, const Shape& shape = {});
FloatNode identity_node(const std::string& name);
FloatNode affine_node(const std::string& name, const Tensor& weight, const Values& bias);
FloatNode linear_node(const std::string& name, const Tensor& weight);
FloatNode scale_node(const std::string& name, const Values& scale);
// Conv1d / Conv2d by the weight's rank (3 / 4). `window` needs stride,
// pad_begin, pad_end, dilation (one entry per spatial dim) and groups.
FloatNode conv_node(const std::string& name, const Tensor& weight, const Values& bias,
                    const Window& window);
FloatNode sum_pool2d_node(const std::string& name, const Shape& kernel, const Shape& stride,
                          const Shape& padding);
FloatNode avg_pool2d_node(const std::string& name, const Shape& kernel, const Shape& stride,
                          const Shape& padding);
FloatNode flatten_node(const std::string& name, int64_t start_dim, int64_t end_dim);
FloatNode delay_node(const std::string& name, const Values& delay_s);
FloatNode threshold_node(const std::string& name, const Values& threshold);
FloatNode i_node(const std::string& name, const Values& r);
FloatNode li_node(const std::string& name, const Values& tau, const Values& r, const Values& v_leak);
FloatNode if_node(const std::string& name, const Values& r, const Values& v_threshold,
                  const Values& v_reset);
FloatNode lif_node(const std::string& name, const Values& tau, const Values& r,
                   const Values& v_leak, const Values& v_threshold, const Values& v_reset);
FloatNode cuba_li_node(const std::string& name, const Values& tau_syn, const Values& tau_mem,
                       const Values& r, const Values& v_leak, const Values& w_in);
FloatNode cuba_lif_node(const std::string& name, const Values& tau_syn, const Values& tau_mem,
                        const Values& r, const Values& v_leak, const Values& v_threshold,
                        const Values& v_reset, const Values& w_in);

// An identity connection (sf::graph::Edge: src, dst, back_edge). A back edge
// delivers its source's value of the previous step (zero at step 0): it is
// how a cycle is executed.
using FloatEdge = sf::graph::Edge;

// The nodes, on the shared graph container: node i of graph() is nodes()[i]
// (its kind is kind_name(node.kind), its payload i).
class FloatGraph {
 public:
  FloatGraph();

  // Adds a node; returns its index. Throws on an empty or duplicate name.
  size_t add(FloatNode node);
  // Adds an edge between named nodes. Throws on an unknown name.
  void connect(const std::string& src, const std::string& dst, bool back_edge = false);

  // Checks the graph and makes it runnable: orders the nodes topologically
  // over the edges that are not back edges (a cycle left is an error), infers
  // every node's input and output shape from the Input nodes, checks every
  // parameter against those shapes and broadcasts elementwise ones. Throws
  // std::invalid_argument naming the node and the field.
  void finalize();
  bool finalized() const { return graph_.finalized(); }

  const std::vector<FloatNode>& nodes() const { return nodes_; }
  const std::vector<FloatEdge>& edges() const { return graph_.edges(); }
  const FloatNode& node(size_t index) const { return nodes_.at(index); }
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
  std::vector<FloatNode> nodes_;
  std::vector<size_t> inputs_, outputs_;
};

// ---- Simulation ----------------------------------------------------------------

// How the neuron ODEs become a step update (README.md has every formula).
enum class Method {
  Euler,     // forward Euler, same-step input (NIR paper, Norse LIFBox, lif_norse.csv)
  Exact,     // exact solution over one step, input held constant over the step
  SnnTorch,  // snnTorch's Leaky / Synaptic as its NIR importer builds them
};
// What a spike does to the membrane.
enum class ResetMode {
  Zero,      // v <- v_reset (NIR's hard reset; the name follows snnTorch's "zero")
  Subtract,  // v <- v - v_threshold (inexpressible in NIR; notes §6.3)
};
// How IF (and I) take their input. NIR's ODE gives dv = dt·r·x (Euler); files
// from Sinabs and Norse carry r = 1 and mean v += x per step (notes §6.1).
enum class IfInput {
  Euler,    // v += dt·r·x
  Impulse,  // v += r·x
};
// Which synaptic current a CubaLI/CubaLIF membrane sees in the Euler step.
enum class CubaCurrent {
  New,       // I[t] (snnTorch Synaptic, Norse)
  Previous,  // I[t-1] (the NIR paper's debug_CubaLIF reference)
};

struct SimOptions {
  double dt = 1e-4;  // seconds; NIR's exporters' convention
  Method method = Method::Euler;
  ResetMode reset = ResetMode::Zero;
  IfInput if_input = IfInput::Euler;
  CubaCurrent cuba_current = CubaCurrent::New;  // Euler only
  // Exact only, LIF and IF: a spike resets v at the time within the step when
  // v crosses the threshold, and v integrates the rest of the step from there
  // (the event-based solution of the NIR paper's lif_exact_sim.py, which
  // lif_exact.csv holds). false: the reset is at the end of the step, as in
  // Euler. CubaLIF has no closed-form crossing time: the constructor throws.
  bool exact_crossing = false;
  // SnnTorch only: snnTorch's reset_delay. true (snnTorch's default): the reset
  // a spike causes is applied in the next step's update, computed from the
  // previous step's membrane. false (what snnTorch's NIR importer sets): it is
  // applied in the same step.
  bool snntorch_reset_delay = true;
};

const char* method_name(Method method);  // "euler", "exact", "snntorch"
const char* reset_name(ResetMode mode);  // "zero", "subtract"

// Runs a finalized graph one step at a time. The graph must outlive the
// simulator. State starts at zero (v, I, delay lines, back-edge values).
class Simulator {
 public:
  // Throws std::invalid_argument for a non-finalized graph, dt <= 0 or not
  // finite, a parameter the method cannot use (snnTorch's threshold scaling
  // by r = 0), exact_crossing with a CubaLIF, or a delay longer than 1e7 steps.
  Simulator(const FloatGraph& graph, const SimOptions& options);

  void reset();  // back to the state at step 0

  // Advances one step. `inputs` holds one flat (C-order) vector per Input node,
  // in graph.inputs() order, each with that node's number of elements.
  void step(const std::vector<std::vector<double>>& inputs);
  int64_t steps_done() const { return steps_; }

  // This step's output of a node (spiking neurons: 0/1; LI, I, CubaLI: v).
  const std::vector<double>& value(size_t node) const { return value_.at(node); }
  const std::vector<double>& value(const std::string& name) const;
  // This step's membrane after any reset (empty for a node without one). With
  // Method::SnnTorch a spiking neuron's is snnTorch's `mem`: v divided by the
  // input gain (README.md).
  const std::vector<double>& v(size_t node) const { return v_.at(node); }
  // This step's synaptic current of CubaLI/CubaLIF (empty otherwise; SnnTorch:
  // snnTorch's `syn`).
  const std::vector<double>& i_syn(size_t node) const { return i_.at(node); }
  // Per-element delay of a Delay node, in steps (round(delay / dt)).
  const std::vector<int64_t>& delay_steps(size_t node) const { return delay_steps_.at(node); }

  const FloatGraph& graph() const { return graph_; }
  const SimOptions& options() const { return opt_; }

 private:
  // Coefficients per element, computed once from the parameters and dt.
  struct Coeffs {
    std::vector<double> a;     // membrane: dt/tau (Euler), exp(-dt/tau) (Exact), beta (SnnTorch)
    std::vector<double> gain;  // input gain onto the membrane
    std::vector<double> leak;  // constant drive
    std::vector<double> as, gs;  // synapse: decay and input gain
    std::vector<double> thr, vreset;  // in the membrane's units
    std::vector<double> exact_cross;  // Exact Cuba: weight of (I0 - w_in·x) in v
  };
  void compute_coeffs(size_t index);
  void step_node(size_t index, const std::vector<double>& in);
  void neuron_step(size_t index, const std::vector<double>& in);
  double crossing_reset(size_t index, size_t j, double v_start, double x) const;
  void snntorch_step(size_t index, const std::vector<double>& in);

  const FloatGraph& graph_;
  SimOptions opt_;
  int64_t steps_ = 0;
  std::vector<std::vector<double>> value_, prev_value_, v_, i_;
  std::vector<Coeffs> coeffs_;
  std::vector<std::vector<int64_t>> delay_steps_;
  std::vector<std::vector<std::vector<double>>> delay_line_;  // ring of past inputs
  std::vector<std::vector<size_t>> fwd_in_, back_in_;  // source nodes per node
  std::vector<bool> back_src_;  // the node's value is read by a back edge
};

// Every node's value (and membrane and current) at every step of a run.
struct Trace {
  std::vector<std::string> names;  // node names, by node index
  // [step][node] -> flat values, as Simulator::value / v / i_syn.
  std::vector<std::vector<std::vector<double>>> value, v, i_syn;

  size_t steps() const { return value.size(); }
  // Throws std::invalid_argument for an unknown name, std::out_of_range for a step.
  const std::vector<double>& value_of(size_t step, const std::string& name) const;
  const std::vector<double>& v_of(size_t step, const std::string& name) const;
  const std::vector<double>& i_syn_of(size_t step, const std::string& name) const;

 private:
  size_t index(const std::string& name) const;
};

// Runs `steps` steps from the zero state. inputs[t] is step t's input as for
// Simulator::step; steps past inputs.size() get all-zero input.
Trace run(const FloatGraph& graph, const SimOptions& options,
          const std::vector<std::vector<std::vector<double>>>& inputs, int64_t steps);

}  // namespace sf::ref::nir_float
