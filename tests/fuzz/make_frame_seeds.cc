// Writes the frame_fuzz seed corpus: one framed, sealed envelope per message
// kind, signed with the fuzz key at the fuzz clock (fuzz_common.h), plus a
// few that a receiver must refuse. Rerun after changing proto/drover.proto:
//   build-fuzz/bin/make_frame_seeds tests/fuzz/corpus/frame
#include <cstdio>
#include <fstream>
#include <string>

#include "drover.pb.h"
#include "drover/credential.h"
#include "drover/envelope.h"
#include "fuzz_common.h"

using namespace drover;

namespace {

const ClusterKey& key() {
  static const ClusterKey k = ClusterKey::from_bytes(fuzz::key_bytes());
  return k;
}

Signer signer_at(int64_t now_s, uint32_t uid = 1000) {
  return [now_s, uid](std::string_view digest) {
    return Result<pb::Credential>::ok(mint_credential(key(), uid, uid, now_s, fuzz::kTtl, digest));
  };
}

void write(const std::string& dir, const std::string& name, const std::string& bytes) {
  std::ofstream out(dir + "/" + name, std::ios::binary);
  out << bytes;
  if (!out) {
    std::perror((dir + "/" + name).c_str());
    std::exit(1);
  }
}

void write_sealed(const std::string& dir, const std::string& name, const pb::Message& message,
                  const Signer& signer) {
  Result<std::string> body = seal(message, signer);
  if (!body) {
    std::fprintf(stderr, "seal: %s\n", body.error().c_str());
    std::exit(1);
  }
  write(dir, name, frame(*body));
}

pb::JobSpec seed_job() {
  pb::JobSpec spec;
  spec.set_name("launch.sh");
  spec.set_partition("picluster");
  spec.set_min_nodes(1);
  spec.set_exclusive(true);
  spec.set_array_spec("[1-3]");
  spec.set_time_limit_min(1440);
  spec.set_work_dir("/clusterfs/tflite-demo");
  spec.set_submit_dir("/clusterfs/tflite-demo");
  spec.set_submit_host("pi-clust-head");
  spec.set_script("#!/bin/bash\n#SBATCH --nodes=1\n#SBATCH --partition=picluster\nhostname\n");
  spec.add_env("PATH=/usr/bin:/bin");
  spec.add_env("HOME=/home/alice");
  spec.set_command("/clusterfs/tflite-demo/launch.sh");
  spec.set_user_name("alice");
  return spec;
}

pb::JobRecord seed_record() {
  pb::JobRecord job;
  job.set_job_id(12);
  *job.mutable_spec() = seed_job();
  job.set_uid(1000);
  job.set_gid(1000);
  job.set_state(pb::JOB_RUNNING);
  job.set_submit_time(fuzz::kNow - 30);
  job.set_start_time(fuzz::kNow - 20);
  job.add_nodes("pi-clust-node01");
  job.add_node_cpus(4);
  job.set_alloc_cpus(4);
  job.set_partition("picluster");
  job.set_array_job_id(12);
  job.set_is_array_task(true);
  job.set_array_task_id(1);
  pb::TaskRange* pending = job.add_array_pending();
  pending->set_first(2);
  pending->set_last(3);
  return job;
}

}  // namespace

int main(int argc, char** argv) {
  if (argc != 2) {
    std::fprintf(stderr, "usage: %s <corpus dir>\n", argv[0]);
    return 2;
  }
  const std::string dir = argv[1];
  const Signer user = signer_at(fuzz::kNow);
  const Signer agent = signer_at(fuzz::kNow, 0);
  pb::Message m;

  *m.mutable_submit()->mutable_spec() = seed_job();
  write_sealed(dir, "submit", m, user);

  m.Clear();
  pb::JobFilter* filter = m.mutable_list_jobs()->mutable_filter();
  filter->add_job_ids("12");
  filter->add_job_ids("12_3");
  filter->add_uids(1000);
  filter->add_partitions("picluster");
  filter->add_states(pb::JOB_PENDING);
  write_sealed(dir, "list_jobs", m, user);

  m.Clear();
  pb::ListJobsReply* jobs = m.mutable_list_jobs_reply();
  *jobs->add_jobs() = seed_record();
  jobs->set_now(fuzz::kNow);
  write_sealed(dir, "list_jobs_reply", m, agent);

  m.Clear();
  m.mutable_list_nodes();
  write_sealed(dir, "list_nodes", m, user);

  m.Clear();
  pb::ListNodesReply* nodes = m.mutable_list_nodes_reply();
  pb::NodeInfo* node = nodes->add_nodes();
  node->set_name("pi-clust-node01");
  node->set_state("mix");
  node->set_state_long("MIXED");
  node->set_cpus(4);
  node->set_alloc_cpus(2);
  node->set_memory_mb(900);
  node->add_features("pi3bplus");
  node->add_partitions("picluster");
  node->set_clock_skew_ms(-1500);
  pb::PartitionInfo* part = nodes->add_partitions();
  part->set_name("picluster");
  part->set_is_default(true);
  part->set_state("up");
  part->set_max_time_min(1440);
  part->add_nodes("pi-clust-node01");
  nodes->set_cluster("picluster");
  write_sealed(dir, "list_nodes_reply", m, agent);

  m.Clear();
  m.mutable_cancel()->add_job_ids("12_[1-3]");
  m.mutable_cancel()->set_signal(15);
  write_sealed(dir, "cancel", m, user);

  m.Clear();
  m.mutable_cancel_reply()->add_errors("Kill job error on job id 13: Invalid job id specified");
  m.mutable_cancel_reply()->set_cancelled(1);
  write_sealed(dir, "cancel_reply", m, agent);

  m.Clear();
  m.mutable_error()->set_code(2017);
  m.mutable_error()->set_message("Invalid job id specified");
  write_sealed(dir, "error", m, agent);

  m.Clear();
  pb::AgentHello* hello = m.mutable_hello();
  hello->set_protocol(kProtocolVersion);
  hello->set_software_version("0.1.0");
  hello->set_node_name("pi-clust-node02");
  hello->set_hostname("pi-clust-node02");
  hello->set_cpus(4);
  hello->set_memory_mb(923);
  hello->set_arch("armv7l");
  hello->set_clock_ms(fuzz::kNow * 1000);
  hello->add_running()->set_job_id(12);
  hello->add_finished()->set_job_id(11);
  write_sealed(dir, "hello", m, agent);

  m.Clear();
  pb::HelloReply* reply = m.mutable_hello_reply();
  reply->set_accepted(true);
  reply->set_cluster("picluster");
  reply->set_spool_dir("/clusterfs/drover/spool");
  reply->set_spool_shared(true);
  reply->set_heartbeat_s(10);
  reply->set_kill_wait_s(30);
  write_sealed(dir, "hello_reply", m, agent);

  m.Clear();
  m.mutable_heartbeat()->set_clock_ms(fuzz::kNow * 1000);
  write_sealed(dir, "heartbeat", m, agent);

  m.Clear();
  pb::LaunchJob* launch = m.mutable_launch();
  *launch->mutable_job() = seed_record();
  launch->set_node_name("pi-clust-node01");
  launch->set_spool_path("/clusterfs/drover/spool/12");
  launch->add_env("SLURM_JOB_ID=12");
  launch->set_stdout_path("/clusterfs/tflite-demo/slurm-12_1.out");
  launch->set_user_name("alice");
  launch->set_kill_wait_s(30);
  write_sealed(dir, "launch", m, agent);

  m.Clear();
  m.mutable_signal()->set_job_id(12);
  m.mutable_signal()->set_cancel(true);
  m.mutable_signal()->set_kill_wait_s(30);
  write_sealed(dir, "signal", m, agent);

  m.Clear();
  m.mutable_started()->set_job_id(12);
  write_sealed(dir, "started", m, agent);

  m.Clear();
  pb::JobFinished* finished = m.mutable_finished();
  finished->set_job_id(12);
  finished->set_exit_status(1);
  finished->set_term_signal(9);
  finished->set_end_time(fuzz::kNow);
  finished->set_error("cannot open /clusterfs/drover/spool/12/script");
  write_sealed(dir, "finished", m, agent);

  m.Clear();
  m.mutable_finished_ack()->set_job_id(12);
  write_sealed(dir, "finished_ack", m, agent);

  m.Clear();
  m.mutable_cred_request()->set_payload_hash(payload_digest("payload"));
  write_sealed(dir, "cred_request", m, user);

  m.Clear();
  *m.mutable_cred_reply()->mutable_cred() =
      mint_credential(key(), 1000, 1000, fuzz::kNow, fuzz::kTtl, payload_digest("payload"));
  write_sealed(dir, "cred_reply", m, agent);

  // Refused: no message kind, expired, from the future, another protocol
  // version, a bad MAC.
  m.Clear();
  write_sealed(dir, "refused_empty_message", m, user);
  m.mutable_heartbeat()->set_clock_ms(1);
  write_sealed(dir, "refused_expired", m, signer_at(fuzz::kNow - 3600));
  write_sealed(dir, "refused_future", m, signer_at(fuzz::kNow + 3600));
  pb::Envelope envelope;
  envelope.ParseFromString(*seal(m, user));
  envelope.set_version(kProtocolVersion + 1);
  write(dir, "refused_version", frame(envelope.SerializeAsString()));
  envelope.set_version(kProtocolVersion);
  envelope.mutable_cred()->set_uid(0);
  write(dir, "refused_bad_mac", frame(envelope.SerializeAsString()));
  return 0;
}
