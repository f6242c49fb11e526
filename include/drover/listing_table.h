// A job listing as a table (pb::ListingTable, see proto/drover.proto): the
// controller adds records row by row; squeue reads rows back into one
// scratch record at a time, so a listing of 100,000 jobs is decoded as a few
// dozen packed arrays instead of 100,000 records of a dozen strings each.
// Pure; not thread-safe.
#pragma once
#include <algorithm>
#include <cstdint>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "drover.pb.h"
#include "drover/listing_columns.h"
#include "drover/result.h"

namespace drover {

class ListingTableBuilder {
 public:
  // `expected_rows`: room made at once in each column that gets a value.
  // `columns`: the columns to fill (the job id always is); the others stay
  // empty, as if zero in every row.
  explicit ListingTableBuilder(size_t expected_rows = 0, ListingColumns columns = ListingColumns::all());
  // Appends a row with the record's values in the builder's columns
  // (script, environment, steps and the like are never carried).
  void add(const pb::JobRecord& job);
  // Starts loading what add() will read of a record the caller is going to
  // add a few records from now, in three stages a few records apart: 0 the
  // record itself, 1 (its record loaded) its spec and strings, 2 (its spec
  // loaded) the spec's strings. Records scattered over the heap cost a
  // cache miss per part; asked for ahead, the misses overlap. add() gives
  // the same row without it.
  void prefetch(const pb::JobRecord& job, int stage) const;
  size_t rows() const { return table_.rows(); }
  // The table, with its all-zero columns left out. The builder is spent.
  pb::ListingTable finish();

 private:
  uint32_t intern(size_t column, const std::string& text);
  // Appends a value to this row's cell of a column. A column stays empty
  // until its first non-zero value (most columns of most listings never
  // get one), which brings the zeros of the rows before it.
  template <class T, class V>
  void put(google::protobuf::RepeatedField<T>* column, V value) {
    auto v = static_cast<T>(value);
    if (column->empty()) {
      if (v == T{}) return;
      column->Reserve(static_cast<int>(std::max<size_t>(expected_rows_, table_.rows() + 1)));
      column->Resize(static_cast<int>(table_.rows()), T{});
    }
    column->Add(v);
  }

  size_t expected_rows_;
  ListingColumns columns_;

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
  // Row `row` as a record: one record owned by the reader, refilled in
  // place at every call (its strings and submessages reused, a string left
  // alone when the row holds the same one), so the reference is good until
  // the next call. Fields the table does not carry stay empty.
  const pb::JobRecord& row(size_t row);

 private:
  explicit ListingTableReader(const pb::ListingTable& table) : table_(&table) {}
  const std::string& text(uint32_t index) const;

  const pb::ListingTable* table_;
  size_t rows_ = 0;
  pb::JobRecord record_;
  std::vector<uint32_t> held_;  // per string column, the string index record_ holds
  std::vector<uint32_t> node_start_;     // rows + 1 offsets into nodes
  std::vector<uint32_t> pending_start_;  // rows + 1 offsets into pending_first/last
};

}  // namespace drover
