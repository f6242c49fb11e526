// sinfo: view nodes and partitions, in Slurm's formats.
#include <cstdio>
#include <cstdlib>

#include "drover/cli_util.h"
#include "drover/sinfo_format.h"

using namespace drover;

int main(int argc, char** argv) {
  CLI::App app{"sinfo: view Drover nodes and partitions"};
  SinfoOptions options;
  app.set_help_flag("--help", "print this help and exit");
  bool no_header = false;
  std::string partitions, states, format, config_flag;
  app.add_flag("-h,--noheader", no_header, "no header line");
  app.add_flag("-N,--Node", options.node_oriented, "one line per node");
  app.add_option("-p,--partition", partitions, "partitions, comma separated");
  app.add_option("-t,--states", states, "node states, comma separated");
  app.add_option("-o,--format", format, "output format");
  app.add_option("--config", config_flag, "Drover configuration file");
  app.set_version_flag("-V,--version", cli::kSlurmVersion);
  CLI11_PARSE(app, argc, argv);

  options.header = !no_header;
  options.partitions = cli::split_list(partitions);
  for (const std::string& s : cli::split_list(states)) {
    static const char* kKnown[] = {"idle", "alloc", "allocated", "mix", "mixed", "down", "unk", "unknown", "drain"};
    std::string lower;
    for (char c : s) lower.push_back(static_cast<char>(std::tolower(static_cast<unsigned char>(c))));
    if (std::find(std::begin(kKnown), std::end(kKnown), lower) == std::end(kKnown)) {
      cli::print_error("sinfo", "Bad state string: \"" + s + "\"");
      return 1;
    }
    if (lower == "allocated") lower = "alloc";
    if (lower == "mixed") lower = "mix";
    if (lower == "unknown") lower = "unk";
    options.states.push_back(lower);
  }
  if (!format.empty()) {
    options.format = format;
  } else if (const char* env = std::getenv("SINFO_FORMAT"); env && *env) {
    options.format = env;
  } else if (options.node_oriented) {
    options.format = kSinfoNodeFormat;
  }

  ControllerClient client(load_cli_config("sinfo", config_flag));
  pb::Message request;
  request.mutable_list_nodes();
  pb::Message reply = cli::call_or_exit(client, request, "sinfo", "slurm_load_partitions: ", false);
  Result<std::string> text = format_sinfo(reply.list_nodes_reply(), options);
  if (!text) {
    cli::print_error("sinfo", text.error());
    return 1;
  }
  std::fwrite(text->data(), 1, text->size(), stdout);
  return 0;
}
