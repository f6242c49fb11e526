// Which jobs squeue lists: the part of the filter the controller applies
// (pb::JobFilter) and the part squeue applies to the reply, as Slurm's
// _filter_job does. Pure.
#pragma once
#include <cstdint>
#include <string>
#include <vector>

#include "drover.pb.h"
#include "drover/job_state.h"
#include "drover/listing_columns.h"
#include "drover/result.h"

namespace drover {

// squeue's filter options as typed (comma lists), users already resolved.
struct QueueQuery {
  std::string jobs, partitions, names, states, accounts, qos, reservation, licenses, nodelist;
  std::vector<uint32_t> uids;
  bool users_given = false;  // -u/--me given: an empty uids list lists nobody
};

struct QueueFilter {
  pb::JobFilter request;                // sent to the controller
  std::vector<JobStateFilter> states;   // -t, checked here (flags such as CG)
  std::vector<std::string> accounts, qos;
  std::vector<std::string> nodes;       // -w, expanded
  std::string reservation;
  bool licenses = false;                // -L: Drover jobs hold no licenses

  // True when the job passes the filters the controller does not apply.
  bool keep(const pb::JobRecord& job) const;
  // The listing columns keep() reads with these filters.
  ListingColumns columns() const;
};

// Errors are Slurm's words: "Invalid job id: abc", "Invalid job state
// specified: x" (and the list of valid states), "'x[' invalid entry for --nodelist".
Result<QueueFilter> make_queue_filter(const QueueQuery& query);

}  // namespace drover
