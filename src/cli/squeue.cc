// squeue: view the job queue, in Slurm's formats.
#include <poll.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <ctime>
#include <thread>

#include "drover/cli_util.h"
#include "drover/listing_table.h"
#include "drover/queue_json.h"
#include "drover/squeue_filter.h"
#include "drover/squeue_format.h"
#include "drover/squeue_steps.h"

using namespace drover;

namespace {

std::string date_line() {
  char buf[64];
  time_t now = ::time(nullptr);
  struct tm tm {};
  localtime_r(&now, &tm);
  strftime(buf, sizeof buf, "%a %b %d %H:%M:%S %Y", &tm);
  return buf;
}

// Options that Slurm also takes from SQUEUE_* variables when not given.
void from_env(std::string& value, const char* name) {
  if (!value.empty()) return;
  if (const char* env = std::getenv(name); env && *env) value = env;
}

struct Options {
  bool no_header = false, long_format = false, me = false, all = false, array = false;
  bool start = false, json = false, noconvert = false;
  int verbose = 0;
  std::string users, jobs, partitions, states, names, format, format_long, sort, config_flag;
  std::string accounts, qos, reservation, licenses, nodelist, iterate, steps;
  bool step_view = false;  // -s, with or without a list
};

// The layout squeue prints with: -o, -O, --start, -l, the environment, or
// the default, in Slurm's order of precedence.
Result<SqueueLayout> choose_layout(const Options& o) {
  bool explicit_format = !o.format.empty() || !o.format_long.empty() || o.long_format || o.start;
  if (!o.format.empty()) return parse_squeue_format(o.format);
  if (!o.format_long.empty()) return parse_squeue_long_format(o.format_long);
  if (o.start) return parse_squeue_format(kSqueueStartFormat);
  if (o.long_format) return parse_squeue_format(kSqueueLongFormat);
  if (!explicit_format) {
    if (const char* env = std::getenv("SQUEUE_FORMAT"); env && *env) return parse_squeue_format(env);
    if (const char* env = std::getenv("SQUEUE_FORMAT2"); env && *env) return parse_squeue_long_format(env);
  }
  return parse_squeue_format(kSqueueDefaultFormat);
}

[[noreturn]] void fail(const std::string& message) {
  cli::print_error("squeue", message);
  std::exit(1);
}

// Slurm's options, spelled as getopt_long accepts them. Returns -s's option,
// whose list is optional.
CLI::Option* add_options(CLI::App& app, Options& o) {
  app.set_help_flag("--help", "print this help and exit");
  app.add_option("-A,--account,--accounts", o.accounts, "accounts, comma separated");
  app.add_flag("-a,--all", o.all, "all partitions (every partition is visible)");
  app.add_flag("-r,--array,--array-unique", o.array, "one line per array task");
  app.add_option("-O,--Format", o.format_long, "output fields: Name[:[.][size][suffix]],...");
  app.add_option("-o,--format", o.format, "output format");
  app.add_flag("-h,--noheader", o.no_header, "no header line");
  app.add_option("-i,--iterate", o.iterate, "repeat every N seconds");
  app.add_option("-j,--jobs,--job", o.jobs, "job ids, comma separated");
  app.add_flag("-l,--long", o.long_format, "long format");
  app.add_option("-L,--licenses", o.licenses, "licenses, comma separated");
  app.add_flag("--me", o.me, "only my jobs");
  app.add_option("-n,--name", o.names, "job names, comma separated");
  app.add_flag("--noconvert", o.noconvert, "no unit conversion (accepted)");
  app.add_option("-w,--nodelist,--nodes,--node", o.nodelist, "jobs on these nodes (hostlist)");
  app.add_option("-p,--partition,--partitions", o.partitions, "partitions, comma separated");
  app.add_option("-q,--qos", o.qos, "QOS names, comma separated");
  app.add_option("-R,--reservation", o.reservation, "reservation name");
  app.add_option("-S,--sort", o.sort, "sort keys: [+|-]letter,...");
  CLI::Option* steps = app.add_option("-s,--steps", o.steps, "job steps (job.step list optional)")->expected(0, 1);
  app.add_flag("--start", o.start, "pending jobs and their expected start times");
  app.add_option("-t,--states", o.states, "states, comma separated, or all");
  app.add_option("-u,--user,--users", o.users, "users (names or uids), comma separated");
  app.add_flag("-v,--verbose", o.verbose, "more messages");
  app.add_flag("--json", o.json, "every job, as JSON");
  app.add_flag_callback("--usage", [] {
    // Slurm's _usage(), byte for byte (its last line starts with a tab).
    std::fputs("Usage: squeue [-A account] [--clusters names] [-i seconds] [--job jobid]\n"
               "              [-n name] [-o format] [-p partitions] [--qos qos]\n"
               "              [--reservation reservation] [--sort fields] [--start]\n"
               "              [--step step_id] [-t states] [-u user_name] [--usage]\n"
               "              [-L licenses] [-w nodes] [--federation] [--local] [--sibling]\n"
               "\t      [-ahjlrsv]\n",
               stdout);
    std::exit(0);
  }, "print a short usage message and exit");
  app.add_option("--config", o.config_flag, "Drover configuration file");
  app.set_version_flag("-V,--version", cli::kSlurmVersion);
  return steps;
}

// SQUEUE_* variables fill what the command line left unset; --start brings
// its own sort and states.
void apply_environment(Options& o) {
  if (std::getenv("SQUEUE_ALL")) o.all = true;
  if (std::getenv("SQUEUE_ARRAY")) o.array = true;
  from_env(o.sort, "SQUEUE_SORT");
  from_env(o.accounts, "SQUEUE_ACCOUNT");
  from_env(o.names, "SQUEUE_NAMES");
  from_env(o.partitions, "SQUEUE_PARTITION");
  from_env(o.qos, "SQUEUE_QOS");
  from_env(o.states, "SQUEUE_STATES");
  from_env(o.users, "SQUEUE_USERS");
  if (o.start) {
    if (o.sort.empty()) o.sort = "S";
    if (o.states.empty()) o.states = "PD";
  }
}

QueueFilter make_filter(const Options& o) {
  QueueFilter filter;
  if (o.json) {
    // Slurm 22.05's --json dumps every job it holds; filters do not apply.
    filter.request.set_all_states(true);
    return filter;
  }
  QueueQuery query{o.jobs, o.partitions, o.names, o.states, o.accounts, o.qos, o.reservation,
                   o.licenses, o.nodelist, {}, o.me || !o.users.empty()};
  if (o.me) query.uids.push_back(::geteuid());
  if (!o.users.empty()) {
    bool all_valid;
    std::vector<uint32_t> uids = cli::resolve_users("squeue", o.users, all_valid);
    query.uids.insert(query.uids.end(), uids.begin(), uids.end());
  }
  Result<QueueFilter> made = make_queue_filter(query);
  if (!made) fail(made.error());
  return std::move(*made);
}

// Straight to the file descriptor: stdio would copy each rendered piece
// into its small buffer and write it in two calls.
void write_out(std::string_view text) {
  std::fflush(stdout);  // whatever stdio holds goes first
  while (!text.empty()) {
    ssize_t n = ::write(STDOUT_FILENO, text.data(), text.size());
    if (n < 0 && errno == EINTR) continue;
    if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) {  // a non-blocking stdout inherited
      pollfd out{STDOUT_FILENO, POLLOUT, 0};
      ::poll(&out, 1, -1);
      continue;
    }
    if (n <= 0) std::exit(1);  // stdout closed: nothing more to say
    text.remove_prefix(static_cast<size_t>(n));
  }
}

// The job lines from a ListingTable: each row is read into the reader's one
// record, once to filter and take its sort keys, once to be printed.
void report_table(const Options& o, const SqueueLayout& layout, const std::vector<SqueueSortKey>& keys,
                  const QueueFilter& filter, const pb::ListJobsReply& listing, bool dated) {
  Result<ListingTableReader> table = ListingTableReader::open(listing.table());
  if (!table) fail(table.error());
  SqueueSorter sorter(keys, listing.now());
  std::vector<uint32_t> rows;  // the rows the filter keeps
  rows.reserve(table->rows());
  sorter.reserve(table->rows());
  for (size_t row = 0; row < table->rows(); ++row) {
    const pb::JobRecord& job = table->row(row);
    if (!filter.keep(job)) continue;
    rows.push_back(static_cast<uint32_t>(row));
    sorter.add(job);
  }
  std::vector<uint32_t> order = sorter.order([&](size_t i) -> const pb::JobRecord& { return table->row(rows[i]); });
  if (dated) write_out(date_line() + "\n");
  render_squeue_rows(
      layout, order.size(), [&](size_t i) -> const pb::JobRecord& { return table->row(rows[order[i]]); },
      listing.now(), !o.no_header, o.array, write_out);
}

// One report from one reply: JSON, steps, or the job table, written to
// stdout as it is rendered (squeue -r of a million tasks streams).
void report(const Options& o, const SqueueLayout& layout, const std::vector<SqueueSortKey>& keys,
            const QueueFilter& filter, const pb::ListJobsReply& listing, bool dated) {
  if (listing.has_table()) return report_table(o, layout, keys, filter, listing, dated);
  std::vector<const pb::JobRecord*> records;
  records.reserve(listing.jobs_size());
  for (const pb::JobRecord& job : listing.jobs()) {
    if (filter.keep(job)) records.push_back(&job);
  }
  if (o.json) return write_out(squeue_json(records, listing.now()));
  if (o.step_view) {
    Result<std::string> text = format_squeue_steps(records, cli::split_list(o.steps),
                                                   o.format.empty() ? kSqueueStepFormat : o.format,
                                                   listing.now(), !o.no_header);
    if (!text) fail(text.error());
    return write_out(*text);
  }
  // Sorting before -r's expansion orders the same: an array's pending tasks
  // share every sort key, and come out in task order.
  sort_squeue(records, keys, listing.now());
  if (dated) write_out(date_line() + "\n");
  render_squeue_stream(layout, records, listing.now(), !o.no_header, o.array, write_out);
}

}  // namespace

int main(int argc, char** argv) {
  CLI::App app{"squeue: view jobs in the Drover queue"};
  Options o;
  CLI::Option* steps_option = add_options(app, o);
  std::vector<std::string> args = cli::args_joining(argc, argv, {{"-S", "--sort"}, {"--sort", "--sort"}});
  try {
    app.parse(args);
  } catch (const CLI::ParseError& e) {
    return app.exit(e);
  }
  o.step_view = steps_option->count() > 0;
  if (o.long_format && !o.format.empty()) {
    std::fprintf(stderr,
                 "squeue: fatal: Options -o(--format) and -l(--long) are mutually exclusive. "
                 "Please remove one and retry.\n");
    return 1;
  }
  if (!o.format.empty() && !o.format_long.empty()) fail("-O (--Format) is incompatible with -o (--format)");
  int iterate = 0;
  if (!o.iterate.empty()) {
    iterate = std::atoi(o.iterate.c_str());
    if (iterate <= 0) fail("--iterate=" + o.iterate);
  }
  apply_environment(o);

  Result<SqueueLayout> layout = choose_layout(o);
  if (!layout) fail(layout.error());
  auto sort_keys = parse_squeue_sort(o.sort.empty() ? kSqueueDefaultSort : o.sort);
  if (!sort_keys) fail(sort_keys.error());
  QueueFilter filter = make_filter(o);

  ControllerClient client(load_cli_config("squeue", o.config_flag));
  pb::Message request;
  *request.mutable_list_jobs()->mutable_filter() = filter.request;
  // JSON and the step view need what only whole records carry.
  request.mutable_list_jobs()->set_as_table(!o.json && !o.step_view);
  // Only the columns this format, sort and filter read: the controller then
  // touches only those parts of each record.
  if (!o.json && !o.step_view)
    set_listing_columns(*request.mutable_list_jobs(), squeue_listing_columns(*layout, *sort_keys) | filter.columns());
  // Slurm dates its report when it may be one of many (-i) or long (-l).
  bool dated = !o.json && !o.step_view && !o.no_header && (iterate || o.long_format || o.verbose);
  for (;;) {
    pb::Message reply = cli::call_or_exit(client, request, "squeue", "slurm_load_jobs error: ", false);
    report(o, *layout, *sort_keys, filter, reply.list_jobs_reply(), dated);
    if (!iterate || o.json) return 0;
    std::printf("\n");
    std::fflush(stdout);
    std::this_thread::sleep_for(std::chrono::seconds(iterate));
  }
}
