#include "orchestrator/template_parser.h"

#include <cctype>
#include <charconv>
#include <optional>

namespace sluice::orchestrator {

namespace {

enum class Tok {
  kName,
  kString,
  kInteger,
  kDot,
  kLBracket,
  kRBracket,
  kLParen,
  kRParen,
  kComma,
  kEquals,
  kClose,  // }}
  kEnd,    // end of the template
  kBad,
};

struct Token {
  Tok kind = Tok::kEnd;
  size_t begin = 0;
  size_t end = 0;
  std::string value;  // name or string literal value
  int64_t integer = 0;
  std::string error;  // for kBad
};

bool IsNameStart(char c) { return std::isalpha(static_cast<unsigned char>(c)) || c == '_'; }
bool IsNameChar(char c) { return std::isalnum(static_cast<unsigned char>(c)) || c == '_'; }
bool IsDigit(char c) { return c >= '0' && c <= '9'; }

Token Bad(size_t at, std::string message) {
  Token t;
  t.kind = Tok::kBad;
  t.begin = at;
  t.end = at + 1;
  t.error = std::move(message);
  return t;
}

Token LexString(std::string_view text, size_t begin) {
  const char quote = text[begin];
  Token t;
  t.kind = Tok::kString;
  t.begin = begin;
  size_t i = begin + 1;
  while (i < text.size() && text[i] != quote) {
    if (text[i] == '\\' && i + 1 < text.size()) {
      const char c = text[i + 1];
      if (c == 'n') {
        t.value += '\n';
      } else if (c == 't') {
        t.value += '\t';
      } else if (c == '\\' || c == '\'' || c == '"') {
        t.value += c;
      } else {
        t.value += '\\';  // unknown escapes stay as written, as in Python
        t.value += c;
      }
      i += 2;
    } else {
      t.value += text[i++];
    }
  }
  if (i >= text.size()) return Bad(begin, "unterminated string");
  t.end = i + 1;
  return t;
}

Token LexNumber(std::string_view text, size_t begin) {
  size_t i = begin + (text[begin] == '-' ? 1 : 0);
  while (i < text.size() && IsDigit(text[i])) ++i;
  if (i < text.size() && IsNameChar(text[i])) return Bad(begin, "malformed number");
  Token t;
  t.kind = Tok::kInteger;
  t.begin = begin;
  t.end = i;
  auto [ptr, ec] = std::from_chars(text.data() + begin, text.data() + i, t.integer);
  if (ec != std::errc()) return Bad(begin, "number out of range");
  return t;
}

Token Punct(Tok kind, size_t begin, size_t len) {
  Token t;
  t.kind = kind;
  t.begin = begin;
  t.end = begin + len;
  return t;
}

// The token starting at or after `pos` (blanks skipped).
Token Lex(std::string_view text, size_t pos) {
  while (pos < text.size() && std::isspace(static_cast<unsigned char>(text[pos]))) ++pos;
  if (pos >= text.size()) return Punct(Tok::kEnd, pos, 0);
  const char c = text[pos];
  if (IsNameStart(c)) {
    size_t i = pos;
    while (i < text.size() && IsNameChar(text[i])) ++i;
    Token t = Punct(Tok::kName, pos, i - pos);
    t.value = std::string(text.substr(pos, i - pos));
    return t;
  }
  if (IsDigit(c) || (c == '-' && pos + 1 < text.size() && IsDigit(text[pos + 1]))) {
    return LexNumber(text, pos);
  }
  switch (c) {
    case '\'':
    case '"':
      return LexString(text, pos);
    case '.':
      return Punct(Tok::kDot, pos, 1);
    case '[':
      return Punct(Tok::kLBracket, pos, 1);
    case ']':
      return Punct(Tok::kRBracket, pos, 1);
    case '(':
      return Punct(Tok::kLParen, pos, 1);
    case ')':
      return Punct(Tok::kRParen, pos, 1);
    case ',':
      return Punct(Tok::kComma, pos, 1);
    case '=':
      return Punct(Tok::kEquals, pos, 1);
    case '}':
      if (pos + 1 < text.size() && text[pos + 1] == '}') return Punct(Tok::kClose, pos, 2);
      break;
    default:
      break;
  }
  if (c == '|') return Bad(pos, "filters ('|') are not supported");
  return Bad(pos, "unexpected '" + std::string(1, c) + "'");
}

class Parser {
 public:
  Parser(std::string_view text, size_t pos) : text_(text), pos_(pos) {}

  // One expression; on failure `issue()` says why.
  TemplateExprPtr ParseExpr() {
    Token t = Next();
    auto e = std::make_unique<TemplateExpr>();
    e->begin = t.begin;
    switch (t.kind) {
      case Tok::kName:
        if (Peek().kind == Tok::kLParen) {
          if (!ParseCall(t, e.get())) return nullptr;
        } else {
          e->kind = TemplateExpr::Kind::kName;
          e->text = t.value;
        }
        break;
      case Tok::kString:
        e->kind = TemplateExpr::Kind::kString;
        e->text = t.value;
        break;
      case Tok::kInteger:
        e->kind = TemplateExpr::Kind::kInteger;
        e->integer = t.integer;
        break;
      default:
        return Fail(t, "expected a name, a string or a number");
    }
    if (e->primary_end == 0) e->primary_end = pos_;
    if (!ParseAccessors(e.get())) return nullptr;
    return e;
  }

  Token Next() {
    Token t = Lex(text_, pos_);
    pos_ = t.end;
    return t;
  }
  Token Peek() const { return Lex(text_, pos_); }
  size_t pos() const { return pos_; }
  const std::optional<TemplateIssue>& issue() const { return issue_; }

  std::nullptr_t Fail(const Token& at, std::string_view expected) {
    if (at.kind == Tok::kBad) {
      issue_ = TemplateIssue{at.begin, at.error};
    } else {
      issue_ = TemplateIssue{at.begin, std::string(expected) + ", found " + Describe(at)};
    }
    return nullptr;
  }

 private:
  std::string Describe(const Token& t) const {
    switch (t.kind) {
      case Tok::kEnd:
        return "the end of the text";
      case Tok::kClose:
        return "'}}'";
      default:
        return "'" + std::string(text_.substr(t.begin, t.end - t.begin)) + "'";
    }
  }

  bool ParseAccessors(TemplateExpr* e) {
    for (;;) {
      Token t = Peek();
      if (t.kind == Tok::kDot) {
        Next();
        Token name = Next();
        if (name.kind != Tok::kName) return Fail(name, "expected a name after '.'"), false;
        e->accessors.push_back(TemplateAccessor{name.value, nullptr, name.end});
      } else if (t.kind == Tok::kLBracket) {
        Next();
        TemplateExprPtr index = ParseExpr();
        if (!index) return false;
        Token close = Next();
        if (close.kind != Tok::kRBracket) return Fail(close, "expected ']'"), false;
        e->accessors.push_back(TemplateAccessor{"", std::move(index), close.end});
      } else {
        return true;
      }
    }
  }

  // xcom(task [, key]) with either argument also as task_id= / key=.
  bool ParseCall(const Token& name, TemplateExpr* e) {
    if (name.value != "xcom") {
      issue_ = TemplateIssue{name.begin,
                             "unknown function '" + name.value + "' (only xcom(...) is available)"};
      return false;
    }
    e->kind = TemplateExpr::Kind::kXCom;
    Next();  // (
    int positional = 0;
    if (Peek().kind != Tok::kRParen) {
      for (;;) {
        if (!ParseArgument(e, &positional)) return false;
        Token sep = Next();
        if (sep.kind == Tok::kRParen) break;
        if (sep.kind != Tok::kComma) return Fail(sep, "expected ',' or ')'"), false;
      }
    } else {
      Next();
    }
    if (!e->xcom_task) {
      issue_ = TemplateIssue{name.begin, "xcom(...) needs a task id: xcom('task')"};
      return false;
    }
    e->primary_end = pos_;
    return true;
  }

  bool ParseArgument(TemplateExpr* e, int* positional) {
    Token first = Peek();
    TemplateExprPtr* slot = nullptr;
    if (first.kind == Tok::kName && Lex(text_, first.end).kind == Tok::kEquals) {
      if (first.value == "task_id" || first.value == "task_ids") {
        slot = &e->xcom_task;
      } else if (first.value == "key") {
        slot = &e->xcom_key;
      } else {
        issue_ = TemplateIssue{first.begin, "xcom(...) has no argument '" + first.value +
                                                "' (it takes task_id and key)"};
        return false;
      }
      Next();
      Next();
    } else {
      if (*positional >= 2) {
        issue_ = TemplateIssue{first.begin, "xcom(...) takes at most 2 arguments (task, key)"};
        return false;
      }
      slot = *positional == 0 ? &e->xcom_task : &e->xcom_key;
      ++*positional;
    }
    if (*slot) {
      issue_ = TemplateIssue{first.begin, "xcom(...) is given the same argument twice"};
      return false;
    }
    *slot = ParseExpr();
    return *slot != nullptr;
  }

  std::string_view text_;
  size_t pos_;
  std::optional<TemplateIssue> issue_;
};

}  // namespace

std::variant<ParsedTemplate, TemplateIssue> ParseTemplate(std::string_view text) {
  ParsedTemplate out;
  size_t literal_start = 0;
  for (;;) {
    size_t open = text.find("{{", literal_start);
    TemplateSegment seg;
    seg.literal = std::string(text.substr(literal_start, open == std::string_view::npos
                                                             ? std::string_view::npos
                                                             : open - literal_start));
    if (open == std::string_view::npos) {
      out.push_back(std::move(seg));
      return out;
    }
    Parser parser(text, open + 2);
    Token first = parser.Peek();
    if (first.kind == Tok::kClose) return TemplateIssue{open, "empty {{ }}"};
    if (first.kind == Tok::kEnd) return TemplateIssue{open, "'{{' is never closed by '}}'"};
    seg.expr = parser.ParseExpr();
    if (!seg.expr) {
      TemplateIssue issue = *parser.issue();
      if (issue.offset >= text.size()) return TemplateIssue{open, "'{{' is never closed by '}}'"};
      return issue;
    }
    Token close = parser.Next();
    if (close.kind == Tok::kEnd) return TemplateIssue{open, "'{{' is never closed by '}}'"};
    if (close.kind != Tok::kClose) {
      parser.Fail(close, "expected '}}'");
      return *parser.issue();
    }
    seg.begin = open;
    seg.end = close.end;
    literal_start = close.end;
    out.push_back(std::move(seg));
  }
}

}  // namespace sluice::orchestrator
