// Helpers shared by the Slurm-compatible CLIs: Slurm's error conventions
// and the request/reply round trip.
#pragma once
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include <CLI/CLI.hpp>

#include "drover/client.h"

namespace drover::cli {

inline constexpr const char* kSlurmVersion = "slurm 22.05.8 (drover " DROVER_VERSION ")";

// "<cmd>: error: <message>" on stderr, one line per '\n'-separated part.
void print_error(const std::string& command, const std::string& message);

// Runs a request; on failure prints "<cmd>: error: <prefix><error>" (or,
// when !under_command, "<prefix><error>" as libslurm's perror does) after
// any detail line from the controller, and exits 1.
pb::Message call_or_exit(ControllerClient& client, const pb::Message& request, const std::string& command,
                         const std::string& prefix, bool under_command = true);

// Prints a failed call's error as call_or_exit does, and exits 1.
[[noreturn]] void exit_with_error(const std::string& command, const std::string& prefix, std::string error,
                                  bool under_command = true);

// argv for CLI11's App::parse(std::vector<std::string>&) (reversed, without
// the program name), with each of `options` joined to the next argument as
// "--long=value": getopt gives "-S -i" its argument although it starts with
// '-', where CLI11 would read "-i" as an option.
std::vector<std::string> args_joining(int argc, char** argv,
                                      const std::vector<std::pair<std::string, std::string>>& options);

// Parses the command line of a command that runs another (sbatch's script,
// srun's and salloc's command: CLI11's prefix_command). Returns the exit
// code when the command should stop here: --help, --version, or a bad or
// unknown option (255, with Slurm's "Try ... --help" line). Remaining words
// are app.remaining(); a leading "--" among them is dropped.
std::optional<int> parse_prefix_command(CLI::App& app, int argc, char** argv, const char* command,
                                        std::vector<std::string>& rest);

// 32 random hex digits: a submission's token, so that a retried request
// is answered with the job it already made.
std::string random_token();

// Splits "a,b,c" (empty items dropped).
std::vector<std::string> split_list(const std::string& text, char separator = ',');

// Users by name or uid; unknown ones are reported and skipped.
std::vector<uint32_t> resolve_users(const std::string& command, const std::string& list, bool& all_valid);

}  // namespace drover::cli
