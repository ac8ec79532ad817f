// Keeps the JSON Schemas in docs/schema/ honest against the real readers
// (gen/ir/network.cpp, gen/ir/events.cpp):
//  - the schemas use only the JSON Schema subset the small validator below
//    implements (which is itself tested), every $ref resolves and every field
//    has a description;
//  - every network, raster and trace JSON shipped under tests/ and examples/
//    (found at test time), and every complete example in docs/network-format.md,
//    validates against its schema and loads; a shipped file named bad_*.json or
//    kept in a folder named bad/ must instead fail both;
//  - structurally bad files (unknown field, wrong type, missing field, bad enum,
//    static range, model rules) fail both the schema and the loader, each for
//    the intended field;
//  - the cross-field checks the schema leaves to the loader pass the schema,
//    fail the loader, and are listed in the schema's description and the doc;
//  - the known differences between a JSON Schema validator and the loader are
//    what the docs say they are.
#include <gtest/gtest.h>

#include <unistd.h>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <filesystem>
#include <fstream>
#include <functional>
#include <regex>
#include <iostream>
#include <set>
#include <sstream>
#include <stdexcept>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "ir/error.h"
#include "ir/events.h"
#include "ir/network.h"

#ifndef SPIKEFORGE_SOURCE_DIR
#error "SPIKEFORGE_SOURCE_DIR must name the source tree"
#endif

namespace {

namespace fs = std::filesystem;
using nlohmann::json;

const fs::path kRoot = SPIKEFORGE_SOURCE_DIR;

// ---------------------------------------------------------------------------
// A validator for the JSON Schema (draft 2020-12) subset the schemas use.

const std::set<std::string>& implemented_keywords() {
  static const std::set<std::string> k = {
      // annotations: no effect on validation
      "$schema", "$id", "$comment", "title", "description", "default",
      // references
      "$defs", "$ref",
      // assertions and applicators
      "type", "enum", "const", "minimum", "maximum", "minLength", "pattern", "minItems", "maxItems",
      "properties", "required", "additionalProperties", "dependentSchemas", "items",
      "prefixItems", "oneOf", "anyOf"};
  return k;
}

struct Problem {
  std::string at;    // JSON pointer of the instance location ("" = the document)
  std::string what;
};

std::string text_of(const std::vector<Problem>& ps) {
  std::string s;
  for (const Problem& p : ps) s += "  " + (p.at.empty() ? "(document)" : p.at) + ": " + p.what + "\n";
  return s;
}

std::string short_dump(const json& x) {
  std::string s = x.dump();
  return s.size() > 60 ? s.substr(0, 57) + "..." : s;
}

// JSON Schema's integer: any number with a zero fractional part (so 1.0 is one).
bool is_schema_integer(const json& x) {
  if (x.is_number_integer()) return true;
  if (!x.is_number_float()) return false;
  const double d = x.get<double>();
  return std::isfinite(d) && std::floor(d) == d;
}

bool has_type(const json& x, const std::string& t) {
  if (t == "object") return x.is_object();
  if (t == "array") return x.is_array();
  if (t == "string") return x.is_string();
  if (t == "boolean") return x.is_boolean();
  if (t == "null") return x.is_null();
  if (t == "number") return x.is_number();
  if (t == "integer") return is_schema_integer(x);
  throw std::runtime_error("schema: unknown type \"" + t + "\"");
}

// -1, 0, 1 as a < b, a == b, a > b; exact for any two 64-bit integers.
int compare_numbers(const json& a, const json& b) {
  if (a.is_number_integer() && b.is_number_integer()) {
    const bool a_neg = !a.is_number_unsigned() && a.get<int64_t>() < 0;
    const bool b_neg = !b.is_number_unsigned() && b.get<int64_t>() < 0;
    if (a_neg != b_neg) return a_neg ? -1 : 1;
    if (a_neg) {
      const int64_t x = a.get<int64_t>(), y = b.get<int64_t>();
      return (x > y) - (x < y);
    }
    const uint64_t x = a.get<uint64_t>(), y = b.get<uint64_t>();
    return (x > y) - (x < y);
  }
  const double x = a.get<double>(), y = b.get<double>();
  return (x > y) - (x < y);
}

size_t code_points(const std::string& s) {
  size_t n = 0;
  for (unsigned char c : s) n += (c & 0xC0) != 0x80;
  return n;
}

std::string pointer_token(const std::string& key) {
  std::string out;
  for (char c : key) out += c == '~' ? "~0" : c == '/' ? "~1" : std::string(1, c);
  return out;
}

class Validator {
 public:
  explicit Validator(json root) : root_(std::move(root)) {}

  std::vector<Problem> validate(const json& instance) const {
    std::vector<Problem> out;
    check(root_, instance, "", out);
    return out;
  }

  // Problems of the schema itself: keywords this validator does not implement,
  // $refs that do not resolve, properties without a description.
  std::vector<std::string> lint() const {
    std::vector<std::string> out;
    if (root_.value("$schema", "") != "https://json-schema.org/draft/2020-12/schema")
      out.push_back("$schema is not draft 2020-12");
    if (!root_.contains("description")) out.push_back("no top-level description");
    walk(root_, "#", out);
    return out;
  }

 private:
  const json& resolve(const std::string& ref) const {
    if (ref.rfind("#/", 0) != 0) throw std::runtime_error("schema: $ref \"" + ref + "\" is not local");
    try {
      return root_.at(json::json_pointer(ref.substr(1)));
    } catch (const json::exception&) {
      throw std::runtime_error("schema: $ref \"" + ref + "\" does not resolve");
    }
  }

  void walk(const json& s, const std::string& path, std::vector<std::string>& out) const {
    if (s.is_boolean()) return;
    if (!s.is_object()) {
      out.push_back(path + ": neither a schema object nor a boolean");
      return;
    }
    for (auto it = s.begin(); it != s.end(); ++it)
      if (!implemented_keywords().count(it.key()))
        out.push_back(path + ": keyword \"" + it.key() + "\" is not implemented by the test's validator");
    if (s.contains("$ref")) {
      try {
        resolve(s.at("$ref").get<std::string>());
      } catch (const std::exception& e) {
        out.push_back(path + ": " + e.what());
      }
    }
    for (const char* map : {"$defs", "properties", "dependentSchemas"}) {
      if (!s.contains(map)) continue;
      for (auto it = s.at(map).begin(); it != s.at(map).end(); ++it) {
        const std::string sub = path + "/" + map + "/" + it.key();
        if (std::string(map) == "properties" && !(it->is_object() && it->contains("description")))
          out.push_back(sub + ": no description");
        walk(*it, sub, out);
      }
    }
    for (const char* one : {"additionalProperties", "items"})
      if (s.contains(one)) walk(s.at(one), path + "/" + one, out);
    for (const char* list : {"prefixItems", "oneOf", "anyOf"})
      if (s.contains(list))
        for (size_t k = 0; k < s.at(list).size(); ++k)
          walk(s.at(list)[k], path + "/" + list + "/" + std::to_string(k), out);
  }

  bool valid(const json& s, const json& x, const std::string& at, std::vector<Problem>* why) const {
    std::vector<Problem> sub;
    check(s, x, at, sub);
    if (why && !sub.empty()) why->push_back(sub.front());
    return sub.empty();
  }

  void check(const json& s, const json& x, const std::string& at, std::vector<Problem>& out) const {
    if (s.is_boolean()) {
      if (!s.get<bool>()) out.push_back({at, "nothing is allowed here"});
      return;
    }
    if (!s.is_object()) throw std::runtime_error("schema: a schema must be an object or a boolean");
    if (s.contains("$ref")) check(resolve(s.at("$ref").get<std::string>()), x, at, out);
    if (s.contains("type")) {
      const json& t = s.at("type");
      bool ok = false;
      if (t.is_string()) ok = has_type(x, t.get<std::string>());
      else
        for (const json& one : t) ok = ok || has_type(x, one.get<std::string>());
      if (!ok) out.push_back({at, short_dump(x) + " is not of type " + t.dump()});
    }
    if (s.contains("enum")) {
      bool ok = false;
      for (const json& c : s.at("enum")) ok = ok || c == x;
      if (!ok) out.push_back({at, short_dump(x) + " is not one of " + s.at("enum").dump()});
    }
    if (s.contains("const") && !(s.at("const") == x))
      out.push_back({at, short_dump(x) + " is not " + s.at("const").dump()});
    if (x.is_number()) {
      if (s.contains("minimum") && compare_numbers(x, s.at("minimum")) < 0)
        out.push_back({at, short_dump(x) + " is below the minimum " + s.at("minimum").dump()});
      if (s.contains("maximum") && compare_numbers(x, s.at("maximum")) > 0)
        out.push_back({at, short_dump(x) + " is above the maximum " + s.at("maximum").dump()});
    }
    if (x.is_string() && s.contains("minLength") &&
        code_points(x.get<std::string>()) < s.at("minLength").get<size_t>())
      out.push_back({at, short_dump(x) + " is shorter than " + s.at("minLength").dump()});
    // JSON Schema patterns are ECMA-262 and unanchored; ours anchor themselves
    if (x.is_string() && s.contains("pattern") &&
        !std::regex_search(x.get<std::string>(), std::regex(s.at("pattern").get<std::string>(), std::regex::ECMAScript)))
      out.push_back({at, short_dump(x) + " does not match " + s.at("pattern").dump()});
    if (x.is_array()) {
      if (s.contains("minItems") && x.size() < s.at("minItems").get<size_t>())
        out.push_back({at, "fewer than " + s.at("minItems").dump() + " items"});
      if (s.contains("maxItems") && x.size() > s.at("maxItems").get<size_t>())
        out.push_back({at, "more than " + s.at("maxItems").dump() + " items"});
      size_t first = 0;
      if (s.contains("prefixItems")) {
        const json& pre = s.at("prefixItems");
        for (; first < pre.size() && first < x.size(); ++first)
          check(pre[first], x[first], at + "/" + std::to_string(first), out);
        first = pre.size();
      }
      if (s.contains("items"))
        for (size_t k = first; k < x.size(); ++k) check(s.at("items"), x[k], at + "/" + std::to_string(k), out);
    }
    if (x.is_object()) {
      if (s.contains("required"))
        for (const json& key : s.at("required"))
          if (!x.contains(key.get<std::string>()))
            out.push_back({at + "/" + pointer_token(key.get<std::string>()), "required, missing"});
      const json* props = s.contains("properties") ? &s.at("properties") : nullptr;
      for (auto it = x.begin(); it != x.end(); ++it) {
        const std::string sub = at + "/" + pointer_token(it.key());
        if (props && props->contains(it.key())) check(props->at(it.key()), *it, sub, out);
        else if (s.contains("additionalProperties")) {
          const json& extra = s.at("additionalProperties");
          if (extra.is_boolean() && !extra.get<bool>()) out.push_back({sub, "unknown field"});
          else check(extra, *it, sub, out);
        }
      }
      if (s.contains("dependentSchemas"))
        for (auto it = s.at("dependentSchemas").begin(); it != s.at("dependentSchemas").end(); ++it)
          if (x.contains(it.key())) check(*it, x, at, out);
    }
    if (s.contains("anyOf")) {
      std::vector<Problem> why;
      bool any = false;
      for (const json& branch : s.at("anyOf")) any = valid(branch, x, at, &why) || any;
      if (!any) out.push_back({at, "matches no anyOf branch:\n" + text_of(why)});
    }
    if (s.contains("oneOf")) {
      std::vector<Problem> why;
      int n = 0;
      // with no match, also the problems of the closest branch (fewest problems)
      // at their own paths, as validators' "best match" reports do
      std::vector<Problem> closest;
      bool have_closest = false;
      for (const json& branch : s.at("oneOf")) {
        std::vector<Problem> sub;
        check(branch, x, at, sub);
        if (sub.empty()) ++n;
        else why.push_back(sub.front());
        if (!sub.empty() && (!have_closest || sub.size() < closest.size())) closest = sub, have_closest = true;
      }
      if (n != 1) out.push_back({at, "matches " + std::to_string(n) + " oneOf branches, expected 1:\n" + text_of(why)});
      if (n == 0) out.insert(out.end(), closest.begin(), closest.end());
    }
  }

  json root_;
};

json read_json(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  if (!in) throw std::runtime_error(p.string() + ": cannot open");
  return json::parse(in);
}

std::string read_text(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

// Runs of white space as one blank, so that re-wrapping prose keeps phrases findable.
std::string squeeze(const std::string& text) {
  std::string out;
  for (char c : text) {
    const bool blank = c == ' ' || c == '\n' || c == '\t' || c == '\r';
    if (!blank) out += c;
    else if (!out.empty() && out.back() != ' ') out += ' ';
  }
  return out;
}

const Validator& schema_for(const std::string& format) {
  static const Validator network(read_json(kRoot / "docs/schema/spikeforge-network.schema.json"));
  static const Validator raster(read_json(kRoot / "docs/schema/spikeforge-raster.schema.json"));
  static const Validator trace(read_json(kRoot / "docs/schema/spikeforge-trace.schema.json"));
  static const Validator network_v2(read_json(kRoot / "docs/schema/spikeforge-network-v2.schema.json"));
  if (format == "spikeforge-network") return network;
  if (format == "spikeforge-network-v2") return network_v2;
  if (format == "spikeforge-raster") return raster;
  if (format == "spikeforge-trace") return trace;
  throw std::runtime_error("no schema for format \"" + format + "\"");
}

// Runs the real reader of `format` on `path`: "" when it accepts the file,
// else its InputError message. Any other exception fails the test.
std::string loader_error(const std::string& format, const fs::path& path) {
  try {
    if (format == "spikeforge-network") sf::load_network(path.string());
    else if (format == "spikeforge-raster") sf::load_rasters(path.string(), nullptr);
    else if (format == "spikeforge-trace") sf::load_trace(path.string());
    else throw std::runtime_error("no loader for format \"" + format + "\"");
  } catch (const sf::InputError& e) {
    return e.what();
  }
  return "";
}

// A scratch folder for one test, removed when the test ends.
class Scratch {
 public:
  Scratch() {
    const auto* info = ::testing::UnitTest::GetInstance()->current_test_info();
    std::string name = std::string(info->test_suite_name()) + "." + info->name();
    std::replace(name.begin(), name.end(), '/', '_');
    dir_ = fs::temp_directory_path() / ("sf-schema-" + std::to_string(::getpid()) + "-" + name);
    fs::remove_all(dir_);
    fs::create_directories(dir_);
  }
  ~Scratch() {
    std::error_code ec;
    fs::remove_all(dir_, ec);
  }
  fs::path path(const std::string& file) const { return dir_ / file; }
  fs::path write(const std::string& file, const json& doc) const { return write_text(file, doc.dump(1)); }
  fs::path write_text(const std::string& file, const std::string& text) const {
    std::ofstream(dir_ / file, std::ios::binary) << text;
    return dir_ / file;
  }
  fs::path write_bytes(const std::string& file, const std::vector<uint8_t>& bytes) const {
    std::ofstream out(dir_ / file, std::ios::binary);
    out.write(reinterpret_cast<const char*>(bytes.data()), static_cast<std::streamsize>(bytes.size()));
    return dir_ / file;
  }

 private:
  fs::path dir_;
};

// Readable names for parameterized cases in gtest's output.
template <class Case>
void print_case(const Case& c, std::ostream* os) {
  *os << c.name;
}

bool reports_at(const std::vector<Problem>& ps, const std::string& prefix) {
  for (const Problem& p : ps)
    if (p.at.compare(0, prefix.size(), prefix) == 0) return true;
  return false;
}

// ---------------------------------------------------------------------------
// The validator itself: each keyword must reject what it should, or the schema
// tests below would prove nothing.

struct KeywordCase {
  const char* schema;
  const char* good;
  const char* bad;
};

TEST(Validator, EveryKeywordAcceptsAndRejects) {
  const std::vector<KeywordCase> cases = {
      {R"({"type": "integer"})", "3", "3.5"},
      {R"({"type": "integer"})", "3.0", "\"3\""},
      {R"({"type": "string"})", "\"x\"", "1"},
      {R"({"type": "boolean"})", "false", "0"},
      {R"({"type": "object"})", "{}", "[]"},
      {R"({"type": "array"})", "[]", "{}"},
      {R"({"enum": ["a", "b"]})", "\"b\"", "\"c\""},
      {R"({"const": 1})", "1.0", "true"},
      {R"({"minimum": -2147483648})", "-2147483648", "-2147483649"},
      {R"({"maximum": 2147483647})", "2147483647", "18446744073709551615"},
      {R"({"maximum": 16})", "15.5", "16.5"},
      {R"({"minLength": 1})", "\"é\"", "\"\""},
      {R"({"pattern": "^[a-z]+$"})", "\"abc\"", "\"a/b\""},
      {R"({"minItems": 2, "maxItems": 3})", "[1, 2]", "[1]"},
      {R"({"minItems": 2, "maxItems": 3})", "[1, 2, 3]", "[1, 2, 3, 4]"},
      {R"({"prefixItems": [{"type": "integer"}, {"type": "string"}], "items": false})", "[1, \"a\"]",
       "[1, 2]"},
      {R"({"prefixItems": [{"type": "integer"}], "items": false})", "[1]", "[1, 2]"},
      {R"({"items": {"type": "integer"}})", "[1, 2]", "[1, \"2\"]"},
      {R"({"required": ["a"]})", "{\"a\": 1}", "{\"b\": 1}"},
      {R"({"properties": {"a": {"type": "integer"}}})", "{\"a\": 1, \"b\": \"x\"}", "{\"a\": \"1\"}"},
      {R"({"properties": {"a": {}}, "additionalProperties": false})", "{\"a\": 1}", "{\"b\": 1}"},
      {R"({"additionalProperties": {"type": "integer"}})", "{\"b\": 1}", "{\"b\": \"1\"}"},
      {R"({"dependentSchemas": {"a": {"required": ["b"]}}})", "{\"a\": 1, \"b\": 2}", "{\"a\": 1}"},
      {R"({"anyOf": [{"type": "integer"}, {"const": "auto"}]})", "\"auto\"", "\"x\""},
      {R"({"oneOf": [{"required": ["a"]}, {"required": ["b"]}]})", "{\"a\": 1}", "{\"a\": 1, \"b\": 1}"},
      {R"({"oneOf": [{"required": ["a"]}, {"required": ["b"]}]})", "{\"b\": 1}", "{}"},
      {R"({"$defs": {"n": {"type": "integer"}}, "$ref": "#/$defs/n"})", "1", "\"1\""},
      {R"({"properties": {"a": false}})", "{\"b\": 1}", "{\"a\": 1}"},
  };
  for (const KeywordCase& c : cases) {
    SCOPED_TRACE(c.schema);
    const Validator v(json::parse(c.schema));
    EXPECT_TRUE(v.validate(json::parse(c.good)).empty()) << c.good << "\n" << text_of(v.validate(json::parse(c.good)));
    EXPECT_FALSE(v.validate(json::parse(c.bad)).empty()) << c.bad;
  }
}

TEST(Validator, LintFindsUnknownKeywordsDanglingRefsAndMissingDescriptions) {
  const Validator v(json::parse(R"({"$schema": "https://json-schema.org/draft/2020-12/schema",
      "description": "d", "properties": {"a": {"format": "x", "description": "a"}, "b": {"$ref": "#/$defs/none"}}})"));
  const std::vector<std::string> problems = v.lint();
  std::string all;
  for (const std::string& p : problems) all += p + "\n";
  EXPECT_NE(all.find("\"format\""), std::string::npos) << all;
  EXPECT_NE(all.find("does not resolve"), std::string::npos) << all;
  EXPECT_NE(all.find("/properties/b: no description"), std::string::npos) << all;
}

// ---------------------------------------------------------------------------
// The schemas themselves.

TEST(Schemas, UseOnlyTheImplementedSubsetAndDescribeEveryField) {
  for (const char* format : {"spikeforge-network", "spikeforge-network-v2", "spikeforge-raster", "spikeforge-trace"}) {
    SCOPED_TRACE(format);
    std::string all;
    for (const std::string& p : schema_for(format).lint()) all += p + "\n";
    EXPECT_TRUE(all.empty()) << all;
  }
}

// ---------------------------------------------------------------------------
// Shipped files: found at test time, so files added later are covered.

bool expected_bad(const fs::path& p) {
  if (p.filename().string().rfind("bad_", 0) == 0) return true;
  for (const fs::path& part : p.parent_path())
    if (part == "bad") return true;
  return false;
}

std::vector<fs::path> shipped_json_files() {
  std::vector<fs::path> out;
  for (const char* top : {"tests", "examples"}) {
    const fs::path dir = kRoot / top;
    if (!fs::is_directory(dir)) continue;
    for (auto it = fs::recursive_directory_iterator(dir, fs::directory_options::skip_permission_denied);
         it != fs::recursive_directory_iterator(); ++it) {
      const std::string name = it->path().filename().string();
      if (it->is_directory() && !name.empty() && name[0] == '.') {
        it.disable_recursion_pending();
        continue;
      }
      // vendored third-party data (tests/data/third_party, with its provenance):
      // its own tests read it with their own readers, it is not ours to validate
      if (it->is_directory() && name == "third_party") {
        it.disable_recursion_pending();
        continue;
      }
      if (it->is_regular_file() && it->path().extension() == ".json") out.push_back(it->path());
    }
  }
  std::sort(out.begin(), out.end());
  return out;
}

void check_document(const json& doc, const fs::path& path, bool bad) {
  const std::string format = doc.at("format").get<std::string>();
  // a v2 network has its own schema
  const bool v2 = format == "spikeforge-network" && doc.value("version", json()) == json(2);
  const std::vector<Problem> problems = schema_for(v2 ? "spikeforge-network-v2" : format).validate(doc);
  const std::string err = loader_error(format, path);
  if (bad) {
    EXPECT_FALSE(problems.empty()) << path << ": marked bad but valid by the schema";
    EXPECT_FALSE(err.empty()) << path << ": marked bad but accepted by the loader";
  } else {
    EXPECT_TRUE(problems.empty()) << path << " against the " << format << " schema:\n" << text_of(problems);
    EXPECT_TRUE(err.empty()) << path << ": the loader says: " << err;
  }
}

TEST(ShippedFiles, ValidateAndLoad) {
  int networks = 0, others = 0;
  for (const fs::path& p : shipped_json_files()) {
    json doc;
    try {
      doc = read_json(p);
    } catch (const json::exception&) {
      continue;  // not ours to judge: a test may ship broken JSON on purpose
    }
    if (!doc.is_object() || !doc.contains("format") || !doc.at("format").is_string()) continue;
    const std::string format = doc.at("format").get<std::string>();
    if (format != "spikeforge-network" && format != "spikeforge-raster" && format != "spikeforge-trace")
      continue;
    SCOPED_TRACE(p.string());
    check_document(doc, p, expected_bad(p));
    (format == "spikeforge-network" ? networks : others) += 1;
  }
  EXPECT_GE(networks, 1) << "no spikeforge-network file found under tests/ or examples/";
  std::cout << "checked " << networks << " network and " << others << " raster/trace files\n";
}

// Every ```json block of docs/network-format.md that is a complete document of
// a known format is valid and loads (the examples in the doc are real).
TEST(ShippedFiles, DocExamplesValidateAndLoad) {
  const std::string text = read_text(kRoot / "docs/network-format.md");
  ASSERT_FALSE(text.empty()) << "docs/network-format.md is missing";
  Scratch scratch;
  int checked = 0;
  for (size_t pos = text.find("```json\n"); pos != std::string::npos; pos = text.find("```json\n", pos)) {
    pos += 8;
    const size_t end = text.find("```", pos);
    if (end == std::string::npos) break;
    const json doc = json::parse(text.substr(pos, end - pos), nullptr, false);
    pos = end + 3;
    if (doc.is_discarded() || !doc.is_object() || !doc.contains("format")) continue;
    const std::string format = doc.at("format").get<std::string>();
    if (format != "spikeforge-network" && format != "spikeforge-raster" && format != "spikeforge-trace")
      continue;
    SCOPED_TRACE("docs/network-format.md example " + std::to_string(checked));
    check_document(doc, scratch.write("doc" + std::to_string(checked) + ".json", doc), false);
    ++checked;
  }
  EXPECT_GE(checked, 1) << "docs/network-format.md has no complete spikeforge-network example";
}

// ---------------------------------------------------------------------------
// Networks.

// Valid, and uses most optional fields.
json base_network() {
  return json::parse(R"({
    "format": "spikeforge-network", "version": 1, "name": "base", "timesteps": 4,
    "description": "schema test",
    "input": {"size": 3, "payload_bits": 2, "payload_signed": false},
    "output": {"decoding": "spike_count"},
    "layers": [
      {"name": "fc1", "type": "dense", "in": 3, "out": 2, "weight_bits": 4,
       "weights": [[1, -2, 3], [0, 7, -8]], "bias": [1, -1],
       "neuron": {"model": "lif", "threshold": 5, "v_bits": 8, "fire": "gt", "reset": "zero",
                  "v_reset": -2, "leak": {"kind": "shift", "shift": 2}},
       "hardware": {"parallel": 2}},
      {"name": "out", "type": "dense", "in": 2, "out": 2, "weight_bits": 3,
       "weights": [[3, -4], [1, 1]],
       "neuron": {"model": "if", "threshold": 2, "v_bits": 6}}
    ]})");
}

using Edit = std::function<void(json&)>;

json edited(const Edit& edit) {
  json j = base_network();
  edit(j);
  return j;
}

struct GoodCase {
  const char* name;
  Edit edit;
};
void PrintTo(const GoodCase& c, std::ostream* os) { print_case(c, os); }

class GoodNetwork : public ::testing::TestWithParam<GoodCase> {};

TEST_P(GoodNetwork, ValidAndLoads) {
  Scratch scratch;
  // Side files for the weights_file cases: fc1 is 2 x 3.
  scratch.write_bytes("w8.bin", {1, 0xFE, 3, 0, 7, 0xF8});  // int8: [[1, -2, 3], [0, 7, -8]]
  scratch.write_bytes("w16.bin", {0x00, 0xF8, 0xFF, 0x07, 0, 0, 1, 0, 2, 0, 0xFF, 0xFF});  // -2048, 2047, 0, 1, 2, -1
  const json doc = edited(GetParam().edit);
  const fs::path path = scratch.write("net.json", doc);
  EXPECT_TRUE(schema_for("spikeforge-network").validate(doc).empty())
      << text_of(schema_for("spikeforge-network").validate(doc));
  EXPECT_EQ(loader_error("spikeforge-network", path), "");
}

// The base network's layers as akida (Akida 1.0) or akida2 (Akida 2.0) layers.
void make_akida(json& j) {
  j["input"] = {{"size", 3}, {"payload_bits", 2}, {"payload_signed", false}};
  j["layers"][0]["neuron"] = {{"model", "akida"},
                              {"act_bits", 2},
                              {"act_step", {{"mantissa", 3}, {"frac_bits", 2}}},
                              {"threshold", {4, -6}}};
  j["layers"][0]["weights"] = {{1, -2, 3}, {0, 7, -7}};
  j["layers"][0].erase("bias");
  j["layers"][1]["weight_bits"] = 2;
  j["layers"][1]["weights"] = {{1, -1}, {1, 1}};
  j["layers"][1]["neuron"] = {{"model", "akida"},
                              {"act_bits", 4},
                              {"act_step", {{"mantissa", 1}, {"frac_bits", -3}}},
                              {"threshold", {0, 1}}};
}
void make_akida2(json& j) {
  j["input"] = {{"size", 3}, {"payload_bits", 8}, {"payload_signed", true}};
  j["layers"][0]["neuron"] = {{"model", "akida2"},  {"input_shift", 1},    {"bias", {5, -128}},
                              {"bias_shift", 3},    {"buffer_bits", 20},   {"relu", true},
                              {"max_value", 200},   {"max_value_shift", 2}, {"output_scale", {181, 0}},
                              {"output_shift", -9}, {"output_bits", 4}};
  j["layers"][0].erase("bias");
  j["layers"][1]["weight_bits"] = 8;
  j["layers"][1]["weights"] = {{-128, 127}, {3, 1}};
  j["layers"][1]["neuron"] = {{"model", "akida2"}, {"output_scale", {1, 255}}, {"output_shift", 2}, {"output_bits", 8}};
}

json& fc1(json& j) { return j["layers"][0]; }
json& nrn(json& j) { return j["layers"][0]["neuron"]; }
json& out_nrn(json& j) { return j["layers"][1]["neuron"]; }

INSTANTIATE_TEST_SUITE_P(
    Cases, GoodNetwork,
    ::testing::Values(
        GoodCase{"base", [](json&) {}},
        GoodCase{"minimal",
                 [](json& j) {
                   j = json::parse(R"({"format": "spikeforge-network", "version": 1, "name": "m",
                     "input": {"size": 1}, "layers": [{"name": "l", "type": "dense", "in": 1, "out": 1,
                     "weight_bits": 2, "weights": [[1]], "neuron": {"model": "if", "threshold": 1, "v_bits": 2}}]})");
                 }},
        GoodCase{"weights_file_int8", [](json& j) { fc1(j).erase("weights"); fc1(j)["weights_file"] = "w8.bin"; }},
        GoodCase{"weights_file_int16",
                 [](json& j) {
                   fc1(j).erase("weights");
                   fc1(j)["weights_file"] = "w16.bin";
                   fc1(j)["weight_bits"] = 12;
                 }},
        GoodCase{"lif_leak_none", [](json& j) { nrn(j)["leak"] = {{"kind", "none"}}; }},
        GoodCase{"lif_leak_mult", [](json& j) { nrn(j)["leak"] = {{"kind", "mult"}, {"beta", 16}, {"frac", 4}}; }},
        GoodCase{"lif_leak_mult_frac24", [](json& j) { nrn(j)["leak"] = {{"kind", "mult"}, {"beta", 16777216}, {"frac", 24}}; }},
        GoodCase{"lif_leak_sub", [](json& j) { nrn(j)["leak"] = {{"kind", "sub"}, {"lambda", 127}}; }},
        GoodCase{"lif_shift_vbits", [](json& j) { nrn(j)["leak"] = {{"kind", "shift"}, {"shift", 8}}; }},
        GoodCase{"lif_deferred", [](json& j) { nrn(j)["reset"] = "subtract_deferred"; nrn(j).erase("v_reset"); }},
        GoodCase{"reset_none", [](json& j) { nrn(j)["reset"] = "none"; nrn(j).erase("v_reset"); }},
        GoodCase{"reset_zero_default_v_reset", [](json& j) { nrn(j).erase("v_reset"); }},
        GoodCase{"if_leak_none", [](json& j) { out_nrn(j)["leak"] = {{"kind", "none"}}; }},
        GoodCase{"if_v_bits_32", [](json& j) { out_nrn(j)["v_bits"] = 32; out_nrn(j)["threshold"] = 2147483647; }},
        GoodCase{"first_spike", [](json& j) { j["output"]["decoding"] = "first_spike"; }},
        GoodCase{"output_empty", [](json& j) { j["output"] = json::object(); }},
        GoodCase{"hardware_empty", [](json& j) { fc1(j)["hardware"] = json::object(); }},
        GoodCase{"parallel_auto", [](json& j) { fc1(j)["hardware"]["parallel"] = "auto"; }},
        GoodCase{"payload_signed", [](json& j) { j["input"] = {{"size", 3}, {"payload_bits", 4}, {"payload_signed", true}}; }},
        GoodCase{"payload_default", [](json& j) { j["input"] = {{"size", 3}}; }},
        GoodCase{"no_description_timesteps_output",
                 [](json& j) {
                   j.erase("description");
                   j.erase("timesteps");
                   j.erase("output");
                 }},
        GoodCase{"timesteps_max", [](json& j) { j["timesteps"] = 16777216; }},
        GoodCase{"akida", [](json& j) { make_akida(j); }},
        GoodCase{"akida_binary_weights", [](json& j) { make_akida(j); fc1(j)["weight_bits"] = 1; fc1(j)["weights"] = {{1, 0, 1}, {0, 0, 1}}; }},
        GoodCase{"akida_input_layer",
                 [](json& j) {
                   make_akida(j);
                   j["input"]["payload_bits"] = 8;
                   nrn(j)["input_layer"] = true;
                   nrn(j)["threshold"] = {8388607, -8388608};
                   fc1(j)["weight_bits"] = 8;
                   fc1(j)["weights"] = {{127, -127, 3}, {0, 7, -7}};
                 }},
        GoodCase{"akida_tiny_step", [](json& j) { make_akida(j); nrn(j)["act_step"] = {{"mantissa", 16777215}, {"frac_bits", 149}}; }},
        GoodCase{"akida2", [](json& j) { make_akida2(j); }},
        GoodCase{"akida2_unbounded_relu", [](json& j) { make_akida2(j); nrn(j).erase("max_value"); nrn(j).erase("max_value_shift"); }}),
    [](const ::testing::TestParamInfo<GoodCase>& i) { return std::string(i.param.name); });

// Structurally bad: the schema and the loader must both reject it, for the
// same field.
struct BadCase {
  const char* name;
  Edit edit;
  const char* schema_at;    // JSON pointer (prefix) the schema must report
  const char* loader_says;  // fragment of the loader's message
};
void PrintTo(const BadCase& c, std::ostream* os) { print_case(c, os); }

class BadNetwork : public ::testing::TestWithParam<BadCase> {};

TEST_P(BadNetwork, FailsSchemaAndLoader) {
  const BadCase& c = GetParam();
  Scratch scratch;
  const json doc = edited(c.edit);
  const fs::path path = scratch.write("net.json", doc);
  const std::vector<Problem> problems = schema_for("spikeforge-network").validate(doc);
  EXPECT_TRUE(reports_at(problems, c.schema_at))
      << "expected a schema problem at " << c.schema_at << ", got:\n" << text_of(problems);
  const std::string err = loader_error("spikeforge-network", path);
  EXPECT_NE(err.find(c.loader_says), std::string::npos) << "loader: \"" << err << "\"";
  EXPECT_NE(err.find(path.string() + ": "), std::string::npos) << "message names the file: " << err;
}

INSTANTIATE_TEST_SUITE_P(
    Cases, BadNetwork,
    ::testing::Values(
        // unknown fields
        BadCase{"unknown_top", [](json& j) { j["colour"] = 1; }, "/colour", "colour: found an unknown field"},
        BadCase{"unknown_input", [](json& j) { j["input"]["rate"] = 1; }, "/input/rate", "input.rate: found an unknown field"},
        BadCase{"unknown_output", [](json& j) { j["output"]["top_k"] = 1; }, "/output/top_k", "output.top_k: found an unknown field"},
        BadCase{"unknown_layer", [](json& j) { fc1(j)["dropout"] = 0; }, "/layers/0/dropout", "layers[0]: dropout: found an unknown field"},
        BadCase{"unknown_neuron", [](json& j) { nrn(j)["tau"] = 2; }, "/layers/0/neuron/tau", "neuron.tau: found an unknown field"},
        BadCase{"unknown_leak", [](json& j) { nrn(j)["leak"]["beta"] = 3; }, "/layers/0/neuron/leak", "neuron.leak.beta: found an unknown field"},
        BadCase{"unknown_hardware", [](json& j) { fc1(j)["hardware"]["unroll"] = 2; }, "/layers/0/hardware/unroll", "hardware.unroll: found an unknown field"},
        // wrong types
        BadCase{"document_array", [](json& j) { j = json::array(); }, "", "document: found [], expected an object"},
        BadCase{"version_string", [](json& j) { j["version"] = "1"; }, "/version", "version: found \"1\""},
        BadCase{"name_number", [](json& j) { j["name"] = 7; }, "/name", "name: found 7, expected a string"},
        BadCase{"timesteps_string", [](json& j) { j["timesteps"] = "4"; }, "/timesteps", "timesteps: found \"4\""},
        BadCase{"size_float", [](json& j) { j["input"]["size"] = 3.5; }, "/input/size", "input.size: found 3.5"},
        BadCase{"payload_signed_string", [](json& j) { j["input"]["payload_signed"] = "yes"; }, "/input/payload_signed", "input.payload_signed: found \"yes\", expected true or false"},
        BadCase{"input_number", [](json& j) { j["input"] = 3; }, "/input", "input: found 3, expected an object"},
        BadCase{"layers_object", [](json& j) { j["layers"] = json::object(); }, "/layers", "layers: found {}, expected a non-empty array"},
        BadCase{"layer_string", [](json& j) { j["layers"][1] = "fc"; }, "/layers/1", "found \"fc\", expected an object"},
        BadCase{"weights_string", [](json& j) { fc1(j)["weights"] = "w.bin"; }, "/layers/0/weights", "weights: found \"w.bin\""},
        BadCase{"weight_string", [](json& j) { fc1(j)["weights"][0][1] = "x"; }, "/layers/0/weights/0/1", "weight[0][1]: found \"x\""},
        BadCase{"weight_float", [](json& j) { fc1(j)["weights"][1][0] = 0.5; }, "/layers/0/weights/1/0", "weight[1][0]: found 0.5"},
        BadCase{"bias_number", [](json& j) { fc1(j)["bias"] = 3; }, "/layers/0/bias", "bias: found 3"},
        BadCase{"threshold_float", [](json& j) { nrn(j)["threshold"] = 4.5; }, "/layers/0/neuron/threshold", "neuron.threshold: found 4.5"},
        BadCase{"neuron_string", [](json& j) { fc1(j)["neuron"] = "if"; }, "/layers/0/neuron", "neuron: found \"if\", expected an object"},
        BadCase{"leak_number", [](json& j) { nrn(j)["leak"] = 7; }, "/layers/0/neuron/leak", "neuron.leak"},
        BadCase{"fire_bool", [](json& j) { nrn(j)["fire"] = true; }, "/layers/0/neuron/fire", "neuron.fire: found true"},
        BadCase{"parallel_word", [](json& j) { fc1(j)["hardware"]["parallel"] = "fast"; }, "/layers/0/hardware/parallel", "hardware.parallel: found \"fast\""},
        BadCase{"hardware_number", [](json& j) { fc1(j)["hardware"] = 2; }, "/layers/0/hardware", "hardware: found 2, expected an object"},
        BadCase{"weights_file_number", [](json& j) { fc1(j).erase("weights"); fc1(j)["weights_file"] = 5; }, "/layers/0/weights_file", "weights_file: found 5"},
        // missing required fields
        BadCase{"no_format", [](json& j) { j.erase("format"); }, "/format", "format: found nothing (missing)"},
        BadCase{"no_version", [](json& j) { j.erase("version"); }, "/version", "version: found nothing (missing)"},
        BadCase{"no_name", [](json& j) { j.erase("name"); }, "/name", "name: found nothing (missing)"},
        BadCase{"no_input", [](json& j) { j.erase("input"); }, "/input", "input: found nothing (missing)"},
        BadCase{"no_input_size", [](json& j) { j["input"].erase("size"); }, "/input/size", "input.size: found nothing (missing)"},
        BadCase{"no_layers", [](json& j) { j.erase("layers"); }, "/layers", "layers: found nothing (missing)"},
        BadCase{"no_layer_name", [](json& j) { fc1(j).erase("name"); }, "/layers/0/name", "layers[0]: name: found nothing (missing)"},
        BadCase{"no_layer_type", [](json& j) { fc1(j).erase("type"); }, "/layers/0/type", "type: found nothing (missing)"},
        BadCase{"no_in", [](json& j) { fc1(j).erase("in"); }, "/layers/0/in", "in: found nothing (missing)"},
        BadCase{"no_out", [](json& j) { fc1(j).erase("out"); }, "/layers/0/out", "out: found nothing (missing)"},
        BadCase{"no_weight_bits", [](json& j) { fc1(j).erase("weight_bits"); }, "/layers/0/weight_bits", "weight_bits: found nothing (missing)"},
        BadCase{"no_neuron", [](json& j) { fc1(j).erase("neuron"); }, "/layers/0/neuron", "neuron: found nothing (missing)"},
        BadCase{"no_model", [](json& j) { nrn(j).erase("model"); }, "/layers/0/neuron/model", "neuron.model: found nothing (missing)"},
        BadCase{"no_threshold", [](json& j) { nrn(j).erase("threshold"); }, "/layers/0/neuron/threshold", "neuron.threshold: found nothing (missing)"},
        BadCase{"no_v_bits", [](json& j) { nrn(j).erase("v_bits"); }, "/layers/0/neuron/v_bits", "neuron.v_bits: found nothing (missing)"},
        BadCase{"no_leak_kind", [](json& j) { nrn(j)["leak"] = {{"shift", 2}}; }, "/layers/0/neuron/leak", "neuron.leak.kind: found nothing (missing)"},
        BadCase{"no_leak_shift", [](json& j) { nrn(j)["leak"] = {{"kind", "shift"}}; }, "/layers/0/neuron/leak", "neuron.leak.shift: found nothing (missing)"},
        BadCase{"no_leak_frac", [](json& j) { nrn(j)["leak"] = {{"kind", "mult"}, {"beta", 3}}; }, "/layers/0/neuron/leak", "neuron.leak.frac: found nothing (missing)"},
        BadCase{"no_leak_lambda", [](json& j) { nrn(j)["leak"] = {{"kind", "sub"}}; }, "/layers/0/neuron/leak", "neuron.leak.lambda: found nothing (missing)"},
        BadCase{"no_weights", [](json& j) { fc1(j).erase("weights"); }, "/layers/0", "neither weights nor weights_file"},
        BadCase{"lif_without_leak", [](json& j) { nrn(j).erase("leak"); }, "/layers/0/neuron", "neuron.leak: found nothing (missing), expected a leak for model \"lif\""},
        // bad enum values
        BadCase{"format_other", [](json& j) { j["format"] = "other"; }, "/format", "format: found \"other\""},
        BadCase{"version_3", [](json& j) { j["version"] = 3; }, "/version", "version: found 3"},
        BadCase{"type_conv2d", [](json& j) { fc1(j)["type"] = "conv2d"; }, "/layers/0/type", "type: found \"conv2d\""},
        BadCase{"model_izhikevich", [](json& j) { nrn(j)["model"] = "izhikevich"; }, "/layers/0/neuron/model", "neuron.model: found \"izhikevich\""},
        BadCase{"fire_lt", [](json& j) { nrn(j)["fire"] = "lt"; }, "/layers/0/neuron/fire", "neuron.fire: found \"lt\""},
        BadCase{"reset_soft", [](json& j) { nrn(j)["reset"] = "soft"; }, "/layers/0/neuron/reset", "neuron.reset: found \"soft\""},
        BadCase{"leak_kind_exp", [](json& j) { nrn(j)["leak"] = {{"kind", "exp"}}; }, "/layers/0/neuron/leak", "neuron.leak.kind: found \"exp\""},
        BadCase{"decoding_membrane", [](json& j) { j["output"]["decoding"] = "membrane"; }, "/output/decoding", "output.decoding: found \"membrane\""},
        BadCase{"decoding_votes", [](json& j) { j["output"]["decoding"] = "votes"; }, "/output/decoding", "output.decoding: found \"votes\""},
        // ranges that do not depend on other fields
        BadCase{"name_empty", [](json& j) { j["name"] = ""; }, "/name", "name: found \"\", expected 1 to 128 characters"},
        BadCase{"name_newline", [](json& j) { j["name"] = "a\nb"; }, "/name", "expected 1 to 128 characters from letters"},
        BadCase{"description_not_a_string", [](json& j) { j["description"] = 42; }, "/description", "description: found 42, expected a string"},
        BadCase{"signed_payload_without_bits", [](json& j) { j["input"] = {{"size", 3}, {"payload_signed", true}}; }, "/input", "input.payload_bits: found nothing (missing)"},
        BadCase{"layer_name_with_slash", [](json& j) { fc1(j)["name"] = "a/b"; }, "/layers/0/name", "expected an identifier"},
        BadCase{"layer_name_digit_first", [](json& j) { fc1(j)["name"] = "1fc"; }, "/layers/0/name", "expected an identifier"},
        BadCase{"layer_name_empty", [](json& j) { fc1(j)["name"] = ""; }, "/layers/0/name", "layers[0]: name: found \"\""},
        BadCase{"layers_empty", [](json& j) { j["layers"] = json::array(); }, "/layers", "layers: found [], expected a non-empty array"},
        BadCase{"timesteps_0", [](json& j) { j["timesteps"] = 0; }, "/timesteps", "timesteps: found 0"},
        BadCase{"timesteps_big", [](json& j) { j["timesteps"] = 16777217; }, "/timesteps", "timesteps: found 16777217"},
        BadCase{"size_0", [](json& j) { j["input"]["size"] = 0; }, "/input/size", "input.size: found 0"},
        BadCase{"size_big", [](json& j) { j["input"]["size"] = 1048577; }, "/input/size", "input.size: found 1048577"},
        BadCase{"payload_bits_0", [](json& j) { j["input"]["payload_bits"] = 0; }, "/input/payload_bits", "input.payload_bits: found 0"},
        BadCase{"payload_bits_17", [](json& j) { j["input"]["payload_bits"] = 17; }, "/input/payload_bits", "input.payload_bits: found 17"},
        BadCase{"out_big", [](json& j) { fc1(j)["out"] = 2000000; }, "/layers/0/out", "out: found 2000000, expected an integer in 1..1048576"},
        BadCase{"in_0", [](json& j) { fc1(j)["in"] = 0; }, "/layers/0/in", "in: found 0"},
        BadCase{"weight_bits_0", [](json& j) { fc1(j)["weight_bits"] = 0; }, "/layers/0/weight_bits", "weight_bits: found 0"},
        BadCase{"weight_bits_17", [](json& j) { fc1(j)["weight_bits"] = 17; }, "/layers/0/weight_bits", "weight_bits: found 17"},
        BadCase{"weights_empty", [](json& j) { fc1(j)["weights"] = json::array(); }, "/layers/0/weights", "weights: found 0 rows"},
        BadCase{"weight_row_empty", [](json& j) { fc1(j)["weights"][0] = json::array(); }, "/layers/0/weights/0", "weights[0]: found 0 entries"},
        BadCase{"weight_beyond_16_bits", [](json& j) { fc1(j)["weights"][0][0] = 40000; }, "/layers/0/weights/0/0", "weight[0][0]: found 40000"},
        BadCase{"weights_file_empty", [](json& j) { fc1(j).erase("weights"); fc1(j)["weights_file"] = ""; }, "/layers/0/weights_file", "weights_file"},
        BadCase{"bias_empty", [](json& j) { fc1(j)["bias"] = json::array(); }, "/layers/0/bias", "bias: found 0 entries"},
        BadCase{"bias_beyond_32_bits", [](json& j) { fc1(j)["bias"][1] = 2147483648LL; }, "/layers/0/bias/1", "bias[1]: found 2147483648"},
        BadCase{"v_bits_1", [](json& j) { nrn(j)["v_bits"] = 1; }, "/layers/0/neuron/v_bits", "neuron.v_bits: found 1"},
        BadCase{"v_bits_33", [](json& j) { nrn(j)["v_bits"] = 33; }, "/layers/0/neuron/v_bits", "neuron.v_bits: found 33"},
        BadCase{"threshold_0", [](json& j) { nrn(j)["threshold"] = 0; }, "/layers/0/neuron/threshold", "neuron.threshold: found 0"},
        BadCase{"v_reset_beyond_32_bits", [](json& j) { nrn(j)["v_reset"] = -2147483649LL; }, "/layers/0/neuron/v_reset", "neuron.v_reset: found -2147483649"},
        BadCase{"shift_negative", [](json& j) { nrn(j)["leak"]["shift"] = -1; }, "/layers/0/neuron/leak", "neuron.leak.shift: found -1"},
        BadCase{"frac_25", [](json& j) { nrn(j)["leak"] = {{"kind", "mult"}, {"beta", 1}, {"frac", 25}}; }, "/layers/0/neuron/leak", "neuron.leak.frac: found 25"},
        BadCase{"beta_negative", [](json& j) { nrn(j)["leak"] = {{"kind", "mult"}, {"beta", -1}, {"frac", 4}}; }, "/layers/0/neuron/leak", "neuron.leak.beta: found -1"},
        BadCase{"lambda_negative", [](json& j) { nrn(j)["leak"] = {{"kind", "sub"}, {"lambda", -1}}; }, "/layers/0/neuron/leak", "neuron.leak.lambda: found -1"},
        BadCase{"parallel_0", [](json& j) { fc1(j)["hardware"]["parallel"] = 0; }, "/layers/0/hardware/parallel", "hardware.parallel: found 0"},
        // model rules, stated in the schema with oneOf / dependentSchemas
        BadCase{"if_with_leak", [](json& j) { out_nrn(j)["leak"] = {{"kind", "shift"}, {"shift", 1}}; }, "/layers/1/neuron", "a leak with model \"if\""},
        BadCase{"if_deferred", [](json& j) { out_nrn(j)["reset"] = "subtract_deferred"; }, "/layers/1/neuron", "subtract_deferred only with model \"lif\""},
        BadCase{"v_reset_with_subtract", [](json& j) { nrn(j)["reset"] = "subtract"; }, "/layers/0/neuron", "v_reset only with reset \"zero\""},
        BadCase{"v_reset_default_reset", [](json& j) { nrn(j).erase("reset"); }, "/layers/0/neuron", "v_reset only with reset \"zero\""},
        BadCase{"both_weight_sources", [](json& j) { fc1(j)["weights_file"] = "w.bin"; }, "/layers/0", "both weights and weights_file"},
        // akida / akida2
        BadCase{"akida_act_bits_3", [](json& j) { make_akida(j); nrn(j)["act_bits"] = 3; }, "/layers/0/neuron", "neuron.act_bits: found 3"},
        BadCase{"akida_no_act_step", [](json& j) { make_akida(j); nrn(j).erase("act_step"); }, "/layers/0/neuron", "neuron.act_step: found nothing (missing)"},
        BadCase{"akida_step_mantissa_0", [](json& j) { make_akida(j); nrn(j)["act_step"]["mantissa"] = 0; }, "/layers/0/neuron", "neuron.act_step.mantissa: found 0"},
        BadCase{"akida_step_unknown", [](json& j) { make_akida(j); nrn(j)["act_step"]["exp"] = 1; }, "/layers/0/neuron", "neuron.act_step.exp: found an unknown field"},
        BadCase{"akida_threshold_25_bits", [](json& j) { make_akida(j); nrn(j)["threshold"] = {8388608, 0}; }, "/layers/0/neuron", "neuron.threshold[0]: found 8388608"},
        BadCase{"akida_unknown", [](json& j) { make_akida(j); nrn(j)["v_bits"] = 8; }, "/layers/0/neuron", "neuron.v_bits: found an unknown field"},
        BadCase{"akida2_output_bits_6", [](json& j) { make_akida2(j); nrn(j)["output_bits"] = 6; }, "/layers/0/neuron", "neuron.output_bits: found 6"},
        BadCase{"akida2_no_output_scale", [](json& j) { make_akida2(j); nrn(j).erase("output_scale"); }, "/layers/0/neuron", "neuron.output_scale: found nothing (missing)"},
        BadCase{"akida2_scale_256", [](json& j) { make_akida2(j); nrn(j)["output_scale"] = {256, 0}; }, "/layers/0/neuron", "neuron.output_scale[0]: found 256"},
        BadCase{"akida2_bias_128", [](json& j) { make_akida2(j); nrn(j)["bias"] = {128, 0}; }, "/layers/0/neuron", "neuron.bias[0]: found 128"},
        BadCase{"akida2_buffer_33", [](json& j) { make_akida2(j); nrn(j)["buffer_bits"] = 33; }, "/layers/0/neuron", "neuron.buffer_bits: found 33"},
        BadCase{"akida2_shift_128", [](json& j) { make_akida2(j); nrn(j)["output_shift"] = 128; }, "/layers/0/neuron", "neuron.output_shift: found 128"},
        BadCase{"akida2_max_value_without_relu", [](json& j) { make_akida2(j); nrn(j)["relu"] = false; }, "/layers/0/neuron", "max_value only with relu true"},
        BadCase{"akida2_max_value_shift_alone", [](json& j) { make_akida2(j); nrn(j).erase("max_value"); }, "/layers/0/neuron", "max_value_shift only with max_value"},
        BadCase{"signed_payload_1_bit", [](json& j) { j["input"]["payload_signed"] = true; j["input"]["payload_bits"] = 1; }, "/input", "input.payload_bits: found 1, expected an integer in 2..16"}),
    [](const ::testing::TestParamInfo<BadCase>& i) { return std::string(i.param.name); });

// Checks that need other fields or files: valid by the schema, rejected by the
// loader, and listed (by `listed_as`) in the schema's description and the doc.
struct CrossCase {
  const char* name;
  Edit edit;
  const char* loader_says;
  const char* listed_as;
};
void PrintTo(const CrossCase& c, std::ostream* os) { print_case(c, os); }

class CrossFieldNetwork : public ::testing::TestWithParam<CrossCase> {};

TEST_P(CrossFieldNetwork, PassesSchemaFailsLoaderAndIsDocumented) {
  const CrossCase& c = GetParam();
  Scratch scratch;
  scratch.write_bytes("short.bin", {1, 2, 3, 4, 5});
  scratch.write_bytes("wide.bin", {100, 0, 0, 0, 0, 0});
  const json doc = edited(c.edit);
  const fs::path path = scratch.write("net.json", doc);
  const std::vector<Problem> problems = schema_for("spikeforge-network").validate(doc);
  EXPECT_TRUE(problems.empty()) << "a cross-field case should be valid by the schema:\n" << text_of(problems);
  const std::string err = loader_error("spikeforge-network", path);
  EXPECT_NE(err.find(c.loader_says), std::string::npos) << "loader: \"" << err << "\"";
  const std::string description =
      squeeze(read_json(kRoot / "docs/schema/spikeforge-network.schema.json").at("description"));
  EXPECT_NE(description.find(c.listed_as), std::string::npos) << "schema description lacks: " << c.listed_as;
  const std::string doc_text = squeeze(read_text(kRoot / "docs/network-format.md"));
  EXPECT_NE(doc_text.find(c.listed_as), std::string::npos) << "docs/network-format.md lacks: " << c.listed_as;
}

INSTANTIATE_TEST_SUITE_P(
    Cases, CrossFieldNetwork,
    ::testing::Values(
        CrossCase{"in_not_previous_out", [](json& j) { j["layers"][1]["in"] = 3; }, "layer 'out': in: found 3, expected 2", "layers[k].in equals layers[k-1].out"},
        CrossCase{"first_in_not_input_size", [](json& j) { j["input"]["size"] = 4; }, "layer 'fc1': in: found 3, expected 4", "layers[0].in equals input.size"},
        CrossCase{"too_many_synapses",
                  [](json& j) {
                    j["input"]["size"] = 1048576;
                    fc1(j)["in"] = 1048576;
                    fc1(j)["out"] = 300;
                  },
                  "in*out: found 314572800", "268435456"},
        CrossCase{"row_count", [](json& j) { fc1(j)["weights"].push_back({1, 1, 1}); }, "weights: found 3 rows, expected 2 rows", "exactly `out` rows of exactly `in` entries"},
        CrossCase{"row_length", [](json& j) { fc1(j)["weights"][0] = {1, 1}; }, "weights[0]: found 2 entries, expected 3 entries", "exactly `out` rows of exactly `in` entries"},
        CrossCase{"weight_range", [](json& j) { fc1(j)["weights"][1][2] = 8; }, "layer 'fc1': weight[1][2]: found 8, expected a 4-bit signed integer (-8..7)", "every weight fits `weight_bits`"},
        CrossCase{"weights_file_missing", [](json& j) { fc1(j).erase("weights"); fc1(j)["weights_file"] = "missing.bin"; }, "(cannot open)", "`weights_file`, relative to the folder of the network file"},
        CrossCase{"weights_file_size", [](json& j) { fc1(j).erase("weights"); fc1(j)["weights_file"] = "short.bin"; }, "weights_file: found a file of a different size, expected 6 bytes", "holds exactly out * in little-endian"},
        CrossCase{"weights_file_value", [](json& j) { fc1(j).erase("weights"); fc1(j)["weights_file"] = "wide.bin"; }, "weight[0][0]: found 100, expected a 4-bit signed integer", "every weight fits `weight_bits`"},
        CrossCase{"bias_count", [](json& j) { fc1(j)["bias"] = {1}; }, "bias: found 1 entries, expected 2 entries", "`bias` has exactly `out` entries"},
        CrossCase{"bias_range", [](json& j) { fc1(j)["bias"] = {128, 0}; }, "bias[0]: found 128, expected a v_bits signed integer (-128..127)", "`bias` has exactly `out` entries, each fitting `neuron.v_bits` signed"},
        CrossCase{"threshold_v_bits", [](json& j) { nrn(j)["threshold"] = 128; }, "neuron.threshold: found 128, expected an integer in 1..127", "threshold is at most 2^(v_bits-1)-1"},
        CrossCase{"v_reset_v_bits", [](json& j) { nrn(j)["v_reset"] = -129; }, "neuron.v_reset: found -129", "v_reset fits v_bits"},
        CrossCase{"shift_v_bits", [](json& j) { nrn(j)["leak"]["shift"] = 9; }, "neuron.leak.shift: found 9, expected an integer in 0..8", "leak.shift is at most v_bits"},
        CrossCase{"beta_frac", [](json& j) { nrn(j)["leak"] = {{"kind", "mult"}, {"beta", 9}, {"frac", 3}}; }, "neuron.leak.beta: found 9, expected an integer in 0..8", "leak.beta at most 2^leak.frac"},
        CrossCase{"lambda_v_bits", [](json& j) { nrn(j)["leak"] = {{"kind", "sub"}, {"lambda", 128}}; }, "neuron.leak.lambda: found 128, expected an integer in 0..127", "leak.lambda at most 2^(v_bits-1)-1"},
        CrossCase{"parallel_out", [](json& j) { fc1(j)["hardware"]["parallel"] = 3; }, "hardware.parallel: found 3, expected \"auto\" or 1..2", "hardware.parallel is at most the layer's `out`"},
        CrossCase{"duplicate_names", [](json& j) { j["layers"][1]["name"] = "fc1"; }, "layer 'fc1': name: found a duplicate of layers[0]", "layer names are unique"},
        CrossCase{"weight_bits_1_if", [](json& j) { fc1(j)["weight_bits"] = 1; }, "weight_bits: found 1, expected an integer in 2..16", "weight_bits 1 only with model akida"},
        CrossCase{"akida_weight_bits_8", [](json& j) { make_akida(j); fc1(j)["weight_bits"] = 8; }, "weight_bits: found 8, expected 1, 2 or 4 for model \"akida\"", "an akida layer has weight_bits 1, 2 or 4 (8 with neuron.input_layer)"},
        CrossCase{"akida_weight_asymmetric", [](json& j) { make_akida(j); fc1(j)["weights"][1][2] = -8; }, "weight[1][2]: found -8, expected a 4-bit symmetric akida weight (-7..7)", "symmetric weights |w| <= 2^(weight_bits-1)-1"},
        CrossCase{"akida2_weight_bits_2", [](json& j) { make_akida2(j); j["layers"][1]["weight_bits"] = 2; j["layers"][1]["weights"] = {{1, -1}, {0, 0}}; }, "weight_bits: found 2, expected 4 or 8 for model \"akida2\"", "an akida2 layer weight_bits 4 or 8"},
        CrossCase{"akida_threshold_count", [](json& j) { make_akida(j); nrn(j)["threshold"] = {1}; }, "neuron.threshold: found 1 entries, expected 2 entries", "akida threshold, akida2 output_scale and bias have exactly `out` entries"},
        CrossCase{"akida2_scale_count", [](json& j) { make_akida2(j); nrn(j)["output_scale"] = {1, 2, 3}; }, "neuron.output_scale: found 3 entries, expected 2 entries", "akida threshold, akida2 output_scale and bias have exactly `out` entries"},
        CrossCase{"akida_threshold_21_bits", [](json& j) { make_akida(j); nrn(j)["threshold"] = {524288, 0}; }, "neuron.threshold[0]: found 524288, expected a signed 20-bit threshold", "an akida threshold fits signed 20 bits (24 with input_layer)"},
        CrossCase{"akida_step_too_big", [](json& j) { make_akida(j); nrn(j)["act_step"] = {{"mantissa", 1}, {"frac_bits", -19}}; }, "neuron.act_step: found 1 / 2^-19, expected 0 < act_step < 2^19", "0 < act_step < 2^19 (2^23 with input_layer)"},
        CrossCase{"akida_mixed_with_if", [](json& j) { make_akida(j); j["layers"][1]["neuron"] = {{"model", "if"}, {"threshold", 1}, {"v_bits", 8}}; }, "layer 'out': neuron.model: found \"if\" after \"akida\" layers", "a network uses akida (or akida2) in every layer or in none"},
        CrossCase{"akida_mixed_with_akida2", [](json& j) { make_akida(j); j["layers"][1]["neuron"] = {{"model", "akida2"}, {"output_scale", {1, 1}}, {"output_bits", 4}}; j["layers"][1]["weight_bits"] = 4; }, "neuron.model: found \"akida2\" after \"akida\" layers", "a network uses akida (or akida2) in every layer or in none"},
        CrossCase{"akida_input_layer_second", [](json& j) { make_akida(j); out_nrn(j)["input_layer"] = true; }, "layer 'out': neuron.input_layer: found true on layer 1", "only its first layer has input_layer true"},
        CrossCase{"akida_input_8_bits", [](json& j) { make_akida(j); j["input"]["payload_bits"] = 8; }, "input.payload_bits: found 8 unsigned, expected unsigned 1, 2 or 4 bits", "the input payload of an akida network is unsigned 1, 2 or 4 bits (8 with input_layer)"},
        CrossCase{"akida2_input_2_bits", [](json& j) { make_akida2(j); j["input"]["payload_bits"] = 2; }, "input.payload_bits: found 2, expected 4 or 8", "of an akida2 network 4 or 8 bits"},
        CrossCase{"akida_layer_bias", [](json& j) { make_akida(j); fc1(j)["bias"] = {1, 2}; }, "bias: found a layer bias with model \"akida\"", "akida and akida2 layers have no layer `bias`"}),
    [](const ::testing::TestParamInfo<CrossCase>& i) { return std::string(i.param.name); });

// What a generic JSON Schema validator and the loader decide differently, as
// docs/network-format.md states it. If the loader changes, update the docs.
TEST(KnownDifferences, AsDocumented) {
  Scratch scratch;
  const Validator& schema = schema_for("spikeforge-network");
  struct Diff {
    const char* name;
    Edit edit;
    bool schema_ok, loader_ok;
  };
  const std::vector<Diff> diffs = {
      {"version_1.0", [](json& j) { j["version"] = 1.0; }, true, false},
      {"timesteps_2.0", [](json& j) { j["timesteps"] = 2.0; }, true, false},
  };
  for (const Diff& d : diffs) {
    SCOPED_TRACE(d.name);
    const json doc = edited(d.edit);
    const fs::path path = scratch.write("net.json", doc);
    EXPECT_EQ(schema.validate(doc).empty(), d.schema_ok) << text_of(schema.validate(doc));
    EXPECT_EQ(loader_error("spikeforge-network", path).empty(), d.loader_ok) << loader_error("spikeforge-network", path);
  }
}

// save_network writes what the schema describes.
TEST(SavedNetworks, ValidateAgainstTheSchema) {
  Scratch scratch;
  const std::vector<Edit> variants = {
      [](json&) {},
      [](json& j) { nrn(j)["leak"] = {{"kind", "mult"}, {"beta", 5}, {"frac", 3}}; },
      [](json& j) { nrn(j)["leak"] = {{"kind", "sub"}, {"lambda", 3}}; nrn(j)["reset"] = "subtract_deferred"; nrn(j).erase("v_reset"); },
      [](json& j) { j["input"] = {{"size", 3}, {"payload_bits", 5}, {"payload_signed", true}}; j["output"]["decoding"] = "first_spike"; },
      [](json& j) { make_akida(j); },
      [](json& j) { make_akida2(j); },
      [](json& j) { make_akida2(j); nrn(j).erase("max_value"); nrn(j).erase("max_value_shift"); nrn(j).erase("bias"); },
  };
  for (size_t k = 0; k < variants.size(); ++k) {
    SCOPED_TRACE("variant " + std::to_string(k));
    const fs::path in = scratch.write("in.json", edited(variants[k]));
    const sf::Network net = sf::load_network(in.string());
    const fs::path out = scratch.path("saved.json");
    sf::save_network(net, out.string());
    const json saved = read_json(out);
    EXPECT_TRUE(schema_for("spikeforge-network").validate(saved).empty())
        << text_of(schema_for("spikeforge-network").validate(saved));
    EXPECT_EQ(loader_error("spikeforge-network", out), "");
  }
}

// ---------------------------------------------------------------------------
// Rasters and traces.

struct FileCase {
  const char* name;
  const char* format;
  const char* text;
  const char* schema_at;    // "-": the schema accepts it (a cross-field check)
  const char* loader_says;  // "": the loader accepts it
};
void PrintTo(const FileCase& c, std::ostream* os) { print_case(c, os); }

class OtherFormats : public ::testing::TestWithParam<FileCase> {};

TEST_P(OtherFormats, SchemaAndLoaderAgree) {
  const FileCase& c = GetParam();
  Scratch scratch;
  const json doc = json::parse(c.text);
  const fs::path path = scratch.write("doc.json", doc);
  const std::vector<Problem> problems = schema_for(c.format).validate(doc);
  if (std::string(c.schema_at) == "-") EXPECT_TRUE(problems.empty()) << text_of(problems);
  else
    EXPECT_TRUE(reports_at(problems, c.schema_at))
        << "expected a schema problem at " << c.schema_at << ", got:\n" << text_of(problems);
  const std::string err = loader_error(c.format, path);
  if (std::string(c.loader_says).empty()) EXPECT_EQ(err, "");
  else EXPECT_NE(err.find(c.loader_says), std::string::npos) << "loader: \"" << err << "\"";
}

#define RASTER "\"format\": \"spikeforge-raster\", \"version\": 1"
#define TRACE "\"format\": \"spikeforge-trace\", \"version\": 1, \"network\": \"n\", \"semantics\": \"if\""

INSTANTIATE_TEST_SUITE_P(
    Cases, OtherFormats,
    ::testing::Values(
        // rasters: valid
        FileCase{"raster_single", "spikeforge-raster", "{" RASTER ", \"timesteps\": 3, \"size\": 4, \"label\": 2, \"events\": [[2, 3], [0, 1, -5], [0, 0]]}", "-", ""},
        FileCase{"raster_batch", "spikeforge-raster", "{" RASTER ", \"samples\": [{\"timesteps\": 1, \"size\": 2, \"events\": []}, {\"timesteps\": 2, \"size\": 2, \"events\": [[1, 1]], \"label\": 0}]}", "-", ""},
        // rasters: structurally bad
        FileCase{"raster_unknown", "spikeforge-raster", "{" RASTER ", \"timesteps\": 1, \"size\": 2, \"events\": [], \"rate\": 1}", "", "rate: found an unknown field"},
        FileCase{"raster_batch_and_single", "spikeforge-raster", "{" RASTER ", \"timesteps\": 1, \"samples\": [{\"timesteps\": 1, \"size\": 2, \"events\": []}]}", "", "timesteps: found an unknown field"},
        FileCase{"raster_no_samples", "spikeforge-raster", "{" RASTER ", \"samples\": []}", "", "samples: found [], expected a non-empty array"},
        FileCase{"raster_sample_unknown", "spikeforge-raster", "{" RASTER ", \"samples\": [{\"timesteps\": 1, \"size\": 2, \"events\": [], \"x\": 0}]}", "", "samples[0]: x: found an unknown field"},
        FileCase{"raster_no_events", "spikeforge-raster", "{" RASTER ", \"timesteps\": 1, \"size\": 2}", "", "events: found nothing (missing)"},
        FileCase{"raster_no_size", "spikeforge-raster", "{" RASTER ", \"timesteps\": 1, \"events\": []}", "", "size: found nothing (missing)"},
        FileCase{"raster_event_long", "spikeforge-raster", "{" RASTER ", \"timesteps\": 1, \"size\": 2, \"events\": [[0, 1, 1, 1]]}", "", "events[0]: found [0,1,1,1]"},
        FileCase{"raster_event_short", "spikeforge-raster", "{" RASTER ", \"timesteps\": 1, \"size\": 2, \"events\": [[0]]}", "", "events[0]: found [0]"},
        FileCase{"raster_t_string", "spikeforge-raster", "{" RASTER ", \"timesteps\": 1, \"size\": 2, \"events\": [[\"0\", 1]]}", "", "events[0].t: found \"0\""},
        FileCase{"raster_t_negative", "spikeforge-raster", "{" RASTER ", \"timesteps\": 1, \"size\": 2, \"events\": [[-1, 1]]}", "", "events[0].t: found -1"},
        FileCase{"raster_p_float", "spikeforge-raster", "{" RASTER ", \"timesteps\": 1, \"size\": 2, \"events\": [[0, 1, 0.5]]}", "", "events[0].p: found 0.5"},
        FileCase{"raster_label_negative", "spikeforge-raster", "{" RASTER ", \"timesteps\": 1, \"size\": 2, \"events\": [], \"label\": -1}", "", "label: found -1"},
        FileCase{"raster_timesteps_0", "spikeforge-raster", "{" RASTER ", \"timesteps\": 0, \"size\": 2, \"events\": []}", "", "timesteps: found 0"},
        FileCase{"raster_version_2", "spikeforge-raster", "{\"format\": \"spikeforge-raster\", \"version\": 2, \"timesteps\": 1, \"size\": 2, \"events\": []}", "", "version: found 2"},
        // rasters: cross-field, loader only
        FileCase{"raster_t_range", "spikeforge-raster", "{" RASTER ", \"timesteps\": 2, \"size\": 2, \"events\": [[2, 0]]}", "-", "events[0].t: found 2, expected an integer in 0..1"},
        FileCase{"raster_i_range", "spikeforge-raster", "{" RASTER ", \"timesteps\": 2, \"size\": 2, \"events\": [[0, 2]]}", "-", "events[0].i: found 2, expected an integer in 0..1"},
        FileCase{"raster_duplicate", "spikeforge-raster", "{" RASTER ", \"timesteps\": 2, \"size\": 2, \"events\": [[1, 0], [0, 1], [1, 0, 3]]}", "-", "two events for t=1, i=0"},
        // traces: valid
        FileCase{"trace_golden", "spikeforge-trace", "{" TRACE ", \"timesteps\": 2, \"layers\": [{\"name\": \"fc1\", \"spikes\": [[0, 1], [1, 0, 3]], \"state\": {\"v\": [[0, -4], [2, 0]], \"u\": [[1, 1], [0, 0]]}}]}", "-", ""},
        FileCase{"trace_sim", "spikeforge-trace", "{" TRACE ", \"timesteps\": 1, \"layers\": [{\"name\": \"fc1\", \"spikes\": []}], \"cycles\": [12]}", "-", ""},
        // traces: structurally bad
        FileCase{"trace_unknown", "spikeforge-trace", "{" TRACE ", \"timesteps\": 1, \"layers\": [], \"x\": 1}", "/x", "x: found an unknown field"},
        FileCase{"trace_no_semantics", "spikeforge-trace", "{\"format\": \"spikeforge-trace\", \"version\": 1, \"network\": \"n\", \"timesteps\": 1, \"layers\": []}", "/semantics", "semantics: found nothing (missing)"},
        FileCase{"trace_layers_object", "spikeforge-trace", "{" TRACE ", \"timesteps\": 1, \"layers\": {}}", "/layers", "layers: found {}, expected an array"},
        FileCase{"trace_layer_unknown", "spikeforge-trace", "{" TRACE ", \"timesteps\": 1, \"layers\": [{\"name\": \"a\", \"spikes\": [], \"u\": 1}]}", "/layers/0/u", "layers[0]: u: found an unknown field"},
        FileCase{"trace_no_spikes", "spikeforge-trace", "{" TRACE ", \"timesteps\": 1, \"layers\": [{\"name\": \"a\"}]}", "/layers/0/spikes", "spikes: found nothing (missing)"},
        FileCase{"trace_spike_long", "spikeforge-trace", "{" TRACE ", \"timesteps\": 1, \"layers\": [{\"name\": \"a\", \"spikes\": [[0, 1, 1, 1]]}]}", "/layers/0/spikes/0", "spikes[0]: found [0,1,1,1]"},
        FileCase{"trace_spike_t_string", "spikeforge-trace", "{" TRACE ", \"timesteps\": 1, \"layers\": [{\"name\": \"a\", \"spikes\": [[\"0\", 1]]}]}", "/layers/0/spikes/0/0", "spikes[0].t: found \"0\""},
        FileCase{"trace_state_array", "spikeforge-trace", "{" TRACE ", \"timesteps\": 1, \"layers\": [{\"name\": \"a\", \"spikes\": [], \"state\": []}]}", "/layers/0/state", "state: found [], expected an object"},
        FileCase{"trace_state_strings", "spikeforge-trace", "{" TRACE ", \"timesteps\": 1, \"layers\": [{\"name\": \"a\", \"spikes\": [], \"state\": {\"v\": [[\"1\"]]}}]}", "/layers/0/state/v", "state.v[0][0]: found"},
        FileCase{"trace_cycles_string", "spikeforge-trace", "{" TRACE ", \"timesteps\": 1, \"layers\": [], \"cycles\": \"12\"}", "/cycles", "cycles: found \"12\""},
        FileCase{"trace_timesteps_negative", "spikeforge-trace", "{" TRACE ", \"timesteps\": -1, \"layers\": []}", "/timesteps", "timesteps: found -1"},
        // traces: cross-field, loader only
        FileCase{"trace_spike_t_range", "spikeforge-trace", "{" TRACE ", \"timesteps\": 1, \"layers\": [{\"name\": \"a\", \"spikes\": [[1, 0]]}]}", "-", "spikes[0].t: found 1, expected an integer in 0..0"}),
    [](const ::testing::TestParamInfo<FileCase>& i) { return std::string(i.param.name); });

// Where load_trace is laxer than the trace schema (the schema's description
// says so): non-integer state values and cycles are truncated, negative cycles
// wrap. If the loader is tightened, move these to OtherFormats.
TEST(TraceLoader, AsStrictAsTheSchema) {
  Scratch scratch;
  for (const char* text :
       {"{" TRACE ", \"timesteps\": 1, \"layers\": [{\"name\": \"a\", \"spikes\": [], \"state\": {\"v\": [[1.5]]}}]}",
        "{" TRACE ", \"timesteps\": 1, \"layers\": [], \"cycles\": [-1]}",
        "{" TRACE ", \"timesteps\": 1, \"layers\": [], \"cycles\": [2.5]}"}) {
    SCOPED_TRACE(text);
    const json doc = json::parse(text);
    EXPECT_FALSE(schema_for("spikeforge-trace").validate(doc).empty());
    EXPECT_NE(loader_error("spikeforge-trace", scratch.write("t.json", doc)), "");
  }
}

}  // namespace
