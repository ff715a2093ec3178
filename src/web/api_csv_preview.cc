#include "web/api_csv_preview.h"

namespace sluice::web::api {

namespace {

// Reads one record starting at *pos; false at the end of the text. `complete` is false when
// the text ended inside the record (an open quote, or no line break after it).
bool NextRecord(std::string_view text, size_t* pos, std::vector<std::string>* fields,
                bool* complete) {
  size_t i = *pos;
  if (i >= text.size()) return false;
  fields->assign(1, std::string());
  bool quoted = false;
  *complete = false;
  while (i < text.size()) {
    char c = text[i];
    if (quoted) {
      if (c == '"' && i + 1 < text.size() && text[i + 1] == '"') {
        fields->back() += '"';
        i += 2;
        continue;
      }
      if (c == '"') {
        quoted = false;
      } else {
        fields->back() += c;
      }
      ++i;
      continue;
    }
    if (c == '"') {
      quoted = true;
    } else if (c == ',') {
      fields->emplace_back();
    } else if (c == '\n' || c == '\r') {
      i += (c == '\r' && i + 1 < text.size() && text[i + 1] == '\n') ? 2 : 1;
      *complete = true;
      break;
    } else {
      fields->back() += c;
    }
    ++i;
  }
  *pos = i;
  return true;
}

}  // namespace

CsvPreview PreviewCsv(std::string_view text, bool text_is_whole, size_t max_rows) {
  CsvPreview out;
  if (text.starts_with("\xEF\xBB\xBF")) text.remove_prefix(3);
  size_t pos = 0;
  std::vector<std::string> fields;
  bool complete = false;
  bool header = true;
  while (NextRecord(text, &pos, &fields, &complete)) {
    if (!complete && !text_is_whole) {  // cut off by the end of the part read
      out.truncated = true;
      break;
    }
    if (fields.size() == 1 && fields[0].empty()) continue;  // a blank line
    if (header) {
      out.columns = std::move(fields);
      header = false;
      continue;
    }
    if (out.rows.size() == max_rows) {
      out.truncated = true;
      break;
    }
    out.rows.push_back(std::move(fields));
  }
  if (!text_is_whole && pos >= text.size()) out.truncated = true;
  return out;
}

}  // namespace sluice::web::api
