#include "drover/step_io.h"

namespace drover {

std::string encode_u32(uint32_t value) {
  std::string out(4, '\0');
  for (int i = 0; i < 4; ++i) out[i] = static_cast<char>((value >> (24 - 8 * i)) & 0xff);
  return out;
}

uint32_t decode_u32(std::string_view bytes) {
  uint32_t value = 0;
  for (int i = 0; i < 4; ++i) value = (value << 8) | static_cast<uint8_t>(bytes[i]);
  return value;
}

std::string encode_io_frame(IoType type, uint32_t task, std::string_view payload) {
  std::string frame;
  frame.reserve(kIoHeaderBytes + payload.size());
  frame += static_cast<char>(type);
  frame += encode_u32(task);
  frame += encode_u32(static_cast<uint32_t>(payload.size()));
  frame.append(payload);
  return frame;
}

Result<std::optional<IoFrame>> IoDecoder::next() {
  using Out = Result<std::optional<IoFrame>>;
  if (buffer_.size() < kIoHeaderBytes) return Out::ok(std::nullopt);
  auto type = static_cast<uint8_t>(buffer_[0]);
  if (type < static_cast<uint8_t>(IoType::kHello) || type > static_cast<uint8_t>(IoType::kSignal))
    return Out::fail("unknown I/O frame type " + std::to_string(type));
  uint32_t length = decode_u32(std::string_view(buffer_).substr(5));
  if (length > kIoMaxPayload) return Out::fail("I/O frame of " + std::to_string(length) + " bytes is too large");
  if (buffer_.size() < kIoHeaderBytes + length) return Out::ok(std::nullopt);
  IoFrame frame{static_cast<IoType>(type), decode_u32(std::string_view(buffer_).substr(1)),
                buffer_.substr(kIoHeaderBytes, length)};
  buffer_.erase(0, kIoHeaderBytes + length);
  return Out::ok(std::move(frame));
}

}  // namespace drover
