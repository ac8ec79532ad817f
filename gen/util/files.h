// File output that never leaves half-written results behind.
#pragma once

#include <string>
#include <vector>

namespace sf {

// Writes `text` to `path` through a temporary file in the same directory and a
// rename, so readers see either the old file or the complete new one.
void write_file_atomic(const std::string& path, const std::string& text);

// One output file under construction: the caller writes tmp_path() (a
// temporary sibling of `final_path`), and commit() renames it into place. On
// destruction without commit() the temporary file is removed. For writers that
// take a path (save_network), and for several files that appear together:
// commit them last, after everything else succeeded.
class StagedFile {
 public:
  explicit StagedFile(std::string final_path);
  ~StagedFile();
  StagedFile(const StagedFile&) = delete;
  StagedFile& operator=(const StagedFile&) = delete;

  const std::string& tmp_path() const { return tmp_; }
  // InputError "<final_path>: cannot write file" when the rename fails.
  void commit();

 private:
  std::string final_;
  std::string tmp_;
  bool committed_ = false;
};

// An output directory under construction: files go to a temporary sibling
// directory which replaces `final_dir` on commit(); on destruction without
// commit() the temporary directory is removed. Existing files in final_dir that
// the run does not write are kept.
class StagedDir {
 public:
  explicit StagedDir(std::string final_dir);
  ~StagedDir();
  StagedDir(const StagedDir&) = delete;
  StagedDir& operator=(const StagedDir&) = delete;

  const std::string& path() const { return tmp_; }
  std::string file(const std::string& name) const { return tmp_ + "/" + name; }
  // Moves every staged file into final_dir (created if needed).
  void commit();

 private:
  std::string final_;
  std::string tmp_;
  bool committed_ = false;
};

std::string read_text_file(const std::string& path);
std::string absolute_path(const std::string& path);

}  // namespace sf
