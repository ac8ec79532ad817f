// Checked access to JSON documents: every failure names the file, the place in
// the document, what was found and what was expected (exit status 2).
#pragma once

#include <cstdint>
#include <initializer_list>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

namespace sf {

using json = nlohmann::json;

// Reads and parses a JSON file; InputError on a missing file, a syntax error,
// or arrays and objects nested deeper than kMaxJsonDepth levels.
constexpr int kMaxJsonDepth = 256;
json read_json_file(const std::string& path);

// A position in a document: "file: layer 'fc1': neuron.threshold".
class JsonCtx {
 public:
  JsonCtx(std::string file, std::string where) : file_(std::move(file)), where_(std::move(where)) {}

  JsonCtx sub(const std::string& where) const { return JsonCtx(file_, where); }
  [[noreturn]] void fail(const std::string& field, const std::string& found,
                         const std::string& expected) const;
  [[noreturn]] void fail(const std::string& message) const;

  // Object access. `obj` must be an object; `allowed` lists every known key,
  // anything else is rejected so that typos never pass silently.
  void check_object(const json& obj, const std::string& field,
                    std::initializer_list<const char*> allowed) const;
  void check_object(const json& obj, const std::string& field, const std::vector<const char*>& allowed) const;
  const json& require(const json& obj, const std::string& key, const std::string& prefix = "") const;

  int64_t get_int(const json& obj, const std::string& key, int64_t lo, int64_t hi,
                  const std::string& prefix = "") const;
  int64_t get_int_or(const json& obj, const std::string& key, int64_t lo, int64_t hi,
                     int64_t fallback, const std::string& prefix = "") const;
  std::string get_string(const json& obj, const std::string& key, const std::string& prefix = "") const;
  std::string get_enum(const json& obj, const std::string& key,
                       std::initializer_list<const char*> choices, const char* fallback,
                       const std::string& prefix = "") const;
  std::string get_enum(const json& obj, const std::string& key, const std::vector<std::string>& choices,
                       const char* fallback, const std::string& prefix = "") const;
  bool get_bool_or(const json& obj, const std::string& key, bool fallback,
                   const std::string& prefix = "") const;
  // An integer element of an array (value `v` at `field`), checked against [lo, hi].
  int64_t as_int(const json& v, const std::string& field, int64_t lo, int64_t hi,
                 const std::string& range_text = "") const;

  const std::string& file() const { return file_; }

 private:
  std::string file_;
  std::string where_;
};

// "-8..7" for a b-bit signed integer.
std::string signed_range_text(int bits);
int64_t signed_min(int bits);
int64_t signed_max(int bits);
// Short text of a JSON value for messages (truncated).
std::string describe(const json& v);

}  // namespace sf
