// Slurm's "%[.][#][width]code" output format language, shared by squeue and
// sinfo so both parse and pad exactly alike (print.c). Pure; each caller
// keeps its own column table and maps codes to columns.
#pragma once
#include <functional>
#include <string>
#include <string_view>
#include <vector>

#include "drover/result.h"

namespace drover {

// Literal text (code == 0), or a field: "%.9P" is {'P', "", 9, right}.
struct FormatPiece {
  char code = 0;
  std::string text;
  int width = 0;
  bool right = false;   // '.'
  bool fitted = false;  // '#': width fitted to the values (sinfo only)
};

// "%%" is a literal '%'. An unknown code, a missing code or a width over
// 100000 fails with error_prefix followed by the offending text. With
// !allow_fitted, '#' is read as a code like any other.
Result<std::vector<FormatPiece>> parse_format_spec(std::string_view format,
                                                   const std::function<bool(char)>& is_code,
                                                   std::string_view error_prefix,
                                                   bool allow_fitted);

// One element of an -O list, "Name[:[.][width][suffix]]": width 20 and
// left-justified unless given.
struct LongField {
  std::string name;
  int width = 20;
  bool right = false;
  std::string suffix;
};

// Splits -O "a,b:.5|,,c" (empty elements skipped, as OOD sends them). A
// width over 100000 fails with error_prefix followed by the element.
Result<std::vector<LongField>> parse_long_fields(std::string_view format, std::string_view error_prefix);

// Slurm's _print_str: pads text to width (on the left if right), first cutting
// it to its first `width` characters if cut. Width 0 means no padding.
void append_padded(std::string& out, std::string_view text, int width, bool right, bool cut);

}  // namespace drover
