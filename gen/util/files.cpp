#include "util/files.h"

#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <random>
#include <sstream>

#include "ir/error.h"

namespace fs = std::filesystem;

namespace sf {

namespace {
std::string unique_suffix() {
  static std::mt19937_64 rng(std::random_device{}() ^ static_cast<uint64_t>(getpid()));
  std::ostringstream s;
  s << ".tmp." << getpid() << "." << std::hex << (rng() & 0xffffff);
  return s.str();
}
}  // namespace

StagedFile::StagedFile(std::string final_path) : final_(std::move(final_path)), tmp_(final_ + unique_suffix()) {}

StagedFile::~StagedFile() {
  if (!committed_) {
    std::error_code ec;
    fs::remove(tmp_, ec);
  }
}

void StagedFile::commit() {
  std::error_code ec;
  fs::rename(tmp_, final_, ec);
  if (ec) throw InputError(final_ + ": cannot write file");
  committed_ = true;
}

void write_file_atomic(const std::string& path, const std::string& text) {
  StagedFile staged(path);
  {
    std::ofstream out(staged.tmp_path(), std::ios::binary);
    if (!out) throw InputError(path + ": cannot write file");
    out << text;
    out.flush();
    if (!out) throw InputError(path + ": write failed");
  }
  staged.commit();
}

StagedDir::StagedDir(std::string final_dir) : final_(std::move(final_dir)) {
  fs::path f = fs::absolute(final_);
  std::error_code ec;
  fs::create_directories(f.parent_path(), ec);
  tmp_ = (f.parent_path() / ("." + f.filename().string() + unique_suffix())).string();
  if (!fs::create_directory(tmp_, ec) || ec)
    throw InputError(final_ + ": cannot create output directory");
}

StagedDir::~StagedDir() {
  if (!committed_) {
    std::error_code ec;
    fs::remove_all(tmp_, ec);
  }
}

void StagedDir::commit() {
  std::error_code ec;
  fs::create_directories(final_, ec);
  if (ec) throw InputError(final_ + ": cannot create output directory");
  for (const auto& entry : fs::directory_iterator(tmp_)) {
    fs::path dst = fs::path(final_) / entry.path().filename();
    if (fs::is_directory(dst) && !fs::is_symlink(dst)) fs::remove_all(dst, ec);
    fs::rename(entry.path(), dst, ec);
    if (ec) throw InputError(dst.string() + ": cannot move output into place");
  }
  fs::remove_all(tmp_, ec);
  committed_ = true;
}

std::string read_text_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw InputError(path + ": cannot open file");
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

std::string absolute_path(const std::string& path) { return fs::absolute(path).lexically_normal().string(); }

}  // namespace sf
