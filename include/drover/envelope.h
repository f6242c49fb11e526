// Frames and envelopes: how a Message travels (DESIGN.md "Wire protocol").
// A frame is a 4-byte big-endian length and a serialized Envelope; the
// Envelope holds the protocol version, a credential and the payload bytes.
#pragma once
#include <cstdint>
#include <functional>
#include <string>
#include <string_view>

#include "drover.pb.h"
#include "drover/credential.h"
#include "drover/result.h"

namespace drover {

// 2: payload digests are BLAKE2b-256 (1 used SHA-256); a peer of the other
// version is told so instead of failing on a bad MAC.
inline constexpr uint32_t kProtocolVersion = 2;
inline constexpr size_t kFrameHeaderBytes = 4;

// Prefixes a body with its length.
std::string frame(std::string_view body);

// Reads a frame header; refuses a zero or over-limit length before anything
// is allocated for the body.
Result<uint32_t> frame_length(const unsigned char* header, uint32_t max_frame_bytes);

// Makes the credential for a payload digest: minted from the key, or asked
// of the local daemon by a CLI that cannot read the key.
using Signer = std::function<Result<pb::Credential>(std::string_view digest)>;

// Serializes a message into an envelope body (not yet framed).
Result<std::string> seal(const pb::Message& message, const Signer& signer);
// The same for a message already serialized (a large listing encoded in place).
Result<std::string> seal_payload(std::string payload, const Signer& signer);
// seal_payload and frame in one buffer: the payload is copied once, not
// three times (a listing of 100,000 jobs is megabytes). Byte for byte
// frame(*seal_payload(payload, signer)).
Result<std::string> seal_framed(std::string_view payload, const Signer& signer);

// An envelope read without copying its payload: `payload` points into the
// body it was read from. Fields as protobuf parses them (unknown fields
// skipped, the last scalar wins, repeated credentials merge).
struct EnvelopeView {
  uint32_t version = 0;
  bool has_cred = false;
  pb::Credential cred;
  std::string_view payload;
};
Result<EnvelopeView> read_envelope(std::string_view body);

struct Opened {
  pb::Credential cred;
  pb::Message message;
  // Set (with clock_tolerant) when the MAC is good but the sender's clock
  // is off: the message is genuine but must not be acted on, only used to
  // tell the sender what is wrong.
  std::string clock_error;
};

// What a receiver checks an envelope against.
struct Verifier {
  const ClusterKey* key;
  uint32_t max_skew_s;
  ReplayCache* replays;      // may be null (a client checking replies)
  bool clock_tolerant = false;
};

// Parses and authenticates an envelope body: version, credential, payload.
Result<Opened> open_envelope(std::string_view body, const Verifier& verifier, int64_t now_s);

}  // namespace drover
