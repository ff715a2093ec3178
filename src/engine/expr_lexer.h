// Tokens of the job-spec expression language (engine/expr_parser.h): identifiers, `quoted`
// identifiers, numbers, 'strings' and operator symbols, each with its byte offset.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "common/status.h"
#include "engine/spec_source.h"

namespace sluice::engine {

struct Token {
  enum class Kind { kEnd, kIdent, kQuotedIdent, kInt, kFloat, kString, kSymbol };
  Kind kind = Kind::kEnd;
  size_t offset = 0;  // of the first byte in the expression text
  size_t length = 0;  // bytes in the expression text
  std::string value;  // identifier or string without quotes and escapes; symbol text
  int64_t int_value = 0;
  double float_value = 0;

  // Case-insensitive match of a bare identifier, for keywords.
  bool IsKeyword(std::string_view word) const;
  bool IsSymbol(std::string_view symbol) const { return kind == Kind::kSymbol && value == symbol; }
};

// Splits `text`; the last token is always kEnd. Errors (an unclosed string, a character
// that starts no token) are ParseErrors at pos(offset).
Result<std::vector<Token>> Tokenize(std::string_view text, const OffsetToPos& pos);

}  // namespace sluice::engine
