#include "drover/listing_columns.h"

namespace drover {

std::vector<int> ListingColumns::fields() const {
  std::vector<int> out;
  if (all_) return out;
  for (int field = 0; field <= kMaxField; ++field)
    if (has(field)) out.push_back(field);
  return out;
}

ListingColumns listing_columns_of(const pb::ListJobsRequest& request) {
  if (request.listing_columns().empty()) return ListingColumns::all();
  ListingColumns columns;
  for (uint32_t field : request.listing_columns())
    if (field <= static_cast<uint32_t>(ListingColumns::kMaxField)) columns.add(static_cast<int>(field));
  return columns;
}

void set_listing_columns(pb::ListJobsRequest& request, const ListingColumns& columns) {
  request.clear_listing_columns();
  for (int field : columns.fields()) request.add_listing_columns(static_cast<uint32_t>(field));
}

}  // namespace drover
