// sbatch: submit a batch script, as Slurm's sbatch does.
#include <limits.h>
#include <sys/stat.h>
#include <unistd.h>


#include <algorithm>
#include <chrono>
#include <thread>
#include <cstdio>
#include <ctime>
#include <fstream>
#include <iostream>
#include <iterator>
#include <sstream>

#include "drover/batch_script.h"
#include "drover/begin_time.h"
#include "drover/cli_util.h"
#include "drover/time_format.h"
#include "sbatch_options.h"
#include "sbatch_spec.h"
#include "sbatch_wait.h"

extern char** environ;

using namespace drover;

namespace {

constexpr int kOptionError = 255;

[[noreturn]] void fail(const std::string& message, int code = 1) {
  cli::print_error("sbatch", message);
  std::exit(code);
}

// Parses one source's option words into `options`; only options present
// are changed, which is what lets later sources override earlier ones.
// Memory options are the exception Slurm makes: a source that gives one of
// --mem/--mem-per-cpu/--mem-per-gpu replaces whatever an earlier source gave,
// and giving two in one source is fatal.
// How many of the memory options one source sets; exits if more than one.
int check_memory_options(const sbatch::Options& source) {
  int count = source.mem.has_value() + source.mem_per_cpu.has_value() + source.mem_per_gpu.has_value();
  if (count > 1) {
    std::fprintf(stderr, "sbatch: fatal: --mem, --mem-per-cpu, and --mem-per-gpu are mutually exclusive.\n");
    std::exit(1);
  }
  return count;
}

void apply(std::vector<std::string> words, sbatch::Options& options, bool from_script) {
  // No words change nothing; building the parser twice is most of a
  // submission's CPU time in the client (docs/performance.md).
  if (words.empty()) return;
  const cli::OptionFilter named(words);
  auto parse = [&](sbatch::Options& into) {
    CLI::App app;
    sbatch::add_options(app, into, named);
    std::string config;
    app.add_option("--config", config);
    std::vector<std::string> reversed(words.rbegin(), words.rend());
    try {
      app.parse(reversed);
    } catch (const CLI::ParseError& e) {
      if (from_script) fail("Invalid directive found in batch script: " + std::string(e.what()), kOptionError);
      fail(e.what(), kOptionError);
    }
    if (!app.remaining().empty()) {
      if (from_script) fail("Invalid directive found in batch script: " + app.remaining().front(), kOptionError);
      fail("unrecognized argument '" + app.remaining().front() + "'", kOptionError);
    }
  };
  sbatch::Options alone;
  parse(alone);
  // One source's memory option replaces another source's, whichever it is.
  if (check_memory_options(alone) == 1) options.mem.reset(), options.mem_per_cpu.reset(), options.mem_per_gpu.reset();
  parse(options);
}

std::string cwd() {
  char buf[PATH_MAX];
  return getcwd(buf, sizeof buf) ? buf : "/";
}

std::string absolute(const std::string& path) {
  if (!path.empty() && path[0] == '/') return path;
  return cwd() + "/" + path;
}

std::string hostname() {
  char buf[256] = {};
  gethostname(buf, sizeof buf - 1);
  return buf;
}

bool is_slurm_var(const std::string& var) { return var.rfind("SLURM_", 0) == 0; }

// --export: ALL (default), NONE, or [ALL,]VAR[=value],...
std::vector<std::string> job_environment(const std::optional<std::string>& spec) {
  std::vector<std::string> current;
  for (char** e = environ; *e; ++e) current.emplace_back(*e);
  if (!spec || *spec == "ALL") return current;
  std::vector<std::string> items = cli::split_list(*spec);
  bool all = !items.empty() && items.front() == "ALL";
  std::vector<std::string> env;
  for (const std::string& var : current)
    if (all || is_slurm_var(var)) env.push_back(var);
  for (const std::string& item : items) {
    if (item == "ALL" || item == "NONE") continue;
    size_t eq = item.find('=');
    std::string key = item.substr(0, eq);
    std::erase_if(env, [&](const std::string& v) { return v.compare(0, key.size() + 1, key + "=") == 0; });
    if (eq != std::string::npos) {
      env.push_back(item);
    } else if (const char* value = std::getenv(key.c_str())) {
      env.push_back(key + "=" + value);
    }
  }
  return env;
}

// --export-file: VAR=value entries separated by NUL or newline, added to
// the job's environment (a number names an open file descriptor).
void add_export_file(const std::string& name, pb::JobSpec& spec) {
  bool is_fd = !name.empty() && name.find_first_not_of("0123456789") == std::string::npos;
  std::ifstream file(is_fd ? "/dev/fd/" + name : name, std::ios::binary);
  if (!file) fail("Unable to open file " + name);
  std::string blob(std::istreambuf_iterator<char>(file), {});
  size_t start = 0;
  while (start < blob.size()) {
    size_t end = blob.find_first_of(std::string("\n\0", 2), start);
    if (end == std::string::npos) end = blob.size();
    std::string item = blob.substr(start, end - start);
    if (size_t eq = item.find('='); eq != std::string::npos) {
      std::string key = item.substr(0, eq + 1);
      auto* env = spec.mutable_env();
      env->erase(std::remove_if(env->begin(), env->end(), [&](const std::string& v) { return v.rfind(key, 0) == 0; }),
                 env->end());
      spec.add_env(item);
    }
    start = end + 1;
  }
}

// The first readable regular file called `name` in a $PATH directory, or "".
std::string search_path(const std::string& name) {
  const char* path = std::getenv("PATH");
  for (const std::string& dir : cli::split_list(path ? path : "", ':')) {
    std::string candidate = (dir.empty() ? "." : dir) + "/" + name;
    struct stat st {};
    if (::stat(candidate.c_str(), &st) == 0 && S_ISREG(st.st_mode) && ::access(candidate.c_str(), R_OK) == 0)
      return candidate;
  }
  return "";
}

std::string read_all(std::istream& in) { return std::string(std::istreambuf_iterator<char>(in), {}); }

// Submits; when the request went out but no answer came back (the
// controller died mid-request), the job may or may not exist: retry with
// the same token, which the controller answers with the job it made, for
// up to SBATCH_RETRY_S seconds (default 60).
uint32_t submit(ControllerClient& client, const pb::Message& request) {
  const char* env = std::getenv("SBATCH_RETRY_S");
  int64_t retry_s = env ? std::atoll(env) : 60;
  auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(retry_s);
  bool ambiguous = false;
  auto delay = std::chrono::milliseconds(100);
  for (;;) {
    Result<pb::Message> reply = client.call(request);
    if (reply) return reply->submit_reply().job_id();
    ambiguous = ambiguous || client.last_outcome_unknown();
    if (!ambiguous || reply.error() != kUnreachable)
      cli::exit_with_error("sbatch", "Batch job submission failed: ", reply.error());
    if (std::chrono::steady_clock::now() >= deadline)
      cli::exit_with_error("sbatch", "Batch job submission failed: ",
                           "the controller went away after receiving the request: the job may exist; look for it "
                           "with squeue before submitting again\n" + reply.error());
    std::this_thread::sleep_for(delay);
    delay = std::min(delay * 2, std::chrono::milliseconds(2000));
  }
}

}  // namespace

int main(int argc, char** argv) {
  // First pass: find the script (everything after it belongs to the script).
  sbatch::Options cli_options;
  CLI::App app{"sbatch: submit a batch script to Drover"};
  sbatch::add_options(app, cli_options, cli::OptionFilter(std::vector<std::string>(argv + 1, argv + argc)));
  std::string config_flag;
  app.add_option("--config", config_flag, "Drover configuration file");
  app.set_version_flag("-V,--version", cli::kSlurmVersion);
  std::vector<std::string> rest;
  if (std::optional<int> rc = cli::parse_prefix_command(app, argc, argv, "sbatch", rest)) return *rc;

  if (cli_options.usage) {
    std::printf("Usage: sbatch [-N nnodes] [-n ntasks] [-c ncpus] [-t minutes] [-p partition] [-J jobname]\n"
                "              [-o file] [-e file] [-a array] [--mem=MB] [--wrap=command] [script [args...]]\n");
    return 0;
  }
  pb::JobSpec spec;
  std::string script_name;
  if (cli_options.wrap) {
    if (!rest.empty()) fail("Script arguments not permitted with --wrap option");
    spec.set_script("#!/bin/sh\n# This script was created by sbatch --wrap.\n\n" + *cli_options.wrap + "\n");
    spec.set_name("wrap");
  } else if (rest.empty() || rest.front() == "-" ) {
    spec.set_script(read_all(std::cin));
    spec.set_name("sbatch");
  } else {
    script_name = rest.front();
    std::ifstream file(script_name, std::ios::binary);
    // A bare name not in the current directory is looked up in $PATH, as sbatch does.
    if (!file && script_name.find('/') == std::string::npos) {
      if (std::string found = search_path(script_name); !found.empty()) {
        file.open(found, std::ios::binary);
        script_name = found;
      }
    }
    if (!file) fail("Unable to open file " + rest.front());
    spec.set_script(read_all(file));
    spec.set_name(script_name == "/dev/stdin" ? "sbatch" : script_name.substr(script_name.find_last_of('/') + 1));
    spec.set_command(absolute(script_name));
    for (size_t i = 1; i < rest.size(); ++i) spec.add_argv(rest[i]);
  }
  if (Status s = check_batch_script(spec.script()); !s) fail(s.error());

  // Precedence: #SBATCH directives < SBATCH_* variables < command line.
  sbatch::Options options;
  Result<std::vector<std::string>> directives = extract_directives(spec.script());
  if (!directives) {
    std::fprintf(stderr, "sbatch: fatal: %s: %s\n", script_name.empty() ? "stdin" : script_name.c_str(),
                 directives.error().c_str());
    return 1;
  }
  std::vector<std::string> env_words = sbatch::options_from_environment();
  if (directives->empty() && env_words.empty()) {
    // The command line alone: already parsed above; once more costs as
    // much CPU as the rest of a submission.
    check_memory_options(cli_options);
    options = cli_options;
  } else {
    apply(*directives, options, true);
    apply(env_words, options, false);
    apply(std::vector<std::string>(argv + 1, argv + argc - rest.size()), options, false);
  }

  sbatch::fill_spec(options, cwd(), spec);
  if (options.dependency) spec.set_dependency(*options.dependency);
  if (options.begin) {
    Result<int64_t> begin = parse_begin_time(*options.begin, ::time(nullptr));
    if (!begin) {
      std::fprintf(stderr, "%s\n", begin.error().c_str());
      fail("Invalid --begin specification", kOptionError);
    }
    spec.set_begin_time(*begin);
  }
  if (options.kill_on_invalid_dep) {
    if (*options.kill_on_invalid_dep == "yes") spec.set_kill_on_invalid_dep(true);
    else if (*options.kill_on_invalid_dep == "no") spec.set_no_kill_on_invalid_dep(true);
    else fail("Invalid --kill-on-invalid-dep specification", kOptionError);
  }
  spec.set_submit_dir(cwd());
  spec.set_work_dir(options.chdir ? absolute(*options.chdir) : cwd());
  spec.set_submit_host(hostname());
  if (options.export_env && *options.export_env != "ALL") spec.set_export_spec(*options.export_env);
  for (std::string& var : job_environment(options.export_env)) spec.add_env(std::move(var));
  if (options.export_file) add_export_file(*options.export_file, spec);
  if (const char* user = std::getenv("USER")) spec.set_user_name(user);

  Config config = load_cli_config("sbatch", config_flag);
  sbatch::fill_cluster(options, config, spec);
  spec.set_submit_token(cli::random_token());
  ControllerClient client(config);
  pb::Message request;
  *request.mutable_submit()->mutable_spec() = std::move(spec);
  uint32_t id = submit(client, request);
  // Exactly one line on stdout and nothing on stderr: clients parse it.
  std::string cluster = options.clusters ? config.cluster : "";
  if (options.parsable)
    std::printf(cluster.empty() ? "%u\n" : "%u;%s\n", id, cluster.c_str());
  else if (!options.quiet)
    std::printf(cluster.empty() ? "Submitted batch job %u\n" : "Submitted batch job %u on cluster %s\n", id,
                cluster.c_str());
  if (options.wait || cli_options.wait) {
    std::fflush(stdout);
    return sbatch::wait_for_job(client, id);
  }
  return 0;
}
