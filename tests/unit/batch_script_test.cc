// sbatch's script sanity checks and #SBATCH parsing against Slurm 22.05 (spec §1.5).
#include "drover/batch_script.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace drover {
namespace {

using namespace std::string_literals;
using Words = std::vector<std::string>;

// ---- check_batch_script -------------------------------------------------------

struct CheckCase {
  std::string name;
  std::string script;
  std::string error;  // empty: the script passes
};

class ScriptCheck : public testing::TestWithParam<CheckCase> {};

TEST_P(ScriptCheck, ReportsSbatchMessage) {
  const CheckCase& c = GetParam();
  Status status = check_batch_script(c.script);
  if (c.error.empty()) {
    EXPECT_TRUE(status) << status.error();
  } else {
    ASSERT_FALSE(status);
    EXPECT_EQ(status.error(), c.error);
  }
}

const std::string kNotAScript =
    "This does not look like a batch script.  The first\n"
    "line must start with #! followed by the path to an interpreter.\n"
    "For instance: #!/bin/sh";
const std::string kNul =
    "The Slurm controller does not allow scripts that\n"
    "contain a NULL character '\\0'.";
const std::string kDos =
    "Batch script contains DOS line breaks (\\r\\n)\n"
    "instead of expected UNIX line breaks (\\n).";

INSTANTIATE_TEST_SUITE_P(
    Slurm, ScriptCheck,
    testing::Values(
        CheckCase{"Valid", "#!/bin/bash\nhostname\n", ""},
        CheckCase{"ValidShebangOnly", "#!/bin/sh", ""},
        CheckCase{"Empty", "", "Batch script is empty!"},
        CheckCase{"OnlyWhitespace", " \n\t\n", "Batch script contains only whitespace!"},
        CheckCase{"OnlyNewline", "\n", "Batch script contains only whitespace!"},
        CheckCase{"NoShebang", "hostname\n", kNotAScript},
        CheckCase{"ShebangNotFirst", "\n#!/bin/bash\nhostname\n", kNotAScript},
        CheckCase{"HashWithoutBang", "# !/bin/bash\n", kNotAScript},
        CheckCase{"Nul", "#!/bin/sh\necho a\0b\n"s, kNul},
        CheckCase{"Dos", "#!/bin/sh\r\nhostname\r\n", kDos},
        CheckCase{"LoneCarriageReturnIsFine", "#!/bin/sh\necho a\rb\n", ""},
        // The first failing check wins, in sbatch's order.
        CheckCase{"NoShebangBeatsDos", "hostname\r\n", kNotAScript},
        CheckCase{"NulBeatsDos", "#!/bin/sh\r\n\0"s, kNul}),
    [](const testing::TestParamInfo<CheckCase>& info) { return info.param.name; });

// ---- extract_directives -------------------------------------------------------

struct DirectiveCase {
  std::string name;
  std::string script;
  Words words;
};

class Directives : public testing::TestWithParam<DirectiveCase> {};

TEST_P(Directives, ExtractsOptionWords) {
  const DirectiveCase& c = GetParam();
  auto words = extract_directives(c.script);
  ASSERT_TRUE(words) << words.error();
  EXPECT_EQ(*words, c.words);
}

INSTANTIATE_TEST_SUITE_P(
    Slurm, Directives,
    testing::Values(
        DirectiveCase{"SeedScript",
                      "#!/bin/bash\n"
                      "#SBATCH --nodes=1\n"
                      "#SBATCH --partition=picluster\n"
                      "#SBATCH --exclusive\n"
                      "hostname\n"
                      "#SBATCH --ignored-after-command\n",
                      {"--nodes=1", "--partition=picluster", "--exclusive"}},
        DirectiveCase{"NoDirectives", "#!/bin/sh\nhostname\n", {}},
        DirectiveCase{"EmptyScript", "", {}},
        DirectiveCase{"NoTrailingNewline", "#!/bin/sh\n#SBATCH -N 2", {"-N", "2"}},
        DirectiveCase{"SeveralWordsPerLine", "#!/bin/sh\n#SBATCH -N 2 -t 10\n",
                      {"-N", "2", "-t", "10"}},
        DirectiveCase{"TabsSeparate", "#!/bin/sh\n#SBATCH\t-N\t2\n", {"-N", "2"}},
        DirectiveCase{"BareMagicWord", "#!/bin/sh\n#SBATCH\n#SBATCH -N1\n", {"-N1"}},
        DirectiveCase{"BlankLinesAndCommentsSkipped",
                      "#!/bin/sh\n\n   \n# a comment\n#SBATCH -J a\n\n#SBATCH -N1\n",
                      {"-J", "a", "-N1"}},
        DirectiveCase{"IndentedDirectiveSkipped",
                      "#!/bin/sh\n  #SBATCH --indented\n#SBATCH -N1\n", {"-N1"}},
        DirectiveCase{"SpacedDirectiveSkipped",
                      "#!/bin/sh\n# SBATCH --spaced\n#SBATCH -N1\n", {"-N1"}},
        DirectiveCase{"CaseSensitive", "#!/bin/sh\n#sbatch -N3\n#SBATCH -N1\n", {"-N1"}},
        DirectiveCase{"MagicWordMustEnd", "#!/bin/sh\n#SBATCHX -N3\n#SBATCH -N1\n", {"-N1"}},
        DirectiveCase{"StopsAtIndentedCommand", "#!/bin/sh\n  echo hi\n#SBATCH -N1\n", {}},
        DirectiveCase{"TrailingComment", "#!/bin/sh\n#SBATCH -t 10 # ten min\n", {"-t", "10"}},
        DirectiveCase{"CommentEndsWord", "#!/bin/sh\n#SBATCH -t 10#ten\n", {"-t", "10"}},
        DirectiveCase{"OnlyComment", "#!/bin/sh\n#SBATCH # nothing here\n", {}},
        DirectiveCase{"DoubleQuotesGroup", "#!/bin/sh\n#SBATCH --job-name=\"my job\"\n",
                      {"--job-name=my job"}},
        DirectiveCase{"SingleQuotesGroup", "#!/bin/sh\n#SBATCH --comment='a b  c'\n",
                      {"--comment=a b  c"}},
        DirectiveCase{"QuotedHashIsText", "#!/bin/sh\n#SBATCH --comment=\"#1 job\"\n",
                      {"--comment=#1 job"}},
        DirectiveCase{"OtherQuoteInsideQuotes", "#!/bin/sh\n#SBATCH -J \"it's\" 'say \"hi\"'\n",
                      {"-J", "it's", "say \"hi\""}},
        DirectiveCase{"EmptyQuotesMakeAWord", "#!/bin/sh\n#SBATCH --comment= \"\"\n",
                      {"--comment=", ""}},
        DirectiveCase{"BackslashEscapesSpace", "#!/bin/sh\n#SBATCH -o dir\\ out%j\n",
                      {"-o", "dir out%j"}},
        DirectiveCase{"BackslashEscapesQuote", "#!/bin/sh\n#SBATCH -J a\\\"b\n", {"-J", "a\"b"}},
        DirectiveCase{"BackslashEscapesHash", "#!/bin/sh\n#SBATCH -J a\\#b\n", {"-J", "a#b"}},
        DirectiveCase{"BackslashInsideQuotes", "#!/bin/sh\n#SBATCH -J \"a\\\"b\"\n",
                      {"-J", "a\"b"}}),
    [](const testing::TestParamInfo<DirectiveCase>& info) { return info.param.name; });

struct UnmatchedCase {
  std::string name;
  std::string script;
  std::string error;
};

class UnmatchedQuote : public testing::TestWithParam<UnmatchedCase> {};

TEST_P(UnmatchedQuote, FailsNamingLineAndQuote) {
  const UnmatchedCase& c = GetParam();
  auto words = extract_directives(c.script);
  ASSERT_FALSE(words);
  EXPECT_EQ(words.error(), c.error);
}

INSTANTIATE_TEST_SUITE_P(
    Slurm, UnmatchedQuote,
    testing::Values(
        UnmatchedCase{"Double", "#!/bin/sh\n#SBATCH -N1\n#SBATCH --job-name=\"my job\n",
                      "line 3: Unmatched `\"` in [#SBATCH --job-name=\"my job]"},
        UnmatchedCase{"Single", "#!/bin/sh\n\n#SBATCH -J 'x\n",
                      "line 3: Unmatched `'` in [#SBATCH -J 'x]"},
        UnmatchedCase{"OpenerIsReported", "#!/bin/sh\n#SBATCH -J \"it's\n",
                      "line 2: Unmatched `\"` in [#SBATCH -J \"it's]"}),
    [](const testing::TestParamInfo<UnmatchedCase>& info) { return info.param.name; });

TEST(Directives, UnmatchedQuoteAfterFirstCommandIsIgnored) {
  auto words = extract_directives("#!/bin/sh\nhostname\n#SBATCH -J \"x\n");
  ASSERT_TRUE(words) << words.error();
  EXPECT_TRUE(words->empty());
}

}  // namespace
}  // namespace drover
