// sinfo: view nodes and partitions, in Slurm's formats.
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <ctime>
#include <thread>

#include "drover/cli_util.h"
#include "drover/hostlist.h"
#include "drover/queue_json.h"
#include "drover/sinfo_format.h"

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

[[noreturn]] void fail(const std::string& message) {
  cli::print_error("sinfo", message);
  std::exit(1);
}

}  // namespace

int main(int argc, char** argv) {
  CLI::App app{"sinfo: view Drover nodes and partitions"};
  SinfoOptions options;
  app.set_help_flag("--help", "print this help and exit");
  bool no_header = false, long_format = false, summarize = false, all = false, json = false;
  std::string partitions, states, format, format_long, nodes, iterate, config_flag;
  app.add_flag("-a,--all", all, "all partitions (every partition is visible)");
  app.add_flag("-d,--dead", options.dead_only, "only nodes that do not respond");
  app.add_flag("-e,--exact", options.exact, "group only nodes with identical CPUs, memory ...");
  app.add_flag("-h,--noheader", no_header, "no header line");
  app.add_option("-i,--iterate", iterate, "repeat every N seconds");
  app.add_flag("-l,--long", long_format, "long format");
  app.add_option("-n,--nodes", nodes, "nodes (hostlist)");
  app.add_flag("-N,--Node", options.node_oriented, "one line per node");
  app.add_option("-o,--format", format, "output format");
  app.add_option("-O,--Format", format_long, "output fields: Name[:[.][size][suffix]],...");
  app.add_option("-p,--partition", partitions, "partitions, comma separated");
  app.add_flag("-r,--responding", options.responding_only, "only nodes that respond");
  app.add_flag("-R,--list-reasons", options.reasons, "why nodes are down, drained or failing");
  app.add_option("-S,--sort", options.sort, "sort keys: [+|-][#]letter,...");
  app.add_flag("-s,--summarize", summarize, "one line per partition, node counts by state");
  app.add_option("-t,--states", states, "node states, comma separated");
  app.add_flag("--json", json, "every node and partition, as JSON");
  int verbose = 0;
  app.add_flag("-v,--verbose", verbose, "more messages (accepted; sinfo prints nothing extra)");
  app.add_option("--config", config_flag, "Drover configuration file");
  app.set_version_flag("-V,--version", cli::kSlurmVersion);
  std::vector<std::string> args = cli::args_joining(argc, argv, {{"-S", "--sort"}, {"--sort", "--sort"}});
  try {
    app.parse(args);
  } catch (const CLI::ParseError& e) {
    return app.exit(e);
  }

  int period = 0;
  if (!iterate.empty()) {
    period = std::atoi(iterate.c_str());
    if (period <= 0) fail("--iterate=" + iterate);
  }
  if (partitions.empty()) {
    if (const char* env = std::getenv("SINFO_PARTITION"); env && *env) partitions = env;
  }
  if (options.sort.empty()) {
    if (const char* env = std::getenv("SINFO_SORT"); env && *env) options.sort = env;
  }
  options.header = !no_header;
  options.partitions = cli::split_list(partitions);
  options.states = cli::split_list(states);
  if (!nodes.empty()) {
    auto names = hostlist::expand(nodes);
    if (!names) fail("Invalid node name specified: " + nodes);
    options.nodes = std::move(*names);
  }
  if (!format.empty()) {
    options.format = format;
  } else if (!format_long.empty()) {
    options.format = format_long;
    options.long_fields = true;
  } else if (const char* env = std::getenv("SINFO_FORMAT"); env && *env && !long_format && !summarize &&
                                                          !options.reasons && !options.node_oriented) {
    options.format = env;
  } else {
    options.format = sinfo_view_format(options.node_oriented, long_format, summarize, options.reasons);
  }

  ControllerClient client(load_cli_config("sinfo", config_flag));
  pb::Message request;
  request.mutable_list_nodes();
  for (;;) {
    pb::Message reply = cli::call_or_exit(client, request, "sinfo", "slurm_load_partitions: ", false);
    if (json) {
      std::string text = sinfo_json(reply.list_nodes_reply());
      std::fwrite(text.data(), 1, text.size(), stdout);
      return 0;
    }
    Result<std::string> text = format_sinfo(reply.list_nodes_reply(), options);
    if (!text) fail(text.error());
    // Slurm dates the long view and every iteration.
    if (long_format || period) std::printf("%s\n", date_line().c_str());
    std::fwrite(text->data(), 1, text->size(), stdout);
    if (!period) return 0;
    std::printf("\n");
    std::fflush(stdout);
    std::this_thread::sleep_for(std::chrono::seconds(period));
  }
}
