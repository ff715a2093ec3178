#include "engine/csv_writer.h"

#include <charconv>
#include <cmath>
#include <string_view>

namespace sluice::engine {

namespace {

void AppendField(std::string_view s, char delimiter, std::string* out) {
  if (s.empty()) {
    out->append("\"\"");
    return;
  }
  bool needs_quotes = false;
  for (char c : s) {
    if (c == delimiter || c == '"' || c == '\r' || c == '\n') {
      needs_quotes = true;
      break;
    }
  }
  if (!needs_quotes) {
    out->append(s);
    return;
  }
  out->push_back('"');
  for (char c : s) {
    if (c == '"') out->push_back('"');
    out->push_back(c);
  }
  out->push_back('"');
}

void AppendInt64(int64_t v, std::string* out) {
  char buf[24];
  auto [end, ec] = std::to_chars(buf, buf + sizeof(buf), v);
  out->append(buf, end);
}

void AppendCell(const Column& col, int64_t row, const CsvWriteOptions& options, std::string* out) {
  if (!col.IsValid(row)) {
    out->append(options.null_value);
    return;
  }
  switch (col.type) {
    case TypeId::kInt64:
      AppendInt64(col.i64[row], out);
      break;
    case TypeId::kDouble:
      AppendDouble(col.f64[row], out);
      break;
    case TypeId::kBool:
      out->append(col.b[row] ? "true" : "false");
      break;
    case TypeId::kString:
      AppendField(col.StringAt(row), options.delimiter, out);
      break;
  }
}

}  // namespace

void AppendDouble(double v, std::string* out) {
  if (std::isnan(v)) {
    out->append("NaN");
    return;
  }
  if (std::isinf(v)) {
    out->append(v > 0 ? "Infinity" : "-Infinity");
    return;
  }
  char buf[40];
  auto [end, ec] = std::to_chars(buf, buf + sizeof(buf), v);
  std::string_view text(buf, end - buf);
  out->append(text);
  if (text.find_first_of(".enI") == std::string_view::npos) out->append(".0");
}

std::string FormatCsv(const Table& table, const CsvWriteOptions& options) {
  std::string out;
  if (options.header) {
    for (int c = 0; c < table.schema.size(); ++c) {
      if (c > 0) out.push_back(options.delimiter);
      AppendField(table.schema.fields[c].name, options.delimiter, &out);
    }
    out.push_back('\n');
  }
  for (const Chunk& chunk : table.chunks) {
    for (int64_t row = 0; row < chunk.num_rows; ++row) {
      for (size_t c = 0; c < chunk.columns.size(); ++c) {
        if (c > 0) out.push_back(options.delimiter);
        AppendCell(*chunk.columns[c], row, options, &out);
      }
      out.push_back('\n');
    }
  }
  return out;
}

}  // namespace sluice::engine
