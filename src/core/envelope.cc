#include "drover/envelope.h"

#include <google/protobuf/io/coded_stream.h>
#include <google/protobuf/wire_format_lite.h>

namespace drover {
namespace {

using google::protobuf::internal::WireFormatLite;

// Envelope's field numbers (proto/drover.proto).
constexpr uint32_t kEnvelopeVersion = 1;
constexpr uint32_t kEnvelopeCred = 2;
constexpr uint32_t kEnvelopePayload = 3;

void put_varint(std::string& out, uint64_t v) {
  while (v >= 0x80) {
    out.push_back(static_cast<char>(v | 0x80));
    v >>= 7;
  }
  out.push_back(static_cast<char>(v));
}

void put_length_delimited(std::string& out, uint32_t field, std::string_view bytes) {
  put_varint(out, field << 3 | WireFormatLite::WIRETYPE_LENGTH_DELIMITED);
  put_varint(out, bytes.size());
  out.append(bytes);
}

}  // namespace

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

Result<std::string> seal_framed(std::string_view payload, const Signer& signer) {
  Result<pb::Credential> cred = signer(payload_digest(payload));
  if (!cred) return Result<std::string>::fail(cred.error());
  // The Envelope's encoding, fields in number order as protobuf writes them;
  // empty payloads are left out as proto3 leaves them out.
  std::string out(kFrameHeaderBytes, '\0');
  out.reserve(kFrameHeaderBytes + 64 + cred->ByteSizeLong() + payload.size());
  put_varint(out, kEnvelopeVersion << 3 | WireFormatLite::WIRETYPE_VARINT);
  put_varint(out, kProtocolVersion);
  put_length_delimited(out, kEnvelopeCred, cred->SerializeAsString());
  if (!payload.empty()) put_length_delimited(out, kEnvelopePayload, payload);
  auto n = static_cast<uint32_t>(out.size() - kFrameHeaderBytes);
  for (size_t i = 0; i < kFrameHeaderBytes; ++i) out[i] = static_cast<char>((n >> (24 - 8 * i)) & 0xFF);
  return Result<std::string>::ok(std::move(out));
}

Result<EnvelopeView> read_envelope(std::string_view body) {
  using R = Result<EnvelopeView>;
  const auto* data = reinterpret_cast<const uint8_t*>(body.data());
  if (body.size() > static_cast<size_t>(INT32_MAX)) return R::fail("malformed message: not a Drover envelope");
  google::protobuf::io::CodedInputStream in(data, static_cast<int>(body.size()));
  EnvelopeView view;
  for (;;) {
    // ReadTag gives 0 at the end, on a zero tag and on a cut varint alike;
    // only the first is a well-formed end.
    bool at_end = in.CurrentPosition() == static_cast<int>(body.size());
    uint32_t tag = in.ReadTag();
    if (tag == 0) {
      if (at_end) break;
      return R::fail("malformed message: not a Drover envelope");
    }
    uint32_t field = WireFormatLite::GetTagFieldNumber(tag);
    auto type = WireFormatLite::GetTagWireType(tag);
    bool ok = true;
    if (field == kEnvelopeVersion && type == WireFormatLite::WIRETYPE_VARINT) {
      uint64_t v;
      ok = in.ReadVarint64(&v);
      view.version = static_cast<uint32_t>(v);
    } else if ((field == kEnvelopeCred || field == kEnvelopePayload) &&
               type == WireFormatLite::WIRETYPE_LENGTH_DELIMITED) {
      uint32_t length;
      ok = in.ReadVarint32(&length) && length <= body.size() - static_cast<size_t>(in.CurrentPosition()) &&
           in.Skip(static_cast<int>(length));
      if (ok) {
        std::string_view bytes = body.substr(static_cast<size_t>(in.CurrentPosition()) - length, length);
        if (field == kEnvelopePayload) {
          view.payload = bytes;
        } else {
          // A repeated embedded message merges into the first, as protobuf does.
          ok = view.cred.MergeFromString(std::string(bytes));
          view.has_cred = true;
        }
      }
    } else {
      ok = WireFormatLite::SkipField(&in, tag);
    }
    if (!ok) return R::fail("malformed message: not a Drover envelope");
  }
  return R::ok(std::move(view));
}

Result<Opened> open_envelope(std::string_view body, const Verifier& verifier, int64_t now_s) {
  Result<EnvelopeView> read = read_envelope(body);
  if (!read) return Result<Opened>::fail(read.error());
  EnvelopeView& envelope = *read;
  if (envelope.version != kProtocolVersion)
    return Result<Opened>::fail("protocol version mismatch: peer speaks version " +
                                std::to_string(envelope.version) + ", this side speaks " +
                                std::to_string(kProtocolVersion));
  if (!envelope.has_cred) return Result<Opened>::fail("Invalid credential: missing");
  bool clock_failure = false;
  Status checked = verify_credential(*verifier.key, envelope.cred, payload_digest(envelope.payload), now_s,
                                     verifier.max_skew_s, verifier.replays, &clock_failure);
  Opened opened;
  if (!checked && !(clock_failure && verifier.clock_tolerant)) return Result<Opened>::fail(checked.error());
  if (!checked) opened.clock_error = checked.error();
  if (!opened.message.ParseFromArray(envelope.payload.data(), static_cast<int>(envelope.payload.size())))
    return Result<Opened>::fail("malformed message: payload does not parse");
  if (opened.message.kind_case() == pb::Message::KIND_NOT_SET)
    return Result<Opened>::fail("unknown message type");
  opened.cred = std::move(envelope.cred);
  return Result<Opened>::ok(std::move(opened));
}

}  // namespace drover
