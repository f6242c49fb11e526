// Credential sign and check (HMAC-SHA256 with libsodium), with and without
// the replay cache a daemon keeps.
#include <benchmark/benchmark.h>

#include "drover.pb.h"
#include "drover/credential.h"

namespace drover {
namespace {

const ClusterKey& key() {
  static const ClusterKey k = ClusterKey::from_bytes(std::string(64, 'k'));
  return k;
}

constexpr int64_t kNow = 1'700'000'000;

void BM_PayloadDigest(benchmark::State& state) {
  std::string payload(static_cast<size_t>(state.range(0)), 'p');
  for (auto _ : state) benchmark::DoNotOptimize(payload_digest(payload));
  state.SetBytesProcessed(static_cast<int64_t>(state.iterations() * payload.size()));
}
BENCHMARK(BM_PayloadDigest)->Arg(2 << 10)->Arg(64 << 10);

void BM_MintCredential(benchmark::State& state) {
  std::string digest = payload_digest("payload");
  for (auto _ : state) benchmark::DoNotOptimize(mint_credential(key(), 1000, 1000, kNow, 300, digest));
}
BENCHMARK(BM_MintCredential);

void BM_VerifyCredential(benchmark::State& state) {
  std::string digest = payload_digest("payload");
  pb::Credential cred = mint_credential(key(), 1000, 1000, kNow, 300, digest);
  for (auto _ : state) {
    Status s = verify_credential(key(), cred, digest, kNow, 60, nullptr);
    if (!s) state.SkipWithError(s.error().c_str());
    benchmark::DoNotOptimize(s);
  }
}
BENCHMARK(BM_VerifyCredential);

// A daemon's path: each credential is fresh and goes through the replay cache.
void BM_VerifyCredentialWithReplayCache(benchmark::State& state) {
  std::string digest = payload_digest("payload");
  std::vector<pb::Credential> creds;
  for (int i = 0; i < 4096; ++i) creds.push_back(mint_credential(key(), 1000, 1000, kNow, 300, digest));
  ReplayCache replays;
  size_t i = 0;
  int64_t now = kNow;
  for (auto _ : state) {
    if (i == creds.size()) {  // fresh nonces again once these have expired
      state.PauseTiming();
      i = 0;
      now += 1000;
      for (auto& c : creds) c = mint_credential(key(), 1000, 1000, now, 300, digest);
      state.ResumeTiming();
    }
    Status s = verify_credential(key(), creds[i++], digest, now, 60, &replays);
    if (!s) state.SkipWithError(s.error().c_str());
  }
}
BENCHMARK(BM_VerifyCredentialWithReplayCache);

}  // namespace
}  // namespace drover
