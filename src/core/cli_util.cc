#include "drover/cli_util.h"

#include <pwd.h>
#include <sodium.h>

#include <algorithm>
#include <cstdio>
#include <cstdlib>

namespace drover::cli {

void print_error(const std::string& command, const std::string& message) {
  size_t start = 0;
  while (start <= message.size()) {
    size_t end = message.find('\n', start);
    if (end == std::string::npos) end = message.size();
    std::fprintf(stderr, "%s: error: %s\n", command.c_str(), message.substr(start, end - start).c_str());
    start = end + 1;
  }
}

pb::Message call_or_exit(ControllerClient& client, const pb::Message& request, const std::string& command,
                         const std::string& prefix, bool under_command) {
  Result<pb::Message> reply = client.call(request);
  if (reply) return std::move(*reply);
  exit_with_error(command, prefix, reply.error(), under_command);
}

void exit_with_error(const std::string& command, const std::string& prefix, std::string error, bool under_command) {
  // A detail line from the controller comes first, unprefixed by `prefix`.
  size_t newline = error.rfind('\n');
  if (newline != std::string::npos) {
    print_error(command, error.substr(0, newline));
    error = error.substr(newline + 1);
  }
  if (under_command)
    print_error(command, prefix + error);
  else
    std::fprintf(stderr, "%s%s\n", prefix.c_str(), error.c_str());
  std::exit(1);
}

std::vector<std::string> args_joining(int argc, char** argv,
                                      const std::vector<std::pair<std::string, std::string>>& options) {
  std::vector<std::string> args(argv + 1, argv + argc);
  for (size_t i = 0; i + 1 < args.size(); ++i) {
    for (const auto& [given, long_name] : options) {
      if (args[i] != given) continue;
      args[i] = long_name + "=" + args[i + 1];
      args.erase(args.begin() + static_cast<std::ptrdiff_t>(i) + 1);
      break;
    }
  }
  std::reverse(args.begin(), args.end());
  return args;
}

std::vector<std::string> split_list(const std::string& text, char separator) {
  std::vector<std::string> items;
  size_t start = 0;
  while (start <= text.size()) {
    size_t end = text.find(separator, start);
    if (end == std::string::npos) end = text.size();
    if (end > start) items.push_back(text.substr(start, end - start));
    start = end + 1;
  }
  return items;
}

std::vector<uint32_t> resolve_users(const std::string& command, const std::string& list, bool& all_valid) {
  std::vector<uint32_t> uids;
  all_valid = true;
  for (const std::string& user : split_list(list)) {
    if (struct passwd* pw = getpwnam(user.c_str())) {
      uids.push_back(pw->pw_uid);
    } else if (user.find_first_not_of("0123456789") == std::string::npos) {
      uids.push_back(static_cast<uint32_t>(std::stoul(user)));
    } else {
      print_error(command, "Invalid user: " + user);
      all_valid = false;
    }
  }
  return uids;
}

std::string random_token() {
  unsigned char bytes[16];
  randombytes_buf(bytes, sizeof bytes);
  static const char* hex = "0123456789abcdef";
  std::string token;
  for (unsigned char b : bytes) token += {hex[b >> 4], hex[b & 15]};
  return token;
}

std::optional<int> parse_prefix_command(CLI::App& app, int argc, char** argv, const char* command,
                                        std::vector<std::string>& rest) {
  app.prefix_command();
  try {
    app.parse(argc, argv);
  } catch (const CLI::CallForHelp& e) {
    return app.exit(e);
  } catch (const CLI::CallForVersion& e) {
    return app.exit(e);
  } catch (const CLI::ParseError& e) {
    std::fprintf(stderr, "%s: %s\nTry \"%s --help\" for more information\n", command, e.what(), command);
    return 255;
  }
  rest = app.remaining();
  if (!rest.empty() && rest.front() == "--") {
    rest.erase(rest.begin());
  } else if (!rest.empty() && rest.front().size() > 1 && rest.front()[0] == '-') {
    std::fprintf(stderr, "%s: unrecognized option '%s'\nTry \"%s --help\" for more information\n", command,
                 rest.front().c_str(), command);
    return 255;
  }
  return std::nullopt;
}

}  // namespace drover::cli
