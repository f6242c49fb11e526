// Frame decoder: the header check, then the envelope a peer sent, as a
// daemon reads them off a socket. Must never crash; results are ignored,
// except that a credential accepted once must be refused as a replay.
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "drover.pb.h"
#include "drover/credential.h"
#include "drover/envelope.h"
#include "fuzz_common.h"

using namespace drover;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  static const ClusterKey key = ClusterKey::from_bytes(fuzz::key_bytes());
  if (size < kFrameHeaderBytes) return 0;
  Result<uint32_t> length = frame_length(data, fuzz::kMaxFrameBytes);
  std::string_view body(reinterpret_cast<const char*>(data) + kFrameHeaderBytes,
                        size - kFrameHeaderBytes);
  // A daemon reads exactly the announced length; when the header is bad or
  // promises more than there is, the rest still goes to the decoder.
  if (length && *length <= body.size()) body = body.substr(0, *length);

  ReplayCache replays;
  Verifier verifier{&key, fuzz::kMaxSkew, &replays};
  Result<Opened> opened = open_envelope(body, verifier, fuzz::kNow);
  if (opened && open_envelope(body, verifier, fuzz::kNow))
    fuzz::fail("a replayed envelope was accepted", std::string(body));

  // The payload parser behind the MAC, reached without a valid MAC.
  pb::Message message;
  (void)message.ParseFromArray(body.data(), static_cast<int>(body.size()));
  pb::Envelope envelope;
  if (envelope.ParseFromArray(body.data(), static_cast<int>(body.size())))
    (void)message.ParseFromString(envelope.payload());
  return 0;
}
