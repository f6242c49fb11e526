// Which columns of a job listing (pb::ListingTable) a client needs: a set of
// ListingTable field numbers, or "every column". squeue works the set out
// from its format, sort keys and filters (squeue_listing_columns), sends it
// in its ListJobsRequest, and the controller's ListingTableBuilder fills only
// those columns, so a listing touches only the parts of each record that
// will be shown. Two columns stand for more than one field: node_count for
// the node names (`nodes`), pending_count for an array's pending task ranges
// (`pending_first`/`pending_last`). A value type; pure.
#pragma once
#include <cstdint>
#include <initializer_list>
#include <vector>

#include "drover.pb.h"

namespace drover {

class ListingColumns {
 public:
  // The highest field number a set can hold; the table's fields are below it.
  static constexpr int kMaxField = 127;

  constexpr ListingColumns() = default;
  constexpr ListingColumns(std::initializer_list<int> fields) {
    for (int field : fields) add(field);
  }
  // Every column, including any the table gains later: what a request that
  // names no column asks for, and what a format letter not known to need
  // less must ask for.
  static constexpr ListingColumns all() {
    ListingColumns columns;
    columns.all_ = true;
    return columns;
  }

  constexpr bool is_all() const { return all_; }
  constexpr bool has(int field) const {
    if (all_) return true;
    if (field < 0 || field > kMaxField) return false;
    return (bits_[field / 64] >> (field % 64) & 1) != 0;
  }
  // Field numbers out of range are ignored (a newer client's column that
  // this table does not have).
  constexpr ListingColumns& add(int field) {
    if (field >= 0 && field <= kMaxField) bits_[field / 64] |= uint64_t{1} << (field % 64);
    return *this;
  }
  constexpr ListingColumns& operator|=(const ListingColumns& other) {
    all_ = all_ || other.all_;
    bits_[0] |= other.bits_[0];
    bits_[1] |= other.bits_[1];
    return *this;
  }
  constexpr ListingColumns operator|(const ListingColumns& other) const {
    ListingColumns sum = *this;
    return sum |= other;
  }
  constexpr bool operator==(const ListingColumns& other) const = default;

  // The field numbers in the set, ascending; empty for all().
  std::vector<int> fields() const;

 private:
  uint64_t bits_[2] = {0, 0};
  bool all_ = false;
};

// The columns a request asks for: all() when it names none (an older squeue,
// or one that needs every column).
ListingColumns listing_columns_of(const pb::ListJobsRequest& request);
// Names the columns in the request; all() names none.
void set_listing_columns(pb::ListJobsRequest& request, const ListingColumns& columns);

}  // namespace drover
