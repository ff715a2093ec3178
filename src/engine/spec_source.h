// Positions in a spec file's text: where the byte at some offset of a parsed YAML scalar came
// from, so errors inside an expression or a {{ }} template point at the exact column even in
// quoted, escaped or folded scalars. Private to the job-spec loader.
#pragma once

#include <cstddef>
#include <functional>
#include <string>
#include <string_view>
#include <vector>

#include "common/status.h"
#include "engine/expr.h"

namespace sluice::engine {

// Maps a byte offset in some text (an expression, a template) to its place in the spec.
using OffsetToPos = std::function<SourcePos(size_t offset)>;

// ParseError "<pos>: <message>".
Status ErrorAt(const SourcePos& pos, std::string_view message);

class SpecSource {
 public:
  SpecSource(std::string file, std::string_view text);

  const std::string& file() const { return file_; }

  // Position of a 0-based (line, column), as YAML marks give them.
  SourcePos Pos(int line0, int column0) const;

  // Position of byte `offset` of the value of the scalar whose mark is (line0, column0):
  // skips an opening quote or block indicator, counts '' and \ escapes as what they
  // produce, and walks over folded line breaks and indentation.
  SourcePos PosInScalar(int line0, int column0, std::string_view value, size_t offset) const;

 private:
  size_t IndexOf(int line0, int column0) const;
  SourcePos PosOfIndex(size_t index) const;

  std::string file_;
  std::string text_;
  std::vector<size_t> line_starts_;
};

}  // namespace sluice::engine
