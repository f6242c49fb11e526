// CLI start-up (issue 6): a command reads only a few top-level keys of the
// configuration (`cluster`, `controller`, `auth`), but yaml-cpp matches
// every character of a document against its scanner's regular expressions,
// so the node and partition lists cost a command more than everything it
// reads. This selects the top-level entries a reader wants, for yaml-cpp to
// parse alone. It is not a YAML parser: it only finds where top-level block
// entries start, and declines any layout it cannot split that way.
#pragma once
#include <initializer_list>
#include <optional>
#include <string>
#include <string_view>

namespace drover {

// `text` with every line of the top-level entries not named in `keys`
// replaced by an empty line, so yaml-cpp reports the same line numbers as
// for the whole file. nullopt when the document is not a plain block
// mapping whose entries each start at column 0 with `key:` (flow mapping
// at the top, document markers or directives, quoted or complex keys, a
// byte-order mark, content before the first key): then parse all of it.
// A selection that yaml-cpp cannot parse (say, an alias whose anchor was
// blanked) must also be retried on the whole text.
std::optional<std::string> top_level_entries(std::string_view text, std::initializer_list<std::string_view> keys);

}  // namespace drover
