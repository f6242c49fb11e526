// squeue's filters (spec §3.5; Slurm's squeue/print.c _filter_job).
#include "drover/squeue_filter.h"

#include <algorithm>
#include <cctype>

#include "drover/hostlist.h"

namespace drover {
namespace {

std::vector<std::string> split(const std::string& text) {
  std::vector<std::string> items;
  size_t start = 0;
  while (start <= text.size()) {
    size_t end = text.find(',', start);
    if (end == std::string::npos) end = text.size();
    if (end > start) items.push_back(text.substr(start, end - start));
    start = end + 1;
  }
  return items;
}

bool equals_ignore_case(const std::string& a, const std::string& b) {
  return a.size() == b.size() && std::equal(a.begin(), a.end(), b.begin(), [](char x, char y) {
           return std::tolower(static_cast<unsigned char>(x)) == std::tolower(static_cast<unsigned char>(y));
         });
}

bool any_equal_ignore_case(const std::vector<std::string>& list, const std::string& value) {
  return std::any_of(list.begin(), list.end(), [&](const std::string& s) { return equals_ignore_case(s, value); });
}

// "12" or "12_3", as Slurm's _build_job_list accepts them.
bool valid_job_id(const std::string& id) {
  size_t underscore = id.find('_');
  auto digits = [](const std::string& s) {
    return !s.empty() && s.size() <= 10 && s.find_first_not_of("0123456789") == std::string::npos;
  };
  std::string job = id.substr(0, underscore);
  if (!digits(job) || std::stoull(job) == 0 || std::stoull(job) > UINT32_MAX) return false;
  return underscore == std::string::npos || digits(id.substr(underscore + 1));
}

}  // namespace

Result<QueueFilter> make_queue_filter(const QueueQuery& query) {
  using R = Result<QueueFilter>;
  QueueFilter filter;
  pb::JobFilter& request = filter.request;
  for (const std::string& id : split(query.jobs)) {
    if (!valid_job_id(id)) return R::fail("Invalid job id: " + id);
    request.add_job_ids(id);
  }
  if (query.users_given) {
    // Nobody valid: an empty listing, as Slurm shows after its error lines.
    if (query.uids.empty()) request.add_uids(UINT32_MAX - 1);
    for (uint32_t uid : query.uids) request.add_uids(uid);
  }
  for (const std::string& p : split(query.partitions)) request.add_partitions(p);
  for (const std::string& n : split(query.names)) request.add_names(n);

  if (equals_ignore_case(query.states, "all")) {
    request.set_all_states(true);
  } else {
    bool server_can_filter = true;
    for (const std::string& s : split(query.states)) {
      std::optional<JobStateFilter> state = parse_job_state_filter(s);
      if (!state) {
        return R::fail("Invalid job state specified: " + s + "\nValid job states include: " +
                       std::string(job_state_filter_names()));
      }
      filter.states.push_back(*state);
      std::optional<pb::JobState> base = state->flag ? std::nullopt : parse_job_state(s);
      if (base) {
        request.add_states(*base);
      } else {
        server_can_filter = false;  // a flag, or a state no Drover job has
      }
    }
    if (!server_can_filter) {
      request.clear_states();
      request.set_all_states(true);
    }
  }

  filter.accounts = split(query.accounts);
  filter.qos = split(query.qos);
  filter.reservation = query.reservation;
  filter.licenses = !query.licenses.empty();
  if (!query.nodelist.empty()) {
    auto nodes = hostlist::expand(query.nodelist);
    if (!nodes || nodes->empty()) return R::fail("'" + query.nodelist + "' invalid entry for --nodelist");
    filter.nodes = std::move(*nodes);
    for (const std::string& n : filter.nodes) request.add_nodes(n);
  }
  return R::ok(std::move(filter));
}

bool QueueFilter::keep(const pb::JobRecord& job) const {
  if (!states.empty() && std::none_of(states.begin(), states.end(), [&](const JobStateFilter& s) {
        return job_matches_state(job, s);
      })) {
    return false;
  }
  if (licenses) return false;
  if (!accounts.empty() && !any_equal_ignore_case(accounts, job.spec().account())) return false;
  if (!qos.empty() && !any_equal_ignore_case(qos, job.spec().qos())) return false;
  if (!reservation.empty() && job.spec().reservation() != reservation) return false;
  if (!nodes.empty()) {
    bool on_node = std::any_of(job.nodes().begin(), job.nodes().end(), [&](const std::string& n) {
      return std::find(nodes.begin(), nodes.end(), n) != nodes.end();
    });
    if (!on_node) return false;
  }
  return true;
}

ListingColumns QueueFilter::columns() const {
  using T = pb::ListingTable;
  ListingColumns columns;
  if (!states.empty()) columns |= {T::kStateFieldNumber, T::kKillSentFieldNumber};
  if (!accounts.empty()) columns.add(T::kAccountFieldNumber);
  if (!qos.empty()) columns.add(T::kQosFieldNumber);
  if (!reservation.empty()) columns.add(T::kReservationFieldNumber);
  if (!nodes.empty()) columns.add(T::kNodeCountFieldNumber);
  return columns;
}

}  // namespace drover
