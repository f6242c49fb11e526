// The stream between srun and the supervisors of its step's tasks: each
// node's supervisor connects to srun, proves it was sent by the controller
// (the step's I/O key), then sends the tasks' output and exit statuses;
// srun sends stdin and signals back. Frames: type (1 byte), task rank
// (4 bytes, big-endian), length (4 bytes, big-endian), payload. Pure.
#pragma once
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "drover/result.h"

namespace drover {

enum class IoType : uint8_t {
  kHello = 1,     // supervisor -> srun: key (32 bytes) and node index (4 bytes)
  kStdout = 2,
  kStderr = 3,
  kExit = 4,      // exit status and terminating signal (4 bytes each)
  kStdin = 5,     // srun -> supervisor
  kStdinEof = 6,
  kSignal = 7,    // srun -> supervisor: signal number (4 bytes)
};

struct IoFrame {
  IoType type;
  uint32_t task = 0;
  std::string data;
};

inline constexpr size_t kIoHeaderBytes = 9;
inline constexpr size_t kIoMaxPayload = 1 << 20;
inline constexpr size_t kIoKeyBytes = 32;

std::string encode_io_frame(IoType type, uint32_t task, std::string_view payload);
std::string encode_u32(uint32_t value);
uint32_t decode_u32(std::string_view bytes);  // the first 4 bytes

// Splits a byte stream into frames; a frame with an unknown type or an
// oversized length is an error (the peer is not who it claims to be).
class IoDecoder {
 public:
  void feed(std::string_view bytes) { buffer_.append(bytes); }
  // The next complete frame, nothing if more bytes are needed, or an error.
  Result<std::optional<IoFrame>> next();

 private:
  std::string buffer_;
};

}  // namespace drover
