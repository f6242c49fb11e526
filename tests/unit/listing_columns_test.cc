// The listing columns squeue asks for (listing_columns.h,
// squeue_listing_columns, QueueFilter::columns): every format code, sort key
// and filter gives the same answer from a table that carries only the
// columns it asks for as from a table that carries them all.
#include "drover/listing_columns.h"

#include <gtest/gtest.h>

#include <google/protobuf/io/coded_stream.h>
#include <google/protobuf/wire_format_lite.h>

#include <set>

#include "drover/listing_table.h"
#include "drover/squeue_filter.h"
#include "drover/squeue_format.h"
#include "drover/time_format.h"

namespace drover {
namespace {

using T = pb::ListingTable;
constexpr int64_t kNow = 1704103200;

// Records that differ from each other in every field a listing carries,
// each field often at its zero value too, in every job state and shape
// (plain, array task, array of pending tasks): a cell that reads a field its
// column does not ask for prints differently for some of them.
std::vector<pb::JobRecord> varied_records() {
  std::vector<pb::JobRecord> jobs;
  uint64_t seed = 12345;
  // A small fixed generator: the records are the same on every run.
  auto pick = [&seed](uint32_t n) {
    seed = seed * 6364136223846793005ull + 1442695040888963407ull;
    return static_cast<uint32_t>((seed >> 33) % n);
  };
  auto maybe = [&](const std::string& text) { return pick(3) == 0 ? std::string() : text; };
  const pb::JobState states[] = {pb::JOB_PENDING, pb::JOB_RUNNING,   pb::JOB_SUSPENDED,
                                 pb::JOB_COMPLETED, pb::JOB_FAILED, pb::JOB_CANCELLED,
                                 pb::JOB_TIMEOUT, pb::JOB_OUT_OF_MEMORY, pb::JOB_NODE_FAIL};
  for (uint32_t n = 0; n < 60; ++n) {
    pb::JobRecord r;
    std::string k = std::to_string(n);
    r.set_job_id(100 + n);
    r.set_uid(pick(2) ? 1000 + pick(3) : 0);
    r.set_gid(pick(2) ? 100 + pick(3) : 0);
    r.set_state(states[pick(9)]);
    r.set_kill_sent(pick(3) == 0);
    r.set_reason(maybe(pick(2) ? "JobHeldUser" : "Resources"));
    r.set_submit_time(pick(4) ? kNow - 5000 - pick(1000) : 0);
    r.set_start_time(pick(3) ? kNow - 4000 + pick(100) : 0);
    r.set_end_time(pick(3) == 0 ? kNow - 100 - pick(100) : 0);
    r.set_exit_status(static_cast<int32_t>(pick(3)));
    r.set_term_signal(static_cast<int32_t>(pick(3) == 0 ? 9 : 0));
    for (uint32_t i = 0, count = pick(4); i < count; ++i) r.add_nodes("node" + std::to_string(pick(5) + 1));
    r.set_alloc_cpus(pick(2) ? 4 * pick(4) : 0);
    r.set_partition(maybe(pick(2) ? "debug" : "batch"));
    r.set_priority(pick(2) ? 4'000'000'000u - pick(100) : pick(10));
    if (pick(3) == 0) {
      r.set_array_job_id(100 + pick(n + 1));
      r.set_is_array_task(pick(2) == 0);
      if (r.is_array_task()) {
        r.set_array_task_id(pick(20));
      } else {
        for (uint32_t i = 0, count = pick(3); i < count; ++i) {
          pb::TaskRange* range = r.add_array_pending();
          range->set_first(10 * i + pick(3));
          range->set_last(range->first() + pick(3));
        }
      }
      r.set_array_throttle(pick(2) ? pick(5) : 0);
    }
    r.set_restarts(pick(3));
    r.set_suspend_time(r.state() == pb::JOB_SUSPENDED || pick(4) == 0 ? kNow - 50 - pick(50) : 0);
    r.set_suspended_secs(pick(3) ? 0 : pick(100));
    r.set_dependency_state(maybe("afterok:" + k + "(unfulfilled)"));
    r.set_expected_start(pick(2) ? kNow + 60 * pick(100) : 0);
    pb::JobSpec& s = *r.mutable_spec();
    s.set_name(maybe("job" + k + ".sh"));
    s.set_partition(maybe(pick(2) ? "debug" : "long"));
    s.set_min_nodes(pick(3));
    s.set_max_nodes(pick(3) ? 0 : pick(5));
    s.set_ntasks(pick(3));
    s.set_ntasks_per_node(pick(3) ? 0 : pick(4));
    s.set_cpus_per_task(pick(3));
    s.set_mem_mb(pick(2) ? 1024ull * pick(5000) : 0);
    s.set_mem_per_cpu_mb(pick(2) ? 512ull * pick(9) : 0);
    const uint32_t limits[] = {0, kInfiniteMinutes, 30, 60 * 24 * 3, 1};
    s.set_time_limit_min(limits[pick(5)]);
    s.set_time_min_min(pick(3) ? 0 : pick(100));
    s.set_exclusive(pick(2) == 0);
    s.set_requeue(pick(2) == 0);
    s.set_nice(static_cast<int32_t>(pick(5)) * 100 - 200);
    s.set_begin_time(pick(3) ? 0 : kNow + pick(1000) - 500);
    s.set_deadline(pick(3) ? 0 : kNow + 86400);
    const char* outs[] = {"", "/abs/out-%j", "rel-%j.out"};
    s.set_stdout_pattern(outs[pick(3)]);
    s.set_stderr_pattern(outs[pick(3)]);
    s.set_stdin_path(maybe("/in/" + k));
    s.set_work_dir(maybe("/home/u" + k));
    s.set_command(maybe("/home/u/script" + k + ".sh"));
    s.set_user_name(maybe("user" + std::to_string(pick(3))));
    s.set_account(maybe("acct" + std::to_string(pick(3))));
    s.set_qos(maybe("qos" + std::to_string(pick(3))));
    s.set_comment(maybe("a comment " + k));
    s.set_wckey(maybe("wckey" + k));
    s.set_constraint(maybe("feat" + k));
    s.set_nodelist(maybe("node[1-" + std::to_string(pick(4) + 1) + "]"));
    s.set_exclude(maybe("node" + std::to_string(pick(9))));
    s.set_reservation(maybe("resv" + std::to_string(pick(2))));
    s.set_gres(maybe("gpu:" + std::to_string(pick(3) + 1)));
    jobs.push_back(std::move(r));
  }
  return jobs;
}

// The table as it arrives: built with `columns`, serialized, parsed again.
pb::ListingTable table_of(const std::vector<pb::JobRecord>& jobs, ListingColumns columns) {
  ListingTableBuilder builder(jobs.size(), columns);
  for (const pb::JobRecord& job : jobs) builder.add(job);
  pb::ListingTable received;
  EXPECT_TRUE(received.ParseFromString(builder.finish().SerializeAsString()));
  return received;
}

// The field numbers present in a serialized message.
std::set<int> fields_sent(const std::string& bytes) {
  using google::protobuf::internal::WireFormatLite;
  google::protobuf::io::CodedInputStream in(reinterpret_cast<const uint8_t*>(bytes.data()),
                                            static_cast<int>(bytes.size()));
  std::set<int> fields;
  while (uint32_t tag = in.ReadTag()) {
    fields.insert(static_cast<int>(WireFormatLite::GetTagFieldNumber(tag)));
    if (!WireFormatLite::SkipField(&in, tag)) break;
  }
  return fields;
}

std::string render(const SqueueLayout& layout, const pb::ListingTable& table, bool expand) {
  Result<ListingTableReader> reader = ListingTableReader::open(table);
  EXPECT_TRUE(reader) << reader.error();
  std::string out;
  render_squeue_rows(
      layout, reader->rows(), [&](size_t i) -> const pb::JobRecord& { return reader->row(i); }, kNow, true, expand,
      [&](std::string_view s) { out += s; });
  return out;
}

// Every -o letter and every -O name, one layout each.
std::vector<std::pair<std::string, SqueueLayout>> every_column() {
  std::vector<std::pair<std::string, SqueueLayout>> layouts;
  for (char c = ' '; c <= '~'; ++c) {
    if (c == '%') continue;
    Result<SqueueLayout> one = parse_squeue_format(std::string("%.12") + c);
    if (one) layouts.emplace_back(std::string("%") + c, std::move(*one));
  }
  for (const char* name :
       {"batchflag", "cpus-per-task", "deadline", "derivedec", "eligibletime", "exit_code", "lastschedeval",
        "maxcpus", "maxnodes", "mintime", "ntpernode", "pendingtime", "reboot", "requeue", "restartcnt", "stderr",
        "stdin", "stdout", "tres-alloc", "mcslabel", "network", "numtasks", "selectjobinfo"}) {
    Result<SqueueLayout> one = parse_squeue_long_format(name);
    EXPECT_TRUE(one) << name;
    if (one) layouts.emplace_back(name, std::move(*one));
  }
  return layouts;
}

TEST(ListingColumns, SetsAndTheWire) {
  ListingColumns none;
  EXPECT_FALSE(none.has(T::kJobIdFieldNumber));
  ListingColumns some{T::kJobIdFieldNumber, T::kMaxNodesFieldNumber};
  EXPECT_TRUE(some.has(T::kJobIdFieldNumber) && some.has(T::kMaxNodesFieldNumber));
  EXPECT_FALSE(some.has(T::kNameFieldNumber) || some.is_all());
  EXPECT_EQ(some.fields(), (std::vector<int>{T::kJobIdFieldNumber, T::kMaxNodesFieldNumber}));
  EXPECT_TRUE((some | ListingColumns::all()).is_all());
  EXPECT_TRUE(ListingColumns::all().has(ListingColumns::kMaxField));
  EXPECT_FALSE(some.add(200).has(200));  // out of range: ignored

  pb::ListJobsRequest request;
  EXPECT_TRUE(listing_columns_of(request).is_all());  // an older squeue: everything
  set_listing_columns(request, some);
  EXPECT_EQ(request.listing_columns_size(), 2);
  EXPECT_EQ(listing_columns_of(request), some);
  request.add_listing_columns(5000);  // a newer squeue's column: ignored
  EXPECT_EQ(listing_columns_of(request), some);
  set_listing_columns(request, ListingColumns::all());
  EXPECT_TRUE(listing_columns_of(request).is_all());
}

// Each column's field number in the builder is the field it fills: a
// builder asked for one column sends that field (and its companions) and
// the job id, nothing else.
TEST(ListingColumns, TheBuilderFillsExactlyTheColumnsAskedFor) {
  std::vector<pb::JobRecord> jobs = varied_records();
  std::set<int> every = fields_sent(table_of(jobs, ListingColumns::all()).SerializeAsString());
  EXPECT_GE(every.size(), 60u);  // every column has a non-zero value somewhere
  for (int field : every) {
    if (field == T::kRowsFieldNumber || field == T::kStringsFieldNumber || field == T::kJobIdFieldNumber)
      continue;
    std::set<int> want = {T::kRowsFieldNumber, T::kJobIdFieldNumber, field};
    if (field == T::kNodesFieldNumber || field == T::kPendingFirstFieldNumber ||
        field == T::kPendingLastFieldNumber)
      continue;  // companions: asked for through their count
    bool is_string = field != T::kNodeCountFieldNumber && field != T::kPendingCountFieldNumber;
    pb::ListingTable one = table_of(jobs, ListingColumns{field});
    if (field == T::kNodeCountFieldNumber) want.insert({T::kNodesFieldNumber, T::kStringsFieldNumber});
    if (field == T::kPendingCountFieldNumber)
      want.insert({T::kPendingFirstFieldNumber, T::kPendingLastFieldNumber});
    std::set<int> got = fields_sent(one.SerializeAsString());
    got.erase(T::kStringsFieldNumber);  // sent when a string column is asked for
    want.erase(T::kStringsFieldNumber);
    EXPECT_EQ(got, want) << "field " << field << (is_string ? "" : " (list)");
  }
  // Asked for nothing, a table still has its rows and ids.
  pb::ListingTable bare = table_of(jobs, ListingColumns{});
  EXPECT_EQ(bare.rows(), jobs.size());
  EXPECT_EQ(bare.job_id_size(), static_cast<int>(jobs.size()));
  EXPECT_TRUE(bare.name().empty() && bare.state().empty());
}

// The issue's requirement: each format code printed from a table built with
// only the columns it asks for equals its print from the full table.
TEST(ListingColumns, EveryFormatCodePrintsTheSameFromItsColumnsAlone) {
  std::vector<pb::JobRecord> jobs = varied_records();
  pb::ListingTable full = table_of(jobs, ListingColumns::all());
  std::vector<std::pair<std::string, SqueueLayout>> layouts = every_column();
  EXPECT_GE(layouts.size(), 75u);
  for (const auto& [code, layout] : layouts) {
    ListingColumns columns = squeue_listing_columns(layout, {});
    EXPECT_FALSE(columns.is_all()) << code;
    pb::ListingTable masked = table_of(jobs, columns);
    for (bool expand : {false, true}) {
      std::string want = render(layout, full, expand);
      EXPECT_EQ(render(layout, masked, expand), want) << code << (expand ? " -r" : "");
    }
  }
}

// Not vacuous: leaving out a column a cell reads changes what it prints.
TEST(ListingColumns, ATableWithoutAColumnsFieldsPrintsDifferently) {
  std::vector<pb::JobRecord> jobs = varied_records();
  pb::ListingTable full = table_of(jobs, ListingColumns::all());
  for (const char* format : {"%j", "%u", "%M", "%R", "%t", "%D", "%P", "%Z", "%e"}) {
    Result<SqueueLayout> layout = parse_squeue_format(format);
    ASSERT_TRUE(layout);
    pb::ListingTable ids_only = table_of(jobs, squeue_listing_columns({}, {}));
    EXPECT_NE(render(*layout, ids_only, false), render(*layout, full, false)) << format;
  }
}

TEST(ListingColumns, EverySortKeyOrdersTheSameFromItsColumnsAlone) {
  std::vector<pb::JobRecord> jobs = varied_records();
  pb::ListingTable full = table_of(jobs, ListingColumns::all());
  auto order = [&](const pb::ListingTable& table, const std::vector<SqueueSortKey>& keys) {
    Result<ListingTableReader> reader = ListingTableReader::open(table);
    SqueueSorter sorter(keys, kNow);
    for (size_t i = 0; i < reader->rows(); ++i) sorter.add(reader->row(i));
    return sorter.order([&](size_t i) -> const pb::JobRecord& { return reader->row(i); });
  };
  size_t keys_tried = 0;
  for (char c = ' '; c <= '~'; ++c) {
    for (const char* sign : {"", "-"}) {
      Result<std::vector<SqueueSortKey>> keys = parse_squeue_sort(std::string(sign) + c);
      if (!keys || keys->empty()) continue;
      ++keys_tried;
      pb::ListingTable masked = table_of(jobs, squeue_listing_columns({}, *keys));
      EXPECT_EQ(order(masked, *keys), order(full, *keys)) << sign << c;
    }
  }
  EXPECT_GE(keys_tried, 100u);
}

TEST(ListingColumns, SqueuesOwnFiltersKeepTheSameFromTheirColumnsAlone) {
  std::vector<pb::JobRecord> jobs = varied_records();
  pb::ListingTable full = table_of(jobs, ListingColumns::all());
  std::vector<QueueQuery> queries(6);
  queries[0].states = "PD,CG,R";
  queries[1].accounts = "acct1,ACCT2";
  queries[2].qos = "qos0";
  queries[3].reservation = "resv1";
  queries[4].nodelist = "node[2-3]";
  queries[5].states = "CD";
  for (const QueueQuery& query : queries) {
    Result<QueueFilter> filter = make_queue_filter(query);
    ASSERT_TRUE(filter) << filter.error();
    ListingColumns columns = squeue_listing_columns({}, {}) | filter->columns();
    pb::ListingTable masked = table_of(jobs, columns);
    Result<ListingTableReader> a = ListingTableReader::open(full);
    Result<ListingTableReader> b = ListingTableReader::open(masked);
    std::string kept_full, kept_masked;
    for (size_t i = 0; i < jobs.size(); ++i) {
      kept_full += filter->keep(a->row(i)) ? '1' : '0';
      kept_masked += filter->keep(b->row(i)) ? '1' : '0';
    }
    EXPECT_EQ(kept_masked, kept_full);
    EXPECT_NE(kept_full.find('1'), std::string::npos);  // some kept,
    EXPECT_NE(kept_full.find('0'), std::string::npos);  // some not
  }
}

// squeue's default listing asks for little: none of the paths, accounts and
// the like that make up most of a record.
TEST(ListingColumns, TheDefaultListingAsksForItsColumnsOnly) {
  Result<SqueueLayout> layout = parse_squeue_format(kSqueueDefaultFormat);
  Result<std::vector<SqueueSortKey>> keys = parse_squeue_sort(kSqueueDefaultSort);
  ASSERT_TRUE(layout && keys);
  ListingColumns columns = squeue_listing_columns(*layout, *keys);
  for (int field : {T::kJobIdFieldNumber, T::kPartitionFieldNumber, T::kSpecPartitionFieldNumber, T::kNameFieldNumber,
                    T::kUserNameFieldNumber, T::kStateFieldNumber, T::kReasonFieldNumber, T::kNodeCountFieldNumber,
                    T::kPriorityFieldNumber, T::kStartTimeFieldNumber})
    EXPECT_TRUE(columns.has(field)) << field;
  for (int field : {T::kWorkDirFieldNumber, T::kCommandFieldNumber, T::kStdoutPatternFieldNumber,
                    T::kAccountFieldNumber, T::kSubmitTimeFieldNumber, T::kGidFieldNumber})
    EXPECT_FALSE(columns.has(field)) << field;
}

// The sorter keeps nothing while records come in order and works out the
// keys of the ones before the first out of place when asked for the order:
// the same set of records comes out the same however it went in.
TEST(SqueueSorter, TheSameOrderWhetherRecordsComeSortedOrNot) {
  std::vector<pb::JobRecord> jobs = varied_records();
  auto sorted_ids = [&](const std::vector<const pb::JobRecord*>& in, const char* spec) {
    Result<std::vector<SqueueSortKey>> keys = parse_squeue_sort(spec);
    SqueueSorter sorter(*keys, kNow);
    for (const pb::JobRecord* job : in) sorter.add(*job);
    std::vector<uint32_t> order = sorter.order([&](size_t i) -> const pb::JobRecord& { return *in[i]; });
    std::vector<const pb::JobRecord*> out;
    for (uint32_t i : order) out.push_back(in[i]);
    return out;
  };
  auto ids = [](const std::vector<const pb::JobRecord*>& v) {
    std::string text;
    for (const pb::JobRecord* job : v) text += std::to_string(job->job_id()) + " ";
    return text;
  };
  for (const char* spec : {"P,t,-p", "-t,j,u", "M,-i", "-V,P"}) {
    std::vector<const pb::JobRecord*> in;
    for (const pb::JobRecord& job : jobs) in.push_back(&job);
    std::vector<const pb::JobRecord*> want = sorted_ids(in, spec);
    EXPECT_NE(ids(want), ids(in)) << spec;  // the sort did something
    // Sorted already: unchanged.
    EXPECT_EQ(ids(sorted_ids(want, spec)), ids(want)) << spec;
    // The first out of place at the very end, in the middle, at the start.
    for (size_t at : {want.size() - 1, want.size() / 2, size_t{1}}) {
      std::vector<const pb::JobRecord*> moved = want;
      std::swap(moved[at], moved[at - 1]);
      EXPECT_EQ(ids(sorted_ids(moved, spec)), ids(want)) << spec << " swapped at " << at;
    }
    std::vector<const pb::JobRecord*> reversed(want.rbegin(), want.rend());
    EXPECT_EQ(ids(sorted_ids(reversed, spec)), ids(want)) << spec;
  }
}

}  // namespace
}  // namespace drover
