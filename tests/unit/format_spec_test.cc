// The "%[.][#][width]code" format language shared by squeue and sinfo.
#include "drover/format_spec.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace drover {
namespace {

constexpr std::string_view kPrefix = "Invalid test format specification: ";

bool is_code(char code) { return std::string_view("iPjD").find(code) != std::string_view::npos; }

// One piece as a compact string: "'text'" for literals, "%[.][#]<width>c" for fields.
std::string show(const FormatPiece& piece) {
  if (!piece.code) return "'" + piece.text + "'";
  std::string s = "%";
  if (piece.right) s += '.';
  if (piece.fitted) s += '#';
  return s + std::to_string(piece.width) + piece.code;
}

struct ParseCase {
  std::string format;
  bool allow_fitted;
  std::vector<std::string> pieces;  // or, if error is set, nothing
  std::string error;                // after kPrefix
};

class FormatSpecParse : public testing::TestWithParam<ParseCase> {};

TEST_P(FormatSpecParse, PiecesOrError) {
  const ParseCase& c = GetParam();
  auto parsed = parse_format_spec(c.format, is_code, kPrefix, c.allow_fitted);
  if (!c.error.empty()) {
    ASSERT_FALSE(parsed) << c.format;
    EXPECT_EQ(parsed.error(), std::string(kPrefix) + c.error);
    return;
  }
  ASSERT_TRUE(parsed) << parsed.error();
  std::vector<std::string> got;
  for (const FormatPiece& piece : *parsed) got.push_back(show(piece));
  EXPECT_EQ(got, c.pieces) << c.format;
}

INSTANTIATE_TEST_SUITE_P(
    FormatSpec, FormatSpecParse,
    testing::Values(
        ParseCase{"", false, {}, ""},
        ParseCase{"plain text", false, {"'plain text'"}, ""},
        ParseCase{"%%", false, {"'%'"}, ""},
        ParseCase{"100%% %i", false, {"'100% '", "%0i"}, ""},
        ParseCase{"%i%P", false, {"%0i", "%0P"}, ""},
        ParseCase{"%.18i %9P|", false, {"%.18i", "' '", "%9P", "'|'"}, ""},
        ParseCase{"%#P %.#10D", true, {"%#0P", "' '", "%.#10D"}, ""},
        ParseCase{"%#.j", true, {"%.#0j"}, ""},
        ParseCase{"%100000i", false, {"%100000i"}, ""},
        ParseCase{"%..i", true, {"%.0i"}, ""},  // repeated flags are harmless in sinfo
        // Errors name the offending text.
        ParseCase{"%x", false, {}, "x"},
        ParseCase{"%i %.5z", false, {}, "z"},
        ParseCase{"%#P", false, {}, "#"},   // '#' is sinfo's alone
        ParseCase{"%..i", false, {}, "."},
        ParseCase{"abc %.12", false, {}, "%.12"},
        ParseCase{"%", false, {}, "%"},
        ParseCase{"%100001i", false, {}, "%100001"},
        ParseCase{"%.#9999999i", true, {}, "%.#999999"}));

struct PadCase {
  std::string text;
  int width;
  bool right;
  bool cut;
  std::string out;
};

class FormatSpecPad : public testing::TestWithParam<PadCase> {};

TEST_P(FormatSpecPad, PadsAndCuts) {
  const PadCase& c = GetParam();
  std::string out = ">";
  append_padded(out, c.text, c.width, c.right, c.cut);
  EXPECT_EQ(out, ">" + c.out);
}

INSTANTIATE_TEST_SUITE_P(FormatSpec, FormatSpecPad,
                         testing::Values(PadCase{"abc", 0, false, true, "abc"},
                                         PadCase{"abc", 5, false, true, "abc  "},
                                         PadCase{"abc", 5, true, true, "  abc"},
                                         PadCase{"abcdef", 4, false, true, "abcd"},
                                         PadCase{"abcdef", 4, true, true, "abcd"},
                                         PadCase{"abcdef", 4, false, false, "abcdef"},
                                         PadCase{"", 3, true, false, "   "}));

}  // namespace
}  // namespace drover
