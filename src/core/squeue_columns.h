// squeue's columns, internal to the core library: one row per print
// function of Slurm's squeue (print.c), reachable by its -o letter, its -O
// names, or both. Pure apart from group-name lookups.
#pragma once
#include <cstdint>
#include <string>
#include <string_view>

#include "drover.pb.h"
#include "drover/listing_columns.h"

namespace drover::squeue {

// One rendered value and whether Slurm cuts it to the column width
// (durations and node lists are never cut).
struct Cell {
  std::string text;  // an aggregate, so `return {to_string(n)}` builds it in place
  bool cut = true;
  // When it has data, the value instead of `text`: a string that outlives
  // the cell (the record's own, a constant), shown without a copy. A
  // listing renders millions of cells, most of them strings shown as held.
  std::string_view ref{};

  std::string_view view() const { return ref.data() ? ref : std::string_view(text); }
};

using CellFn = Cell (*)(const pb::JobRecord& job, int64_t now);

struct Column {
  char code;               // -o letter; 0: reachable only through -O
  std::string_view names;  // -O names, lower case, ' '-separated; may be empty
  std::string_view header;
  bool cut_header;         // Slurm never cuts the node-list headers
  // The listing columns `cell` reads (ListingColumns::all() when unsure);
  // a superset of what its sort key (-S) reads. squeue asks the controller
  // for these only.
  ListingColumns needs;
  CellFn cell;
};

// What squeue reads of every record whatever its format: the id, for the
// sort's ties and for -r's expansion of pending array tasks.
extern const ListingColumns kAlwaysRead;

const Column* find_column(char code);
// Case-insensitive, as Slurm's xstrcasecmp; "numtask..." matches by prefix.
const Column* find_long_column(std::string_view name);
// Every -o letter in Slurm's "%all" order (a-z, then A-Z) that has a column.
std::string all_codes();

// Facts the sort keys share with the cells.
const std::string& partition_of(const pb::JobRecord& job);
int64_t time_used(const pb::JobRecord& job, int64_t now);
int64_t time_left(const pb::JobRecord& job, int64_t now);  // INT64_MAX: unlimited
uint32_t node_count(const pb::JobRecord& job);
uint32_t cpu_count(const pb::JobRecord& job);
int64_t expected_end(const pb::JobRecord& job);

}  // namespace drover::squeue
