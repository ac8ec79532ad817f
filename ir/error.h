// Errors that map to the CLI's exit statuses (spec/formats.md).
#pragma once

#include <stdexcept>
#include <string>

namespace sf {

// Bad input or usage: exit status 2. The message names the file, the field or
// event, what was found and what was expected.
class InputError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

// A verification mismatch or failed check: exit status 1.
class CheckFailure : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

// An external tool failed or is missing: exit status 3.
class ToolError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

}  // namespace sf
