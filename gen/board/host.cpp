#include "board/host.h"

#include <fcntl.h>
#include <poll.h>
#include <termios.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <functional>

#include "ir/error.h"

namespace sf::board {

namespace {

speed_t baud_constant(int baud) {
  switch (baud) {
    case 9600: return B9600;
    case 19200: return B19200;
    case 38400: return B38400;
    case 57600: return B57600;
    case 115200: return B115200;
    case 230400: return B230400;
    case 460800: return B460800;
    case 500000: return B500000;
    case 576000: return B576000;
    case 921600: return B921600;
    case 1000000: return B1000000;
    case 1152000: return B1152000;
    case 1500000: return B1500000;
    case 2000000: return B2000000;
    case 2500000: return B2500000;
    case 3000000: return B3000000;
    case 3500000: return B3500000;
    case 4000000: return B4000000;
    default: break;
  }
  throw InputError("baud rate " + std::to_string(baud) +
                   " is not a standard serial speed (9600, 19200, ..., 115200, ..., 4000000)");
}

int ms_until(Deadline deadline) {
  auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - std::chrono::steady_clock::now());
  return left.count() < 0 ? 0 : static_cast<int>(std::min<long long>(left.count(), 1 << 30));
}

Deadline after(double seconds) {
  return std::chrono::steady_clock::now() +
         std::chrono::duration_cast<std::chrono::steady_clock::duration>(
             std::chrono::duration<double>(seconds));
}

std::string seconds_text(double s) {
  std::string t = std::to_string(s);
  t.erase(t.find_last_not_of('0') + 1);
  if (!t.empty() && t.back() == '.') t.pop_back();
  return t + " s";
}

// Reads from the link into the decoder until `done` holds for a record. With
// `strict`, a malformed byte from the board ends the run (CheckFailure).
void await(ByteLink& link, RecordDecoder& dec, double timeout_s, const std::string& what,
           bool strict, const std::function<bool(const BoardRecord&)>& done) {
  const Deadline deadline = after(timeout_s);
  uint8_t buf[256];
  for (;;) {
    if (strict && !dec.errors().empty())
      throw CheckFailure("malformed bytes from the board on " + link.name() + " while waiting for " +
                         what + ": " + dec.errors().front());
    for (BoardRecord r; dec.next(r);)
      if (done(r)) return;
    const size_t n = link.read(buf, sizeof buf, deadline);
    if (n == 0)
      throw ToolError("no answer from the board on " + link.name() + " within " +
                      seconds_text(timeout_s) + " while waiting for " + what +
                      " (is the bitstream loaded, and the baud rate right?)");
    dec.feed(buf, n);
  }
}

}  // namespace

SerialPort::SerialPort(const std::string& path, int baud) : path_(path) {
  const speed_t speed = baud_constant(baud);
  fd_ = ::open(path.c_str(), O_RDWR | O_NOCTTY | O_NONBLOCK | O_CLOEXEC);
  if (fd_ < 0) throw InputError(path + ": cannot open serial port: " + std::strerror(errno));
  termios tio{};
  if (tcgetattr(fd_, &tio) != 0) {
    const std::string why = std::strerror(errno);
    ::close(fd_);
    throw InputError(path + ": not a serial port: " + why);
  }
  cfmakeraw(&tio);
  tio.c_cflag |= CLOCAL | CREAD;
  tio.c_cflag &= ~(CSTOPB | PARENB | CRTSCTS);
  tio.c_iflag &= ~(IXON | IXOFF | IXANY);
  tio.c_cc[VMIN] = 0;
  tio.c_cc[VTIME] = 0;
  cfsetispeed(&tio, speed);
  cfsetospeed(&tio, speed);
  if (tcsetattr(fd_, TCSANOW, &tio) != 0) {
    const std::string why = std::strerror(errno);
    ::close(fd_);
    throw InputError(path + ": cannot set " + std::to_string(baud) + " baud 8N1: " + why);
  }
  tcflush(fd_, TCIOFLUSH);
}

SerialPort::~SerialPort() {
  if (fd_ >= 0) ::close(fd_);
}

void SerialPort::write(const std::vector<uint8_t>& bytes, Deadline deadline) {
  size_t done = 0;
  while (done < bytes.size()) {
    const ssize_t n = ::write(fd_, bytes.data() + done, bytes.size() - done);
    if (n > 0) {
      done += static_cast<size_t>(n);
      continue;
    }
    if (n < 0 && errno != EAGAIN && errno != EWOULDBLOCK && errno != EINTR)
      throw ToolError(path_ + ": write failed: " + std::strerror(errno));
    pollfd p{fd_, POLLOUT, 0};
    if (::poll(&p, 1, ms_until(deadline)) == 0)
      throw ToolError(path_ + ": the port took no more bytes before the timeout");
  }
}

size_t SerialPort::read(uint8_t* buf, size_t n, Deadline deadline) {
  for (;;) {
    const ssize_t got = ::read(fd_, buf, n);
    if (got > 0) return static_cast<size_t>(got);
    if (got < 0 && errno != EAGAIN && errno != EWOULDBLOCK && errno != EINTR)
      throw ToolError(path_ + ": read failed: " + std::strerror(errno));
    pollfd p{fd_, POLLIN, 0};
    const int wait = ms_until(deadline);
    if (wait == 0) return 0;
    if (::poll(&p, 1, wait) == 0) return 0;
    // A hang-up with nothing left to read would spin; treat it as silence.
    if ((p.revents & POLLHUP) && !(p.revents & POLLIN)) {
      if (ms_until(deadline) == 0) return 0;
      ::usleep(1000);
    }
  }
}

std::vector<std::vector<int>> run_on_link(ByteLink& link, const Raster& raster,
                                          const TopInterface& top, double timeout_s,
                                          const std::vector<LoadWord>& load) {
  check_interface(top);
  const std::vector<std::vector<uint8_t>> steps = encode_raster(raster, top);
  RecordDecoder dec(top);

  // A NOP header first ends any record a previous session left half sent.
  link.write(encode_command(RecordType::Nop), after(timeout_s));
  // Weights, a few thousand records per write: nothing comes back for them.
  std::vector<uint8_t> chunk;
  for (size_t i = 0; i < load.size(); ++i) {
    std::vector<uint8_t> rec = encode_load(top, load[i].addr, load[i].data);
    chunk.insert(chunk.end(), rec.begin(), rec.end());
    if (chunk.size() >= 16384 || i + 1 == load.size()) {
      link.write(chunk, after(timeout_s + static_cast<double>(chunk.size()) / 1000.0));
      chunk.clear();
    }
  }
  link.write(encode_command(RecordType::Reset), after(timeout_s));
  await(link, dec, timeout_s, "the RESET answer", false,
        [](const BoardRecord& r) { return r.type == RecordType::Reset; });
  dec.clear_errors();  // whatever came before the reset is history

  link.write(encode_command(RecordType::Info), after(timeout_s));
  InfoReply info;
  await(link, dec, timeout_s, "the INFO answer", true, [&](const BoardRecord& r) {
    if (r.type == RecordType::Error)
      throw CheckFailure("board reported an error after reset: " + describe(r.error));
    if (r.type != RecordType::Info) return false;
    info = r.info;
    return true;
  });
  if (info.version != kProtocolVersion || info.in_idx_w != top.in_idx_w ||
      info.in_pay_w != top.in_pay_w || info.out_idx_w != top.out_idx_w || info.ld_addr_w != top.ld_addr_w ||
      info.ld_data_w != top.ld_data_w)
    throw CheckFailure("the board on " + link.name() + " speaks protocol " +
                       std::to_string(info.version) + " with ports " +
                       std::to_string(info.in_idx_w) + "/" + std::to_string(info.in_pay_w) + "/" +
                       std::to_string(info.out_idx_w) + "/" + std::to_string(info.ld_addr_w) + "/" +
                       std::to_string(info.ld_data_w) +
                       " (input index/payload/output index/load address/load data bits); " +
                       "this network needs protocol " + std::to_string(kProtocolVersion) +
                       " with " + std::to_string(top.in_idx_w) + "/" + std::to_string(top.in_pay_w) +
                       "/" + std::to_string(top.out_idx_w) + "/" + std::to_string(top.ld_addr_w) + "/" +
                       std::to_string(top.ld_data_w) + ": load the bitstream built for it");

  StepCollector collector;
  for (size_t t = 0; t < steps.size(); ++t) {
    link.write(steps[t], after(timeout_s));
    await(link, dec, timeout_s, "the end of timestep " + std::to_string(t), true,
          [&](const BoardRecord& r) { return collector.add(r); });
  }
  return std::move(collector.steps());
}

std::vector<std::vector<int>> run_on_board(const std::string& port, int baud, const Raster& raster,
                                           const TopInterface& top, double timeout_s,
                                           const std::vector<LoadWord>& load) {
  SerialPort link(port, baud);
  return run_on_link(link, raster, top, timeout_s, load);
}

}  // namespace sf::board
