// Wire cost of one submission: a JobSpec-sized Message sealed into an
// envelope (serialize, digest, credential), framed, and opened again.
#include <benchmark/benchmark.h>

#include "drover.pb.h"
#include "drover/credential.h"
#include "drover/envelope.h"

namespace drover {
namespace {

const ClusterKey& key() {
  static const ClusterKey k = ClusterKey::from_bytes(std::string(64, 'k'));
  return k;
}

// What `sbatch --wrap=true` sends, with a typical 40-variable environment.
pb::Message submission() {
  pb::Message message;
  pb::JobSpec* spec = message.mutable_submit()->mutable_spec();
  spec->set_name("wrap");
  spec->set_script("#!/bin/sh\n# This script was created by sbatch --wrap.\n\ntrue\n");
  spec->set_work_dir("/home/user/project");
  spec->set_user_name("user");
  for (int i = 0; i < 40; ++i) spec->add_env("VARIABLE_" + std::to_string(i) + "=" + std::string(40, 'v'));
  return message;
}

Signer signer() {
  return [](std::string_view digest) {
    return Result<pb::Credential>::ok(mint_credential(key(), 1000, 1000, 1'700'000'000, 300, digest));
  };
}

void BM_SealAndFrame(benchmark::State& state) {
  pb::Message message = submission();
  Signer sign = signer();
  for (auto _ : state) {
    Result<std::string> body = seal(message, sign);
    std::string wire = frame(*body);
    benchmark::DoNotOptimize(wire);
  }
}
BENCHMARK(BM_SealAndFrame);

void BM_OpenEnvelope(benchmark::State& state) {
  std::string body = *seal(submission(), signer());
  for (auto _ : state) {
    // No replay cache: the same envelope is opened again and again.
    Result<Opened> opened = open_envelope(body, Verifier{&key(), 60, nullptr}, 1'700'000'000);
    if (!opened) state.SkipWithError(opened.error().c_str());
    benchmark::DoNotOptimize(opened);
  }
  state.SetBytesProcessed(static_cast<int64_t>(state.iterations() * body.size()));
}
BENCHMARK(BM_OpenEnvelope);

void BM_FrameLength(benchmark::State& state) {
  std::string wire = frame(std::string(1700, 'x'));
  for (auto _ : state) {
    Result<uint32_t> n = frame_length(reinterpret_cast<const unsigned char*>(wire.data()), 16u << 20);
    benchmark::DoNotOptimize(n);
  }
}
BENCHMARK(BM_FrameLength);

}  // namespace
}  // namespace drover
