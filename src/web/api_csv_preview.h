// A CSV file's first rows as a table for the Output page (private to src/web): RFC 4180
// (quoted fields, doubled quotes, line breaks inside quotes, CRLF or LF, a UTF-8 BOM), all
// values kept as text.
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace sluice::web::api {

struct CsvPreview {
  std::vector<std::string> columns;            // the header row
  std::vector<std::vector<std::string>> rows;  // at most max_rows data rows
  bool truncated = false;  // more rows follow (in `text` or past it when !text_is_whole)
};

// Parses the start of a file. `text_is_whole` says whether `text` is the whole file; when it is
// not, a last row cut off by the end of `text` is dropped.
CsvPreview PreviewCsv(std::string_view text, bool text_is_whole, size_t max_rows);

}  // namespace sluice::web::api
