// Finding and splitting the header record of a CSV object (after a UTF-8 BOM and blank
// lines), and where the data records start.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "common/status.h"
#include "storage/object_store.h"

namespace sluice::engine {

struct CsvPrologue {
  bool has_record = false;         // false when the object holds no record at all
  std::vector<std::string> names;  // the header's fields, unescaped
  int64_t data_start = 0;          // offset of the first byte after the header
  int64_t lines = 0;               // '\n' bytes before data_start
  int64_t header_line = 0;         // physical line where the header starts
};

// With `header`: reads the first record as names. Without: only skips a UTF-8 BOM.
// Errors name `uri` (unreadable object, header with a malformed quote).
Result<CsvPrologue> ReadCsvPrologue(const storage::ObjectReader& reader, bool header,
                                    char delimiter, char quote, std::string_view uri);

// Splits one record (without its line terminator) into unescaped fields; false when its
// quotes are not well formed.
bool SplitCsvRecord(std::string_view record, char delimiter, char quote,
                    std::vector<std::string>* fields);

}  // namespace sluice::engine
