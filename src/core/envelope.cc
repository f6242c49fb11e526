#include "drover/envelope.h"

namespace drover {

std::string frame(std::string_view body) {
  std::string out;
  out.reserve(kFrameHeaderBytes + body.size());
  uint32_t n = static_cast<uint32_t>(body.size());
  for (int shift = 24; shift >= 0; shift -= 8) out.push_back(static_cast<char>((n >> shift) & 0xFF));
  out.append(body);
  return out;
}

Result<uint32_t> frame_length(const unsigned char* header, uint32_t max_frame_bytes) {
  uint32_t n = (uint32_t{header[0]} << 24) | (uint32_t{header[1]} << 16) | (uint32_t{header[2]} << 8) |
               uint32_t{header[3]};
  if (n == 0) return Result<uint32_t>::fail("empty frame");
  if (n > max_frame_bytes)
    return Result<uint32_t>::fail("frame of " + std::to_string(n) + " bytes exceeds the limit of " +
                                  std::to_string(max_frame_bytes));
  return Result<uint32_t>::ok(n);
}

Result<std::string> seal(const pb::Message& message, const Signer& signer) {
  return seal_payload(message.SerializeAsString(), signer);
}

Result<std::string> seal_payload(std::string payload, const Signer& signer) {
  pb::Envelope envelope;
  envelope.set_version(kProtocolVersion);
  *envelope.mutable_payload() = std::move(payload);
  Result<pb::Credential> cred = signer(payload_digest(envelope.payload()));
  if (!cred) return Result<std::string>::fail(cred.error());
  *envelope.mutable_cred() = std::move(*cred);
  return Result<std::string>::ok(envelope.SerializeAsString());
}

Result<Opened> open_envelope(std::string_view body, const Verifier& verifier, int64_t now_s) {
  pb::Envelope envelope;
  if (!envelope.ParseFromArray(body.data(), static_cast<int>(body.size())))
    return Result<Opened>::fail("malformed message: not a Drover envelope");
  if (envelope.version() != kProtocolVersion)
    return Result<Opened>::fail("protocol version mismatch: peer speaks version " +
                                std::to_string(envelope.version()) + ", this side speaks " +
                                std::to_string(kProtocolVersion));
  if (!envelope.has_cred()) return Result<Opened>::fail("Invalid credential: missing");
  bool clock_failure = false;
  Status checked = verify_credential(*verifier.key, envelope.cred(), payload_digest(envelope.payload()),
                                     now_s, verifier.max_skew_s, verifier.replays, &clock_failure);
  Opened opened;
  if (!checked && !(clock_failure && verifier.clock_tolerant)) return Result<Opened>::fail(checked.error());
  if (!checked) opened.clock_error = checked.error();
  if (!opened.message.ParseFromString(envelope.payload()))
    return Result<Opened>::fail("malformed message: payload does not parse");
  if (opened.message.kind_case() == pb::Message::KIND_NOT_SET)
    return Result<Opened>::fail("unknown message type");
  opened.cred = envelope.cred();
  return Result<Opened>::ok(std::move(opened));
}

}  // namespace drover
