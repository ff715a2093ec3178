#include "engine/expr_lexer.h"

#include <array>
#include <cctype>
#include <charconv>

namespace sluice::engine {

namespace {

bool IsIdentStart(char c) {
  auto u = static_cast<unsigned char>(c);
  return std::isalpha(u) || u == '_' || u >= 0x80;
}
bool IsIdentChar(char c) { return IsIdentStart(c) || std::isdigit(static_cast<unsigned char>(c)); }
bool IsDigit(char c) { return std::isdigit(static_cast<unsigned char>(c)) != 0; }

constexpr std::array<std::string_view, 6> kTwoCharSymbols = {"==", "!=", "<>", "<=", ">=", "||"};
constexpr std::string_view kOneCharSymbols = "()+-*/%=<>,";

class Lexer {
 public:
  Lexer(std::string_view text, const OffsetToPos& pos) : text_(text), pos_(pos) {}

  Result<std::vector<Token>> Run() {
    std::vector<Token> out;
    while (true) {
      while (i_ < text_.size() && std::isspace(static_cast<unsigned char>(text_[i_]))) ++i_;
      if (i_ >= text_.size()) break;
      ASSIGN_OR_RETURN(Token t, Next());
      out.push_back(std::move(t));
    }
    Token end;
    end.offset = text_.size();
    out.push_back(end);
    return out;
  }

 private:
  Result<Token> Next() {
    const char c = text_[i_];
    if (IsIdentStart(c)) return Identifier();
    if (IsDigit(c) || (c == '.' && i_ + 1 < text_.size() && IsDigit(text_[i_ + 1]))) {
      return Number();
    }
    if (c == '\'') return Quoted('\'', Token::Kind::kString);
    if (c == '`') return Quoted('`', Token::Kind::kQuotedIdent);
    if (c == '"') {
      return ErrorAt(pos_(i_),
                     "unexpected '\"': write strings in 'single quotes' and odd column names "
                     "in `backquotes`");
    }
    return Symbol();
  }

  Token Make(Token::Kind kind, size_t start) const {
    Token t;
    t.kind = kind;
    t.offset = start;
    t.length = i_ - start;
    return t;
  }

  Result<Token> Identifier() {
    size_t start = i_;
    while (i_ < text_.size() && IsIdentChar(text_[i_])) ++i_;
    Token t = Make(Token::Kind::kIdent, start);
    t.value = std::string(text_.substr(start, i_ - start));
    return t;
  }

  Result<Token> Number() {
    size_t start = i_;
    bool is_float = false;
    while (i_ < text_.size() && IsDigit(text_[i_])) ++i_;
    if (i_ < text_.size() && text_[i_] == '.') {
      is_float = true;
      ++i_;
      while (i_ < text_.size() && IsDigit(text_[i_])) ++i_;
    }
    if (i_ < text_.size() && (text_[i_] == 'e' || text_[i_] == 'E')) {
      size_t j = i_ + 1;
      if (j < text_.size() && (text_[j] == '+' || text_[j] == '-')) ++j;
      if (j < text_.size() && IsDigit(text_[j])) {
        is_float = true;
        i_ = j;
        while (i_ < text_.size() && IsDigit(text_[i_])) ++i_;
      }
    }
    Token t = Make(is_float ? Token::Kind::kFloat : Token::Kind::kInt, start);
    const char* first = text_.data() + start;
    const char* last = text_.data() + i_;
    std::from_chars_result r = is_float ? std::from_chars(first, last, t.float_value)
                                        : std::from_chars(first, last, t.int_value);
    if (r.ec != std::errc() || r.ptr != last) {
      return ErrorAt(pos_(start), "number '" + std::string(first, last) + "' is out of range" +
                                      (is_float ? "" : " for int64"));
    }
    return t;
  }

  // 'it''s' and `odd``name`: the closing character doubled stands for itself.
  Result<Token> Quoted(char q, Token::Kind kind) {
    size_t start = i_++;
    std::string value;
    while (true) {
      if (i_ >= text_.size()) {
        return ErrorAt(pos_(start), kind == Token::Kind::kString
                                        ? "unclosed string: expected a closing '"
                                        : "unclosed `quoted name`: expected a closing `");
      }
      if (text_[i_] == q) {
        if (i_ + 1 < text_.size() && text_[i_ + 1] == q) {
          value.push_back(q);
          i_ += 2;
          continue;
        }
        ++i_;
        break;
      }
      value.push_back(text_[i_++]);
    }
    Token t = Make(kind, start);
    t.value = std::move(value);
    return t;
  }

  Result<Token> Symbol() {
    size_t start = i_;
    std::string_view rest = text_.substr(i_);
    for (std::string_view s : kTwoCharSymbols) {
      if (rest.substr(0, 2) == s) {
        i_ += 2;
        Token t = Make(Token::Kind::kSymbol, start);
        t.value = std::string(s);
        return t;
      }
    }
    if (kOneCharSymbols.find(rest[0]) != std::string_view::npos) {
      ++i_;
      Token t = Make(Token::Kind::kSymbol, start);
      t.value = std::string(1, rest[0]);
      return t;
    }
    return ErrorAt(pos_(start), "unexpected character '" + std::string(1, rest[0]) + "'");
  }

  std::string_view text_;
  const OffsetToPos& pos_;
  size_t i_ = 0;
};

}  // namespace

bool Token::IsKeyword(std::string_view word) const {
  if (kind != Kind::kIdent || value.size() != word.size()) return false;
  for (size_t i = 0; i < word.size(); ++i) {
    if (std::tolower(static_cast<unsigned char>(value[i])) != word[i]) return false;
  }
  return true;
}

Result<std::vector<Token>> Tokenize(std::string_view text, const OffsetToPos& pos) {
  return Lexer(text, pos).Run();
}

}  // namespace sluice::engine
