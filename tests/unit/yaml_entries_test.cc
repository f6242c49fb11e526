// Picking a command's top-level entries out of the configuration for
// yaml-cpp (CLI start-up, issue 6): what is kept, that line numbers stay,
// and every layout that cannot be split by lines is declined.
#include "drover/yaml_entries.h"

#include <gtest/gtest.h>

#include <string>

namespace drover {
namespace {

std::optional<std::string> pick(std::string_view text) { return top_level_entries(text, {"cluster", "controller", "auth"}); }

TEST(TopLevelEntries, KeepsTheWantedEntriesAndBlanksTheRestLineForLine) {
  const char* text =
      "# comment\n"
      "cluster: pi\n"
      "state_dir: /var/lib/drover\n"
      "controller:\n"
      "  host: head   # the head node\n"
      "  port: 6817\n"
      "nodes:\n"
      "  - {names: \"n[1-3]\", cpus: 4}\n"
      "\n"
      "auth: {key_file: /k, ttl_s: 300}\n"
      "partitions:\n"
      "  - {name: p, nodes: ALL}\n";
  EXPECT_EQ(pick(text), std::optional<std::string>("\n"
                                                   "cluster: pi\n"
                                                   "\n"
                                                   "controller:\n"
                                                   "  host: head   # the head node\n"
                                                   "  port: 6817\n"
                                                   "\n"
                                                   "\n"
                                                   "\n"
                                                   "auth: {key_file: /k, ttl_s: 300}\n"
                                                   "\n"
                                                   "\n"));
}

TEST(TopLevelEntries, KeysAreMatchedWholeAndMayHaveSpacesBeforeTheColon) {
  EXPECT_EQ(pick("clusters: a\ncluster : b\nauth:\n"), std::optional<std::string>("\ncluster : b\nauth:\n"));
  EXPECT_EQ(pick("auth:\r\n  ttl_s: 5\r\nnodes: []\r\n"), std::optional<std::string>("auth:\r\n  ttl_s: 5\r\n\n"));
  EXPECT_EQ(pick("cluster: x"), std::optional<std::string>("cluster: x"));  // no final newline
  EXPECT_EQ(pick(""), std::optional<std::string>(""));
}

TEST(TopLevelEntries, DeclinesWhatLinesCannotSplit) {
  for (const char* text : {
           "{cluster: a, auth: {ttl_s: 1}}\n",      // a flow mapping at the top
           "---\ncluster: a\n",                      // document marker
           "%YAML 1.2\n---\ncluster: a\n",           // directive
           "\xEF\xBB\xBF" "cluster: a\n",           // byte-order mark
           "\"cluster\": a\n",                       // quoted key
           "? cluster\n: a\n",                       // complex key
           "- a\n- b\n",                              // a sequence
           "  cluster: a\n  auth: {}\n",              // an indented mapping
           "cluster: \"a\nb\"\n",                    // a scalar continued at column 0
           "cluster:a\n",                             // a plain scalar, not an entry
           "auth: &a {ttl_s: 1}\n...\n",             // document end
       }) {
    EXPECT_EQ(pick(text), std::nullopt) << text;
  }
}

TEST(TopLevelEntries, ALineThatOnlyLooksLikeAnEntryLeavesAnUnparseableSelection) {
  // A flow mapping continued at column 0: the continuation is taken for an
  // entry and blanked, which leaves the mapping unclosed, so yaml-cpp
  // refuses the selection and the caller parses the whole document.
  EXPECT_EQ(pick("controller: {host: a,\nport: 1}\n"), std::optional<std::string>("controller: {host: a,\n\n"));
}

}  // namespace
}  // namespace drover
