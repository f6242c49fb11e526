// PackedJob: a pending job as the controller keeps it while it waits (issue
// 6: controller memory per pending job <= 500 B). A full pb::JobRecord is
// two message objects and a heap string per set field (~1.3 KB); a packed
// job is the fields the hot paths read — the scheduling pass, the metrics'
// counts, the job index, the dependency index — as plain numbers, its four
// repeated strings as StringPool numbers, and everything else serialized
// (`cold`), with the hot fields cleared before serializing so they are not
// stored twice. The cold bytes are interned in the same pool: jobs
// submitted alike (same directories, host, options: a workflow's thousands
// of jobs) share one copy, since what differs per job (id, times, token
// hash, name) is hot.
//
// Only a pending job that is not part of an array, has no -w/-x/-C and no
// undecided dependency is packed (packable()): those read nothing outside
// the struct in a scheduling pass. The state of a packed job is always
// JOB_PENDING. pack() then unpack() gives back the record exactly (proto3
// fields without presence: a cleared field and a field set to its default
// are the same record and the same bytes).
#pragma once
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>

#include "drover.pb.h"
#include "string_pool.h"

namespace drover {

struct PackedJob {
  // JobRecord fields.
  uint32_t job_id = 0;
  uint32_t uid = 0;
  uint32_t gid = 0;
  uint32_t priority = 0;       // 0: held
  int64_t submit_time = 0;
  int64_t expected_start = 0;
  // JobSpec fields (what job_request() and the priority read).
  int64_t begin_time = 0;
  uint64_t mem_mb = 0;
  uint64_t mem_per_cpu_mb = 0;
  uint32_t time_limit_min = 0;
  uint32_t min_nodes = 0;
  uint32_t ntasks = 0;
  uint32_t ntasks_per_node = 0;
  uint32_t cpus_per_task = 0;
  uint32_t priority_request = 0;
  int32_t nice = 0;
  // StringPool numbers.
  uint32_t partition = 0;      // JobRecord.partition (resolved)
  uint32_t reason = 0;
  uint32_t name = 0;           // JobSpec.name
  uint32_t user_name = 0;      // JobSpec.user_name
  uint32_t cold = 0;           // the rest of the record, serialized
  uint64_t submit_token_hash = 0;  // JobSpec.submit_token_hash: unique per job, so not cold
  bool exclusive = false;      // JobSpec.exclusive
  bool dependency_done = false;
  bool dependency_failed = false;
};

// True if `job` may be kept packed (see the header comment).
bool packable(const pb::JobRecord& job);

// Moves `job` into `out` (which must be empty: default-constructed or
// released by release_packed). `job` is left cleared of its hot fields.
// Precondition: packable(job).
void pack(pb::JobRecord& job, StringPool& strings, PackedJob& out);

// Fills `out` with the whole record (parsed into it, reusing its storage).
// Returns false if the cold bytes do not parse, which cannot happen for
// bytes pack() wrote.
bool unpack(const PackedJob& packed, const StringPool& strings, pb::JobRecord& out);

// Sets the hot fields of `out`, whose other fields already hold the job's
// cold bytes parsed (unpack() is the parse and this).
void unpack_hot(const PackedJob& packed, const StringPool& strings, pb::JobRecord& out);

// Drops the job's string holds (its cold bytes too); `packed` is empty after.
void release_packed(PackedJob& packed, StringPool& strings);

// Replaces a pooled string number by the number of `text` (no pool work if
// it is the same string).
void set_pooled(StringPool& strings, uint32_t& id, std::string_view text);

// The JobSpec fields job_request() reads, into `spec` (cleared first).
void fill_request_spec(const PackedJob& packed, pb::JobSpec& spec);

}  // namespace drover
