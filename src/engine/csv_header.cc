#include "engine/csv_header.h"

#include <algorithm>

namespace sluice::engine {

namespace {

constexpr std::string_view kBom = "\xEF\xBB\xBF";
constexpr int64_t kFirstRead = 64 << 10;

// Looks for the header in buf (the object's first bytes; `eof` when that is all of it).
// Returns false when more bytes are needed.
bool FindHeader(std::string_view buf, bool eof, char quote, CsvPrologue* out,
                std::string_view* record) {
  size_t i = buf.substr(0, kBom.size()) == kBom ? kBom.size() : 0;
  int64_t lines = 0;
  while (i < buf.size()) {
    if (buf[i] == '\n') {
      ++i;
      ++lines;
    } else if (buf[i] == '\r' && i + 1 < buf.size() && buf[i + 1] == '\n') {
      i += 2;
      ++lines;
    } else {
      break;
    }
  }
  out->header_line = lines + 1;
  int parity = 0;
  size_t j = i;
  for (; j < buf.size(); ++j) {
    if (buf[j] == quote) parity ^= 1;
    if (buf[j] == '\n') {
      if (parity == 0) break;
      ++lines;
    }
  }
  if (j == buf.size() && !eof) return false;
  out->has_record = i < buf.size();
  out->data_start = static_cast<int64_t>(std::min(j + 1, buf.size()));
  out->lines = lines + (j < buf.size() ? 1 : 0);
  *record = buf.substr(i, j - i);
  if (!record->empty() && record->back() == '\r') record->remove_suffix(1);
  return true;
}

}  // namespace

Result<CsvPrologue> ReadCsvPrologue(const storage::ObjectReader& reader, bool header,
                                    char delimiter, char quote, std::string_view uri) {
  const int64_t size = reader.Size();
  std::string buf;
  // Without a header only a BOM needs looking at.
  int64_t want = header ? kFirstRead : static_cast<int64_t>(kBom.size());
  CsvPrologue out;
  std::string_view record;
  for (;;) {
    int64_t n = std::min(want, size - static_cast<int64_t>(buf.size()));
    size_t old = buf.size();
    buf.resize(old + n);
    int64_t done = 0;
    while (done < n) {
      auto got = reader.ReadAt(static_cast<int64_t>(old) + done, n - done, buf.data() + old + done);
      if (!got.ok()) return got.status().WithContext(uri);
      if (*got <= 0) return Status::IoError(std::string(uri) + ": unexpected end of data");
      done += *got;
    }
    bool eof = static_cast<int64_t>(buf.size()) >= size;
    if (!header) {
      out.has_record = size > 0;
      out.data_start = std::string_view(buf) == kBom ? kBom.size() : 0;
      return out;
    }
    if (FindHeader(buf, eof, quote, &out, &record)) {
      break;
    }
    want *= 2;
  }
  if (!out.has_record) return out;
  if (!SplitCsvRecord(record, delimiter, quote, &out.names)) {
    return Status::ParseError(std::string(uri) + ":" + std::to_string(out.header_line) +
                              ": header has a malformed quoted field");
  }
  return out;
}

bool SplitCsvRecord(std::string_view record, char delimiter, char quote,
                    std::vector<std::string>* fields) {
  fields->clear();
  size_t i = 0;
  for (;;) {
    std::string field;
    if (i < record.size() && record[i] == quote) {
      ++i;
      for (;;) {
        if (i >= record.size()) return false;
        if (record[i] == quote) {
          if (i + 1 < record.size() && record[i + 1] == quote) {
            field += quote;
            i += 2;
            continue;
          }
          ++i;
          break;
        }
        field += record[i++];
      }
      if (i < record.size() && record[i] != delimiter) return false;
    } else {
      size_t end = record.find(delimiter, i);
      if (end == std::string_view::npos) end = record.size();
      field.assign(record.substr(i, end - i));
      if (field.find(quote) != std::string::npos) return false;
      i = end;
    }
    fields->push_back(std::move(field));
    if (i >= record.size()) return true;
    ++i;  // the delimiter
  }
}

}  // namespace sluice::engine
