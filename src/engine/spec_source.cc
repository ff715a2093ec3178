#include "engine/spec_source.h"

#include <algorithm>
#include <cstdlib>
#include <string>

namespace sluice::engine {

namespace {

bool IsBlank(char c) { return c == ' ' || c == '\t' || c == '\r' || c == '\n'; }

int Utf8Length(unsigned long cp) {
  if (cp < 0x80) return 1;
  if (cp < 0x800) return 2;
  if (cp < 0x10000) return 3;
  return 4;
}

struct Escape {
  size_t source_len;  // bytes of the escape in the source, backslash included
  size_t produced;    // bytes it stands for in the parsed value
};

// A YAML double-quoted escape starting at text[i] == '\\'.
Escape ReadEscape(std::string_view text, size_t i) {
  if (i + 1 >= text.size()) return {1, 0};
  char c = text[i + 1];
  size_t hex = c == 'x' ? 2 : c == 'u' ? 4 : c == 'U' ? 8 : 0;
  if (hex > 0) {
    std::string digits(text.substr(i + 2, hex));
    unsigned long cp = std::strtoul(digits.c_str(), nullptr, 16);
    return {2 + hex, static_cast<size_t>(Utf8Length(cp))};
  }
  if (c == 'N' || c == '_') return {2, 2};
  if (c == 'L' || c == 'P') return {2, 3};
  if (c == '\r' && i + 2 < text.size() && text[i + 2] == '\n') return {3, 0};
  if (c == '\n' || c == '\r') return {2, 0};
  return {2, 1};
}

}  // namespace

Status ErrorAt(const SourcePos& pos, std::string_view message) {
  return Status::ParseError(pos.ToString() + ": " + std::string(message));
}

SpecSource::SpecSource(std::string file, std::string_view text)
    : file_(std::move(file)), text_(text) {
  line_starts_.push_back(0);
  for (size_t i = 0; i < text_.size(); ++i) {
    if (text_[i] == '\n') line_starts_.push_back(i + 1);
  }
}

SourcePos SpecSource::Pos(int line0, int column0) const {
  if (line0 < 0) return SourcePos{file_, 0, 0};
  return SourcePos{file_, line0 + 1, column0 + 1};
}

size_t SpecSource::IndexOf(int line0, int column0) const {
  if (line0 < 0 || static_cast<size_t>(line0) >= line_starts_.size()) return text_.size();
  return std::min(text_.size(), line_starts_[line0] + static_cast<size_t>(column0));
}

SourcePos SpecSource::PosOfIndex(size_t index) const {
  auto it = std::upper_bound(line_starts_.begin(), line_starts_.end(), index);
  size_t line = static_cast<size_t>(it - line_starts_.begin()) - 1;
  return SourcePos{file_, static_cast<int>(line) + 1,
                   static_cast<int>(index - line_starts_[line]) + 1};
}

SourcePos SpecSource::PosInScalar(int line0, int column0, std::string_view value,
                                  size_t offset) const {
  size_t i = IndexOf(line0, column0);
  if (i >= text_.size()) return Pos(line0, column0 + static_cast<int>(offset));
  const char style = text_[i];
  if (style == '\'' || style == '"') {
    ++i;
  } else if (style == '|' || style == '>') {
    size_t eol = text_.find('\n', i);
    i = eol == std::string_view::npos ? text_.size() : eol + 1;
  }
  size_t v = 0;
  while (v < offset && v < value.size() && i < text_.size()) {
    const char s = text_[i];
    if (style == '\'' && s == '\'' && i + 1 < text_.size() && text_[i + 1] == '\'') {
      i += 2, ++v;
    } else if (style == '"' && s == '\\') {
      Escape esc = ReadEscape(text_, i);
      if (v + esc.produced > offset) break;  // the offset is inside this escape
      i += esc.source_len, v += esc.produced;
    } else if (s == value[v] || !IsBlank(s)) {
      ++i, ++v;
    } else {
      ++i;  // indentation or a line break folded away
    }
  }
  // Folded whitespace before the target byte belongs to no byte of the value.
  if (v < value.size() && !IsBlank(value[v])) {
    while (i < text_.size() && IsBlank(text_[i]) && text_[i] != value[v]) ++i;
  }
  return PosOfIndex(std::min(i, text_.size()));
}

}  // namespace sluice::engine
