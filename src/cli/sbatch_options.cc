#include "sbatch_options.h"

#include <cstdlib>

namespace drover::sbatch {

void add_options(CLI::App& app, Options& o) {
  app.add_option("-J,--job-name", o.job_name, "name of the job");
  app.add_option("-p,--partition", o.partition, "partition to run in");
  app.add_option("-N,--nodes", o.nodes, "number of nodes (min[-max])");
  app.add_option("-n,--ntasks", o.ntasks, "number of tasks");
  app.add_option("-c,--cpus-per-task", o.cpus_per_task, "CPUs per task");
  app.add_option("--mem", o.mem, "memory per node (MB, or with K/M/G/T)");
  app.add_option("-t,--time", o.time, "time limit");
  app.add_option("-o,--output", o.output, "stdout file pattern");
  app.add_option("-e,--error", o.error, "stderr file pattern");
  app.add_option("-i,--input", o.input, "stdin file");
  app.add_option("-D,--chdir", o.chdir, "working directory of the job");
  app.add_option("-a,--array", o.array, "job array index values");
  app.add_option("--export", o.export_env, "environment to export: ALL, NONE, or [ALL,]VAR[=val],...");
  app.add_option("--wrap", o.wrap, "wrap a command in a sh script");
  app.add_flag("--exclusive", o.exclusive, "allocate whole nodes");
  app.add_flag("-H,--hold", o.hold, "submit held");
  app.add_option("-d,--dependency", o.dependency, "defer the job until these jobs reach a state (afterok:id,...)");
  app.add_option("-b,--begin", o.begin, "defer the job until this time (now+1hour, 16:00, 2030-01-31T12:00)");
  app.add_flag("-W,--wait", o.wait, "wait for the job to end; exit with its exit code");
  app.add_option("--kill-on-invalid-dep", o.kill_on_invalid_dep, "yes: cancel the job if its dependency fails");
  app.add_flag("--parsable", o.parsable, "print only the job id");
  app.add_flag("-Q,--quiet", o.quiet, "print nothing on success");
  app.add_flag("--requeue", o.requeue, "the job may be requeued");
  app.add_flag("--no-requeue", o.no_requeue, "the job may not be requeued");
  app.add_flag("-v,--verbose", o.verbose, "more messages");
  // Accepted for compatibility; see docs/compatibility.md.
  app.add_option("-A,--account", o.account, "account (accepted, not enforced)");
  app.add_option("-q,--qos", o.qos, "quality of service (accepted, not enforced)");
  app.add_option("--comment", o.comment, "comment (accepted)");
  app.add_option("--mail-type", o.mail_type, "mail events (accepted, no mail is sent)");
  app.add_option("--mail-user", o.mail_user, "mail address (accepted, no mail is sent)");
  app.add_option("--open-mode", o.open_mode, "append or truncate (accepted)");
}

std::vector<std::string> options_from_environment() {
  struct Mapping {
    const char* variable;
    const char* option;
    bool flag;
  };
  static const Mapping kMappings[] = {
      {"SBATCH_JOB_NAME", "--job-name", false},   {"SBATCH_PARTITION", "--partition", false},
      {"SBATCH_TIMELIMIT", "--time", false},      {"SBATCH_ARRAY_INX", "--array", false},
      {"SBATCH_OUTPUT", "--output", false},       {"SBATCH_ERROR", "--error", false},
      {"SBATCH_INPUT", "--input", false},         {"SBATCH_EXPORT", "--export", false},
      {"SBATCH_MEM_PER_NODE", "--mem", false},    {"SBATCH_ACCOUNT", "--account", false},
      {"SBATCH_QOS", "--qos", false},             {"SBATCH_EXCLUSIVE", "--exclusive", true},
      {"SBATCH_REQUEUE", "--requeue", true},      {"SBATCH_NO_REQUEUE", "--no-requeue", true},
      {"SBATCH_WAIT", "--wait", true},
  };
  std::vector<std::string> words;
  for (const Mapping& m : kMappings) {
    const char* value = std::getenv(m.variable);
    if (!value) continue;
    if (m.flag) {
      std::string v = value;
      if (v.empty() || v == "yes" || (v.find_first_not_of("0123456789") == std::string::npos && std::stoul(v) != 0))
        words.push_back(m.option);
    } else {
      words.push_back(std::string(m.option) + "=" + value);
    }
  }
  return words;
}

}  // namespace drover::sbatch
