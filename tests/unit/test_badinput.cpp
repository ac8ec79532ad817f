// Bad input through the real CLI: exit status 2, a message naming the file, the
// place and what was expected, and no output left behind.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include "util/files.h"
#include "util/process.h"

namespace fs = std::filesystem;

namespace {

std::string g_spikeforge;

const char* kGoodNet = R"({"format": "spikeforge-network", "version": 1, "name": "n", "timesteps": 3,
 "input": {"size": 3, "payload_bits": 1},
 "layers": [{"name": "fc1", "type": "dense", "in": 3, "out": 2, "weight_bits": 4,
   "weights": [[1, 2, 3], [-1, 0, 7]],
   "neuron": {"model": "if", "threshold": 4, "v_bits": 8}}]})";

const char* kGoodRaster = R"({"format": "spikeforge-raster", "version": 1, "timesteps": 3, "size": 3,
 "events": [[0, 1], [2, 0]]})";

struct Case {
  const char* name;
  std::string net;     // network text
  std::string raster;  // raster text ("" = the good one)
  const char* message; // must appear in stderr
};

std::string replace(std::string s, const std::string& from, const std::string& to) {
  size_t p = s.find(from);
  if (p == std::string::npos) throw std::runtime_error("test setup: '" + from + "' not in text");
  return s.replace(p, from.size(), to);
}

class BadInput : public ::testing::TestWithParam<Case> {};

TEST_P(BadInput, ExitsTwoWithMessageAndNoOutput) {
  const Case& c = GetParam();
  fs::path dir = fs::temp_directory_path() / ("sf-bad-" + std::string(c.name));
  fs::remove_all(dir);
  fs::create_directories(dir);
  std::ofstream(dir / "net.json") << c.net;
  std::ofstream(dir / "in.json") << (c.raster.empty() ? kGoodRaster : c.raster);
  const std::string log = (dir / "log.txt").string();
  const std::string cmd = c.raster.empty() ? "gen" : "run";
  std::vector<std::string> argv = {g_spikeforge, cmd, (dir / "net.json").string()};
  if (cmd == "gen") argv.insert(argv.end(), {"-o", (dir / "out").string()});
  else argv.insert(argv.end(), {"--input", (dir / "in.json").string(), "--trace", (dir / "t.json").string()});
  sf::ProcessResult r = sf::run_process(argv, log, "", 60);
  std::string text = sf::read_text_file(log);
  EXPECT_EQ(r.exit_code, 2) << text;
  EXPECT_NE(text.find(c.message), std::string::npos) << "message: " << text;
  const char* file = c.raster.empty() ? "net.json" : "in.json";
  EXPECT_NE(text.find(file), std::string::npos) << "names the file: " << text;
  EXPECT_FALSE(fs::exists(dir / "out")) << "output directory left behind";
  EXPECT_FALSE(fs::exists(dir / "t.json")) << "trace left behind";
  for (const auto& e : fs::directory_iterator(dir))
    EXPECT_EQ(e.path().filename().string().find(".tmp"), std::string::npos) << e.path();
  fs::remove_all(dir);
}

const std::string N = kGoodNet;
// The same layer as akida (Akida 1.0), and as akida2 (Akida 2.0) with 4-bit inputs.
const std::string A = replace(replace(N, "\"neuron\": {\"model\": \"if\", \"threshold\": 4, \"v_bits\": 8}",
                                      "\"neuron\": {\"model\": \"akida\", \"act_bits\": 2, \"act_step\": {\"mantissa\": 3, \"frac_bits\": 1}, \"threshold\": [4, -2]}"),
                              "[-1, 0, 7]", "[-1, 0, 6]");
const std::string A2 = replace(replace(N, "\"neuron\": {\"model\": \"if\", \"threshold\": 4, \"v_bits\": 8}",
                                       "\"neuron\": {\"model\": \"akida2\", \"output_scale\": [10, 20], \"output_shift\": -2, \"output_bits\": 4, \"relu\": true}"),
                               "\"payload_bits\": 1", "\"payload_bits\": 4");

INSTANTIATE_TEST_SUITE_P(
    Cases, BadInput,
    ::testing::Values(
        Case{"syntax", N.substr(0, 40), "", "not valid JSON"},
        // 100,000 levels once overflowed the stack (exit 139) while the error message was written
        Case{"deep_network", std::string(100000, '[') + std::string(100000, ']'), "", "nested deeper than 256 levels"},
        // a number beyond a double once gave exit 3 "internal error" naming no file
        Case{"huge_number", replace(N, "[-1, 0, 7]", "[-1, 1e400, 7]"), "", "number overflow"},
        Case{"huge_integer", replace(N, "\"threshold\": 4", "\"threshold\": " + std::string(400, '9')), "", "number overflow"},
        Case{"huge_raster", N, replace(kGoodRaster, "[2, 0]", "[2, 1e400]"), "number overflow"},
        Case{"deep_raster", N, std::string(100000, '[') + std::string(100000, ']'), "nested deeper than 256 levels"},
        Case{"format", replace(N, "spikeforge-network", "other"), "", "format: found \"other\""},
        Case{"version", replace(N, "\"version\": 1", "\"version\": 7"), "", "version: found 7"},
        Case{"unknown_top", replace(N, "\"timesteps\": 3", "\"timesteps\": 3, \"colour\": 1"), "", "colour: found an unknown field"},
        Case{"unknown_neuron", replace(N, "\"v_bits\": 8", "\"v_bits\": 8, \"tau\": 2"), "", "neuron.tau: found an unknown field"},
        Case{"weight_range", replace(N, "[-1, 0, 7]", "[-1, 0, 9]"), "", "layer 'fc1': weight[1][2]: found 9, expected a 4-bit signed integer (-8..7)"},
        Case{"weight_type", replace(N, "[-1, 0, 7]", "[-1, \"x\", 7]"), "", "weight[1][1]: found \"x\""},
        Case{"weight_float", replace(N, "[-1, 0, 7]", "[-1, 0.5, 7]"), "", "weight[1][1]: found 0.5"},
        Case{"row_count", replace(N, "[[1, 2, 3], [-1, 0, 7]]", "[[1, 2, 3]]"), "", "weights: found 1 rows, expected 2 rows"},
        Case{"row_len", replace(N, "[1, 2, 3]", "[1, 2]"), "", "weights[0]: found 2 entries, expected 3 entries"},
        Case{"in_mismatch", replace(N, "\"in\": 3", "\"in\": 4"), "", "layer 'fc1': in: found 4, expected 3"},
        Case{"threshold", replace(N, "\"threshold\": 4", "\"threshold\": 0"), "", "neuron.threshold: found 0"},
        Case{"threshold_wide", replace(N, "\"threshold\": 4", "\"threshold\": 300"), "", "neuron.threshold: found 300, expected an integer in 1..127"},
        Case{"v_bits", replace(N, "\"v_bits\": 8", "\"v_bits\": 40"), "", "neuron.v_bits: found 40"},
        Case{"model", replace(N, "\"model\": \"if\"", "\"model\": \"izhikevich\""), "", "neuron.model: found \"izhikevich\""},
        Case{"if_leak", replace(N, "\"v_bits\": 8", "\"v_bits\": 8, \"leak\": {\"kind\": \"shift\", \"shift\": 2}"), "", "a leak with model \"if\""},
        Case{"deferred_if", replace(N, "\"v_bits\": 8", "\"v_bits\": 8, \"reset\": \"subtract_deferred\""), "", "subtract_deferred only with model \"lif\""},
        Case{"mult_beta", replace(replace(N, "\"model\": \"if\"", "\"model\": \"lif\""), "\"v_bits\": 8", "\"v_bits\": 8, \"leak\": {\"kind\": \"mult\", \"beta\": 9, \"frac\": 3}"), "", "neuron.leak.beta: found 9, expected an integer in 0..8"},
        Case{"layers_empty", replace(N, "\"layers\": [", "\"layers\": [], \"x\": ["), "", "found an unknown field"},
        Case{"too_many_neurons", replace(N, "\"out\": 2", "\"out\": 2000000"), "", "out: found 2000000, expected an integer in 1..1048576"},
        Case{"oversize", replace(replace(replace(N, "\"size\": 3", "\"size\": 1000000"), "\"in\": 3", "\"in\": 1000000"), "\"out\": 2", "\"out\": 1000"), "", "in*out: found 1000000000"},
        Case{"parallel", replace(N, "\"v_bits\": 8}", "\"v_bits\": 8}, \"hardware\": {\"parallel\": 5}"), "", "hardware.parallel: found 5"},
        Case{"layer_name_path", replace(N, "\"name\": \"fc1\"", "\"name\": \"../evil\""), "", "name: found \"../evil\", expected an identifier"},
        Case{"layer_name_quote", replace(N, "\"name\": \"fc1\"", "\"name\": \"a\\\"b\""), "", "expected an identifier"},
        Case{"net_name_newline", replace(N, "\"name\": \"n\"", "\"name\": \"n\\nmodule x\""), "", "name: found \"n\\nmodule x\", expected 1 to 128 characters"},
        Case{"description_type", replace(N, "\"timesteps\": 3", "\"timesteps\": 3, \"description\": 5"), "", "description: found 5, expected a string"},
        Case{"signed_no_bits", replace(N, "\"payload_bits\": 1", "\"payload_signed\": true"), "", "input.payload_bits: found nothing (missing), expected a width of 2..16 bits"},
        Case{"akida_act_bits", replace(A, "\"act_bits\": 2", "\"act_bits\": 3"), "", "layer 'fc1': neuron.act_bits: found 3, expected 1, 2 or 4"},
        Case{"akida_weight_symmetric", replace(A, "[-1, 0, 6]", "[-8, 0, 6]"), "", "weight[1][0]: found -8, expected a 4-bit symmetric akida weight (-7..7)"},
        Case{"akida_threshold_count", replace(A, "[4, -2]", "[4]"), "", "neuron.threshold: found 1 entries, expected 2 entries"},
        Case{"akida_step", replace(A, "\"frac_bits\": 1", "\"frac_bits\": -20"), "", "neuron.act_step: found 3 / 2^-20, expected 0 < act_step < 2^19"},
        Case{"akida_input_bits", replace(A, "\"payload_bits\": 1", "\"payload_bits\": 3"), "", "input.payload_bits: found 3 unsigned, expected unsigned 1, 2 or 4 bits"},
        Case{"akida_layer_bias", replace(A, "\"weight_bits\": 4,", "\"weight_bits\": 4, \"bias\": [1, 2],"), "", "bias: found a layer bias with model \"akida\""},
        Case{"akida2_input_bits", replace(A2, "\"payload_bits\": 4", "\"payload_bits\": 1"), "", "input.payload_bits: found 1, expected 4 or 8"},
        Case{"akida2_output_bits", replace(A2, "\"output_bits\": 4", "\"output_bits\": 5"), "", "neuron.output_bits: found 5, expected 4 or 8"},
        Case{"akida2_max_value_no_relu", replace(A2, "\"relu\": true", "\"relu\": false, \"max_value\": 3"), "", "neuron.max_value: found a value with relu false"},
        Case{"akida2_sum_too_wide",
             replace(replace(replace(replace(A2, "\"output_bits\": 4", "\"output_bits\": 4, \"input_shift\": 32"),
                                     "\"payload_bits\": 4", "\"payload_bits\": 8"),
                             "[1, 2, 3]", "[127, 127, 127]"),
                     "\"weight_bits\": 4", "\"weight_bits\": 8"),
             "", "layer 'fc1': input sum << input_shift: needs 50 bits"},
        Case{"raster_index", N, replace(kGoodRaster, "[2, 0]", "[2, 3]"), "events[1].i: found 3, expected an integer in 0..2"},
        Case{"raster_time", N, replace(kGoodRaster, "[2, 0]", "[3, 0]"), "events[1].t: found 3"},
        Case{"raster_dup", N, replace(kGoodRaster, "[2, 0]", "[0, 1]"), "two events for t=0, i=1"},
        Case{"raster_payload", N, replace(kGoodRaster, "[2, 0]", "[2, 0, 2]"), "events[1].p: found 2, expected an integer in 0..1"},
        Case{"raster_size", N, replace(kGoodRaster, "\"size\": 3", "\"size\": 4"), "size: found 4, expected 3"}),
    [](const ::testing::TestParamInfo<Case>& i) { return std::string(i.param.name); });

// Options that do not go together: exit 2, a message naming the option, nothing written.
TEST(BadOptions, BackendCombinations) {
  fs::path dir = fs::temp_directory_path() / "sf-bad-options";
  fs::remove_all(dir);
  fs::create_directories(dir);
  std::ofstream(dir / "net.json") << kGoodNet;
  std::ofstream(dir / "in.json") << kGoodRaster;
  std::ofstream(dir / "akida2.json") << A2;
  const std::string net = (dir / "net.json").string(), in = (dir / "in.json").string();
  const std::string akida2_net = (dir / "akida2.json").string();
  struct Combo {
    std::vector<std::string> args;
    const char* message;
  };
  const Combo combos[] = {
      {{"gen", net, "-o", (dir / "out").string(), "--target", "hls", "--board", "icebreaker"}, "--board"},
      {{"gen", net, "-o", (dir / "out").string(), "--target", "vhdl"}, "--target"},
      {{"sim", net, "--input", in, "--backend", "hls", "--waves", (dir / "w.fst").string()}, "--waves"},
      {{"sim", net, "--input", in, "--backend", "modelsim"}, "--backend"},
      {{"gen", akida2_net, "-o", (dir / "out").string(), "--target", "hls"}, "the akida2 model (stateless, multi-bit events) has no HLS template"},
  };
  for (const Combo& c : combos) {
    std::vector<std::string> argv = {g_spikeforge};
    argv.insert(argv.end(), c.args.begin(), c.args.end());
    const std::string log = (dir / "log.txt").string();
    fs::remove(log);
    sf::ProcessResult r = sf::run_process(argv, log, "", 60);
    const std::string text = sf::read_text_file(log);
    EXPECT_EQ(r.exit_code, 2) << text;
    EXPECT_NE(text.find(c.message), std::string::npos) << text;
    EXPECT_FALSE(fs::exists(dir / "out"));
    EXPECT_FALSE(fs::exists(dir / "w.fst"));
  }
  fs::remove_all(dir);
}

}  // namespace

int main(int argc, char** argv) {
  ::testing::InitGoogleTest(&argc, argv);
  if (argc < 2) {
    std::fprintf(stderr, "usage: test_badinput SPIKEFORGE\n");
    return 2;
  }
  g_spikeforge = argv[1];
  return RUN_ALL_TESTS();
}
