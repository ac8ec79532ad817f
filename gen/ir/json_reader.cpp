#include "ir/json_reader.h"

#include <fstream>
#include <sstream>

#include "ir/error.h"

namespace sf {

json read_json_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw InputError(path + ": cannot open file");
  // No file of ours nests deeper than a few levels; a pathological one (a
  // hundred thousand '[') would otherwise overflow the stack of whatever walks
  // it recursively (an error message's dump, a comparison), so it stops here.
  const json::parser_callback_t limit_depth = [&path](int depth, json::parse_event_t, json&) {
    if (depth > kMaxJsonDepth)
      throw InputError(path + ": JSON: found arrays or objects nested deeper than " + std::to_string(kMaxJsonDepth) +
                       " levels, expected at most " + std::to_string(kMaxJsonDepth));
    return true;
  };
  try {
    return json::parse(in, limit_depth);
  } catch (const json::parse_error& e) {
    throw InputError(path + ": not valid JSON: " + e.what());
  } catch (const json::out_of_range& e) {  // a number beyond a double (1e400, 400 digits)
    throw InputError(path + ": JSON: found a number beyond a double's range (" + e.what() +
                     "), expected numbers within +-1.8e308");
  }
}

int64_t signed_min(int bits) { return bits >= 64 ? INT64_MIN : -(int64_t{1} << (bits - 1)); }
int64_t signed_max(int bits) { return bits >= 64 ? INT64_MAX : (int64_t{1} << (bits - 1)) - 1; }
std::string signed_range_text(int bits) {
  return std::to_string(signed_min(bits)) + ".." + std::to_string(signed_max(bits));
}

std::string describe(const json& v) {
  std::string s = v.dump();
  if (s.size() > 40) s = s.substr(0, 37) + "...";
  return s;
}

void JsonCtx::fail(const std::string& field, const std::string& found,
                   const std::string& expected) const {
  std::string msg = file_ + ": ";
  if (!where_.empty()) msg += where_ + ": ";
  msg += field + ": found " + found + ", expected " + expected;
  throw InputError(msg);
}

void JsonCtx::fail(const std::string& message) const {
  std::string msg = file_ + ": ";
  if (!where_.empty()) msg += where_ + ": ";
  throw InputError(msg + message);
}

void JsonCtx::check_object(const json& obj, const std::string& field,
                           std::initializer_list<const char*> allowed) const {
  check_object(obj, field, std::vector<const char*>(allowed.begin(), allowed.end()));
}

void JsonCtx::check_object(const json& obj, const std::string& field, const std::vector<const char*>& allowed) const {
  if (!obj.is_object()) fail(field.empty() ? "document" : field, describe(obj), "an object");
  for (auto it = obj.begin(); it != obj.end(); ++it) {
    bool known = false;
    for (const char* a : allowed) known = known || it.key() == a;
    if (!known) {
      std::string list;
      for (const char* a : allowed) list += (list.empty() ? "" : ", ") + std::string(a);
      fail((field.empty() ? "" : field + ".") + it.key(), "an unknown field",
           "one of: " + list);
    }
  }
}

const json& JsonCtx::require(const json& obj, const std::string& key,
                             const std::string& prefix) const {
  auto it = obj.find(key);
  if (it == obj.end()) fail(prefix + key, "nothing (missing)", "a value");
  return *it;
}

int64_t JsonCtx::as_int(const json& v, const std::string& field, int64_t lo, int64_t hi,
                        const std::string& range_text) const {
  const std::string expected =
      range_text.empty() ? "an integer in " + std::to_string(lo) + ".." + std::to_string(hi) : range_text;
  if (!v.is_number_integer()) fail(field, describe(v), expected);
  int64_t x = 0;
  if (v.is_number_unsigned()) {
    uint64_t u = v.get<uint64_t>();
    if (u > static_cast<uint64_t>(INT64_MAX)) fail(field, describe(v), expected);
    x = static_cast<int64_t>(u);
  } else {
    x = v.get<int64_t>();
  }
  if (x < lo || x > hi) fail(field, std::to_string(x), expected);
  return x;
}

int64_t JsonCtx::get_int(const json& obj, const std::string& key, int64_t lo, int64_t hi,
                         const std::string& prefix) const {
  return as_int(require(obj, key, prefix), prefix + key, lo, hi);
}

int64_t JsonCtx::get_int_or(const json& obj, const std::string& key, int64_t lo, int64_t hi,
                            int64_t fallback, const std::string& prefix) const {
  if (!obj.contains(key)) return fallback;
  return as_int(obj.at(key), prefix + key, lo, hi);
}

std::string JsonCtx::get_string(const json& obj, const std::string& key,
                                const std::string& prefix) const {
  const json& v = require(obj, key, prefix);
  if (!v.is_string()) fail(prefix + key, describe(v), "a string");
  return v.get<std::string>();
}

std::string JsonCtx::get_enum(const json& obj, const std::string& key,
                              std::initializer_list<const char*> choices, const char* fallback,
                              const std::string& prefix) const {
  return get_enum(obj, key, std::vector<std::string>(choices.begin(), choices.end()), fallback, prefix);
}

std::string JsonCtx::get_enum(const json& obj, const std::string& key, const std::vector<std::string>& choices,
                              const char* fallback, const std::string& prefix) const {
  std::string list;
  for (const std::string& c : choices) list += (list.empty() ? "" : " | ") + std::string("\"") + c + "\"";
  if (!obj.contains(key)) {
    if (fallback) return fallback;
    fail(prefix + key, "nothing (missing)", list);
  }
  const json& v = obj.at(key);
  if (v.is_string()) {
    for (const std::string& c : choices)
      if (v.get<std::string>() == c) return c;
  }
  fail(prefix + key, describe(v), list);
}

bool JsonCtx::get_bool_or(const json& obj, const std::string& key, bool fallback,
                          const std::string& prefix) const {
  if (!obj.contains(key)) return fallback;
  const json& v = obj.at(key);
  if (!v.is_boolean()) fail(prefix + key, describe(v), "true or false");
  return v.get<bool>();
}

}  // namespace sf
