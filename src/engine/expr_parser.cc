#include "engine/expr_parser.h"

#include <algorithm>
#include <cctype>
#include <utility>

#include "common/ascii.h"
#include "engine/expr_lexer.h"
#include "engine/function_catalog.h"

namespace sluice::engine {

namespace {

std::string ArityText(const FunctionSpec& f) {
  auto plural = [](int n) { return n == 1 ? " argument" : " arguments"; };
  if (f.max_args < 0) return "at least " + std::to_string(f.min_args) + plural(f.min_args);
  if (f.min_args == f.max_args) return std::to_string(f.min_args) + plural(f.min_args);
  return std::to_string(f.min_args) + " or " + std::to_string(f.max_args) + " arguments";
}

constexpr int kPrecOr = 1, kPrecAnd = 2, kPrecNot = 3, kPrecCompare = 4, kPrecConcat = 5,
              kPrecAdd = 6, kPrecMul = 7, kPrecUnary = 8;

int InfixPrecedence(const Token& t) {
  if (t.IsKeyword("or")) return kPrecOr;
  if (t.IsKeyword("and")) return kPrecAnd;
  if (t.IsKeyword("is")) return kPrecCompare;
  if (t.kind != Token::Kind::kSymbol) return -1;
  const std::string& s = t.value;
  if (s == "=" || s == "==" || s == "!=" || s == "<>" || s == "<" || s == "<=" || s == ">" ||
      s == ">=") {
    return kPrecCompare;
  }
  if (s == "||") return kPrecConcat;
  if (s == "+" || s == "-") return kPrecAdd;
  if (s == "*" || s == "/" || s == "%") return kPrecMul;
  return -1;
}

// The Expr name of an infix operator token (expr.h lists them).
std::string OperatorName(const Token& t) {
  if (t.kind == Token::Kind::kIdent) return AsciiLower(t.value);
  if (t.value == "==") return "=";
  if (t.value == "<>") return "!=";
  if (t.value == "||") return "concat";
  return t.value;
}

// An expression with the byte range of its source text.
struct Parsed {
  ExprPtr expr;
  size_t begin = 0;
  size_t end = 0;
};

class Parser {
 public:
  Parser(std::string_view text, std::vector<Token> tokens, const OffsetToPos& pos,
         ExprParseOptions options)
      : text_(text), tokens_(std::move(tokens)), pos_(pos), options_(options) {}

  Result<Parsed> Expression() { return Binary(0); }

  const Token& Peek(size_t ahead = 0) const {
    return tokens_[std::min(k_ + ahead, tokens_.size() - 1)];
  }
  const Token& Take() {
    const Token& t = tokens_[k_];
    if (k_ + 1 < tokens_.size()) ++k_;
    return t;
  }

  std::string Describe(const Token& t) const {
    if (t.kind == Token::Kind::kEnd) return "the end of the expression";
    return "'" + std::string(text_.substr(t.offset, t.length)) + "'";
  }

  Status Error(const Token& at, std::string_view message) const {
    return ErrorAt(pos_(at.offset), message);
  }

  Status ExpectEnd(std::string_view expected) const {
    if (Peek().kind == Token::Kind::kEnd) return Status::OK();
    return Error(Peek(), "expected " + std::string(expected) + ", found " + Describe(Peek()));
  }

 private:
  Parsed Build(Expr::Kind kind, std::string name, std::vector<ExprPtr> args, size_t begin,
               size_t end, size_t at) const {
    auto e = std::make_shared<Expr>();
    e->kind = kind;
    e->name = std::move(name);
    e->args = std::move(args);
    e->pos = pos_(at);
    e->text = std::string(text_.substr(begin, end - begin));
    return Parsed{std::move(e), begin, end};
  }

  Parsed BuildLiteral(Value v, const Token& t) const {
    Parsed p = Build(Expr::Kind::kLiteral, "", {}, t.offset, t.offset + t.length, t.offset);
    std::const_pointer_cast<Expr>(p.expr)->literal = std::move(v);
    return p;
  }

  Result<Parsed> Binary(int min_prec) {
    ASSIGN_OR_RETURN(Parsed left, Prefix());
    bool compared = false;
    while (true) {
      const Token& op = Peek();
      const int prec = InfixPrecedence(op);
      if (prec < 0 || prec < min_prec) break;
      Take();
      if (op.IsKeyword("is")) {
        ASSIGN_OR_RETURN(left, IsNull(std::move(left), op));
        continue;
      }
      if (prec == kPrecCompare) {
        if (compared) {
          return Error(op, "comparisons cannot be chained: combine them with 'and'");
        }
        compared = true;
      }
      ASSIGN_OR_RETURN(Parsed right, Binary(prec + 1));
      left = Build(Expr::Kind::kCall, OperatorName(op), {left.expr, right.expr}, left.begin,
                   right.end, op.offset);
    }
    return left;
  }

  // After "x is": "null" or "not null".
  Result<Parsed> IsNull(Parsed operand, const Token& is) {
    bool negated = false;
    if (Peek().IsKeyword("not")) {
      Take();
      negated = true;
    }
    const Token& null = Peek();
    if (!null.IsKeyword("null")) {
      return Error(null, std::string("expected ") + (negated ? "'null'" : "'null' or 'not null'") +
                             " after 'is', found " + Describe(null));
    }
    Take();
    return Build(Expr::Kind::kCall, negated ? "is_not_null" : "is_null", {operand.expr},
                 operand.begin, null.offset + null.length, is.offset);
  }

  Result<Parsed> Prefix() {
    const Token& t = Peek();
    if (t.IsKeyword("not")) {
      Take();
      ASSIGN_OR_RETURN(Parsed operand, Binary(kPrecNot + 1));
      return Build(Expr::Kind::kCall, "not", {operand.expr}, t.offset, operand.end, t.offset);
    }
    if (t.IsSymbol("-")) {
      Take();
      ASSIGN_OR_RETURN(Parsed operand, Binary(kPrecUnary));
      return Negate(std::move(operand), t);
    }
    return Primary();
  }

  // -5 is the literal -5 rather than neg(5), so it reads back as written.
  Parsed Negate(Parsed operand, const Token& minus) const {
    const Expr& e = *operand.expr;
    if (e.kind == Expr::Kind::kLiteral &&
        (std::holds_alternative<int64_t>(e.literal) || std::holds_alternative<double>(e.literal))) {
      Parsed p = Build(Expr::Kind::kLiteral, "", {}, minus.offset, operand.end, minus.offset);
      auto* mut = const_cast<Expr*>(p.expr.get());
      if (std::holds_alternative<int64_t>(e.literal)) {
        mut->literal = -std::get<int64_t>(e.literal);
      } else {
        mut->literal = -std::get<double>(e.literal);
      }
      return p;
    }
    return Build(Expr::Kind::kCall, "neg", {operand.expr}, minus.offset, operand.end, minus.offset);
  }

  Result<Parsed> Primary() {
    const Token& t = Take();
    switch (t.kind) {
      case Token::Kind::kInt:
        return BuildLiteral(t.int_value, t);
      case Token::Kind::kFloat:
        return BuildLiteral(t.float_value, t);
      case Token::Kind::kString:
        return BuildLiteral(t.value, t);
      case Token::Kind::kQuotedIdent:
        return Build(Expr::Kind::kColumn, t.value, {}, t.offset, t.offset + t.length, t.offset);
      case Token::Kind::kIdent:
        return Identifier(t);
      case Token::Kind::kSymbol:
        if (t.value == "(") return Parenthesized(t);
        break;
      case Token::Kind::kEnd:
        break;
    }
    return Error(t, "expected an expression, found " + Describe(t));
  }

  Result<Parsed> Identifier(const Token& t) {
    if (t.IsKeyword("true")) return BuildLiteral(true, t);
    if (t.IsKeyword("false")) return BuildLiteral(false, t);
    if (t.IsKeyword("null")) return BuildLiteral(std::monostate{}, t);
    if (Peek().IsSymbol("(")) return FunctionCall(t);
    if (t.IsKeyword("and") || t.IsKeyword("or") || t.IsKeyword("is") || t.IsKeyword("not")) {
      return Error(t, "expected an expression, found " + Describe(t) +
                          " (a column with that name must be written `" + t.value + "`)");
    }
    return Build(Expr::Kind::kColumn, t.value, {}, t.offset, t.offset + t.length, t.offset);
  }

  Result<Parsed> Parenthesized(const Token& open) {
    ASSIGN_OR_RETURN(Parsed inner, Binary(0));
    const Token& close = Peek();
    if (!close.IsSymbol(")")) {
      SourcePos at = pos_(open.offset);
      return Error(close, "expected ')' to close the '(' at column " + std::to_string(at.column) +
                              ", found " + Describe(close));
    }
    Take();
    // Keep the inner node but widen its range so an enclosing text includes the parentheses.
    return Parsed{inner.expr, open.offset, close.offset + close.length};
  }

  Result<Parsed> FunctionCall(const Token& name_token) {
    const std::string name = AsciiLower(name_token.value);
    Take();  // '('
    if (name == "cast") return Cast(name_token);
    const FunctionSpec* info = FindFunction(name);
    if (info == nullptr || info->kind == FunctionKind::kOperator) {
      return Error(name_token, "unknown function '" + name + "' (expected one of " +
                                   CallableFunctionNames() + ")");
    }
    const bool aggregate = info->kind == FunctionKind::kAggregate;
    if (aggregate) {
      if (!options_.allow_aggregates) {
        return Error(name_token, "aggregate function '" + name +
                                     "' is only allowed in the values of an aggregate step");
      }
      if (in_aggregate_) {
        return Error(name_token, "aggregate functions cannot be nested ('" + name +
                                     "' inside another aggregate)");
      }
    }
    in_aggregate_ = aggregate || in_aggregate_;
    Result<std::vector<ExprPtr>> args = Arguments(*info, name_token);
    if (aggregate) in_aggregate_ = false;
    if (!args.ok()) return args.status();
    const Token& close = tokens_[k_ - 1];
    return Build(Expr::Kind::kCall, name, std::move(*args), name_token.offset,
                 close.offset + close.length, name_token.offset);
  }

  // The arguments after "name(", through the closing ')'.
  Result<std::vector<ExprPtr>> Arguments(const FunctionSpec& info, const Token& name_token) {
    std::vector<ExprPtr> args;
    if (Peek().IsSymbol("*") && Peek(1).IsSymbol(")")) {
      if (info.name != "count") {
        return Error(Peek(), "only count takes '*'; " + std::string(info.name) + " takes " +
                                 ArityText(info));
      }
      Take(), Take();
      return args;  // count(*)
    }
    if (Peek().IsSymbol(")")) {
      Take();
    } else {
      while (true) {
        ASSIGN_OR_RETURN(Parsed arg, Binary(0));
        args.push_back(arg.expr);
        const Token& sep = Take();
        if (sep.IsSymbol(")")) break;
        if (!sep.IsSymbol(",")) {
          return Error(sep, "expected ',' or ')' after an argument of " + std::string(info.name) +
                                ", found " + Describe(sep));
        }
      }
    }
    const int n = static_cast<int>(args.size());
    if (n < info.min_args || (info.max_args >= 0 && n > info.max_args)) {
      return Error(name_token, std::string(info.name) + " takes " + ArityText(info) +
                                   (info.name == "count" ? " or *" : "") + ", found " +
                                   std::to_string(n));
    }
    return args;
  }

  // After "cast(": "x as type)".
  Result<Parsed> Cast(const Token& name_token) {
    ASSIGN_OR_RETURN(Parsed arg, Binary(0));
    const Token& as = Take();
    if (!as.IsKeyword("as")) {
      return Error(as, "expected 'as' in cast(x as type), found " + Describe(as));
    }
    const Token& type = Take();
    if (type.kind != Token::Kind::kIdent) {
      return Error(type,
                   "expected a type name (string, int64, double or bool), found " + Describe(type));
    }
    Result<TypeId> id = ParseTypeName(type.value);
    if (!id.ok()) return Error(type, id.status().message());
    const Token& close = Take();
    if (!close.IsSymbol(")")) {
      return Error(close, "expected ')' after the type of cast, found " + Describe(close));
    }
    Parsed p = Build(Expr::Kind::kCall, "cast", {arg.expr}, name_token.offset,
                     close.offset + close.length, name_token.offset);
    const_cast<Expr*>(p.expr.get())->cast_to = *id;
    return p;
  }

  std::string_view text_;
  std::vector<Token> tokens_;
  const OffsetToPos& pos_;
  ExprParseOptions options_;
  size_t k_ = 0;
  bool in_aggregate_ = false;
};

}  // namespace

bool IsAggregateFunction(std::string_view name) {
  const FunctionSpec* f = FindFunction(AsciiLower(name));
  return f != nullptr && f->kind == FunctionKind::kAggregate;
}

OffsetToPos LinePositions(std::string file, int line, int column) {
  return [file = std::move(file), line, column](size_t offset) {
    return SourcePos{file, line, column + static_cast<int>(offset)};
  };
}

Result<ExprPtr> ParseExpr(std::string_view text, const OffsetToPos& pos, ExprParseOptions options) {
  ASSIGN_OR_RETURN(std::vector<Token> tokens, Tokenize(text, pos));
  Parser parser(text, std::move(tokens), pos, options);
  ASSIGN_OR_RETURN(Parsed parsed, parser.Expression());
  RETURN_NOT_OK(parser.ExpectEnd("an operator or the end of the expression"));
  return parsed.expr;
}

Result<SortKey> ParseSortKey(std::string_view text, const OffsetToPos& pos) {
  ASSIGN_OR_RETURN(std::vector<Token> tokens, Tokenize(text, pos));
  Parser parser(text, std::move(tokens), pos, {});
  ASSIGN_OR_RETURN(Parsed parsed, parser.Expression());
  SortKey key;
  key.expr = parsed.expr;
  if (parser.Peek().IsKeyword("asc") || parser.Peek().IsKeyword("desc")) {
    key.descending = parser.Take().IsKeyword("desc");
  }
  if (parser.Peek().IsKeyword("nulls")) {
    parser.Take();
    const Token& which = parser.Peek();
    if (!which.IsKeyword("first") && !which.IsKeyword("last")) {
      return parser.Error(
          which, "expected 'first' or 'last' after 'nulls', found " + parser.Describe(which));
    }
    key.nulls_first = parser.Take().IsKeyword("first");
  }
  RETURN_NOT_OK(parser.ExpectEnd("asc, desc, nulls first, nulls last or the end of the key"));
  return key;
}

}  // namespace sluice::engine
