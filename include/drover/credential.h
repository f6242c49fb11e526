// Credentials: the MUNGE model folded into Drover's daemons (DESIGN.md
// "Wire protocol"). A credential names a uid/gid, an issue time, a TTL and
// a random nonce, and carries an HMAC-SHA256 over those and the digest
// (BLAKE2b-256) of the message payload, keyed by the cluster key. Pure apart
// from the key file.
#pragma once
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>

#include "drover.pb.h"
#include "drover/result.h"

namespace drover {

inline constexpr size_t kMinKeyBytes = 32;
inline constexpr size_t kPayloadDigestBytes = 32;

class ClusterKey {
 public:
  // Reads the key file; refuses a file shorter than 32 bytes, readable by
  // group or others, or (for daemons, which pass their uid) owned by
  // someone else, saying which.
  static Result<ClusterKey> load(const std::string& path, std::optional<uint32_t> required_owner = std::nullopt);
  static ClusterKey from_bytes(std::string bytes) { return ClusterKey(std::move(bytes)); }
  const std::string& bytes() const { return bytes_; }

 private:
  explicit ClusterKey(std::string bytes) : bytes_(std::move(bytes)) {}
  std::string bytes_;
};

// Writes a new random 64-byte key with mode 0400; refuses to overwrite.
Status write_new_key(const std::string& path);

// BLAKE2b-256 (unkeyed) of a message payload: what a credential binds to.
std::string payload_digest(std::string_view payload);

// Lets libsodium pick its fastest implementations (sodium_init). Its CPU
// probes cost ~30 us in a VM (cpuid traps to the hypervisor), as much as
// a CLI's whole credential work, and only BLAKE2b here has a faster
// variant to pick: daemons call this once at start, before their threads;
// CLIs leave it to payload_digest, which calls it for large payloads only.
// Nothing else needs it (randombytes_buf initialises itself).
void crypto_init();

pb::Credential mint_credential(const ClusterKey& key, uint32_t uid, uint32_t gid, int64_t now_s,
                               uint32_t ttl_s, std::string_view digest);

// Nonces seen within their credential's lifetime. Entries expire on their own.
class ReplayCache {
 public:
  // False if the nonce was already seen and has not expired.
  bool insert(const std::string& nonce, int64_t expires_s, int64_t now_s);
  size_t size() const { return seen_.size(); }

 private:
  void purge(int64_t now_s);
  std::unordered_map<std::string, int64_t> seen_;
  int64_t next_purge_s_ = 0;
};

// Checks MAC, expiry, issue time against max skew, then the replay cache
// (when given). The error says which check failed and by how much;
// *clock_failure (when given) tells a genuine credential from a clock that
// is off.
Status verify_credential(const ClusterKey& key, const pb::Credential& cred, std::string_view digest,
                         int64_t now_s, uint32_t max_skew_s, ReplayCache* replays,
                         bool* clock_failure = nullptr);

}  // namespace drover
