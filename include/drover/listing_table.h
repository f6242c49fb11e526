// A job listing as a table (pb::ListingTable, see proto/drover.proto): the
// controller adds records row by row; squeue reads rows back into one
// scratch record at a time, so a listing of 100,000 jobs is decoded as a few
// dozen packed arrays instead of 100,000 records of a dozen strings each.
// Pure; not thread-safe.
#pragma once
#include <cstdint>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "drover.pb.h"
#include "drover/result.h"

namespace drover {

class ListingTableBuilder {
 public:
  ListingTableBuilder();
  // Appends a row with every field the table carries (script, environment,
  // steps and the like stay behind).
  void add(const pb::JobRecord& job);
  size_t rows() const { return table_.rows(); }
  // The table, with its all-zero columns left out. The builder is spent.
  pb::ListingTable finish();

 private:
  uint32_t intern(size_t column, const std::string& text);

  pb::ListingTable table_;
  std::unordered_map<std::string_view, uint32_t> index_;  // views of table_.strings
  // Per string column, its previous value: listings repeat the same
  // partition, user and reason row after row, and a compare is cheaper
  // than a hash lookup.
  struct Last {
    std::string_view text;
    uint32_t index = 0;
  };
  std::vector<Last> last_;
};

class ListingTableReader {
 public:
  // Checks the table before any row is read: every column empty or one
  // value per row, every string index in range, the per-row counts adding
  // up. A table from a broken or hostile peer fails here, not later.
  static Result<ListingTableReader> open(const pb::ListingTable& table);
  size_t rows() const { return rows_; }
  // Overwrites every field the table carries in `job` with row `row`'s
  // values, reusing the record's strings and submessages; fields the table
  // does not carry are left as they are.
  void fill(size_t row, pb::JobRecord& job) const;

 private:
  explicit ListingTableReader(const pb::ListingTable& table) : table_(&table) {}
  const std::string& text(uint32_t index) const;

  const pb::ListingTable* table_;
  size_t rows_ = 0;
  std::vector<uint32_t> node_start_;     // rows + 1 offsets into nodes
  std::vector<uint32_t> pending_start_;  // rows + 1 offsets into pending_first/last
};

}  // namespace drover
