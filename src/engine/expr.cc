#include "engine/expr.h"

#include <algorithm>
#include <cstdio>
#include <utility>

namespace sluice::engine {

std::string SourcePos::ToString() const {
  if (line <= 0) return file;
  std::string out = file + ":" + std::to_string(line);
  if (column > 0) out += ":" + std::to_string(column);
  return out;
}

namespace {

// Text for expressions built in code rather than parsed, so messages can still quote them.
std::string LiteralText(const Value& v) {
  struct Render {
    std::string operator()(std::monostate) const { return "null"; }
    std::string operator()(bool b) const { return b ? "true" : "false"; }
    std::string operator()(int64_t i) const { return std::to_string(i); }
    std::string operator()(double d) const {
      char buf[32];
      std::snprintf(buf, sizeof(buf), "%.17g", d);
      return buf;
    }
    std::string operator()(const std::string& s) const {
      std::string out = "'";
      for (char c : s) out += (c == '\'') ? std::string("''") : std::string(1, c);
      return out + "'";
    }
  };
  return std::visit(Render{}, v);
}

std::string CallText(const std::string& name, const std::vector<ExprPtr>& args) {
  std::string out = name + "(";
  for (size_t i = 0; i < args.size(); ++i) {
    if (i > 0) out += ", ";
    out += args[i] ? args[i]->text : "?";
  }
  return out + ")";
}

}  // namespace

ExprPtr ColumnRef(std::string name, SourcePos pos) {
  auto e = std::make_shared<Expr>();
  e->kind = Expr::Kind::kColumn;
  e->text = name;
  e->name = std::move(name);
  e->pos = std::move(pos);
  return e;
}

ExprPtr Literal(Value v, SourcePos pos) {
  auto e = std::make_shared<Expr>();
  e->kind = Expr::Kind::kLiteral;
  e->text = LiteralText(v);
  e->literal = std::move(v);
  e->pos = std::move(pos);
  return e;
}

ExprPtr Call(std::string name, std::vector<ExprPtr> args, SourcePos pos) {
  auto e = std::make_shared<Expr>();
  e->kind = Expr::Kind::kCall;
  e->text = CallText(name, args);
  e->name = std::move(name);
  e->args = std::move(args);
  e->pos = std::move(pos);
  return e;
}

ExprPtr CastTo(ExprPtr arg, TypeId type, SourcePos pos) {
  auto e = std::make_shared<Expr>();
  e->kind = Expr::Kind::kCall;
  e->name = "cast";
  e->text =
      "cast(" + (arg ? arg->text : std::string("?")) + " as " + std::string(TypeName(type)) + ")";
  e->args = {std::move(arg)};
  e->cast_to = type;
  e->pos = std::move(pos);
  return e;
}

void CollectColumns(const Expr& e, std::vector<std::string>* out) {
  if (e.kind == Expr::Kind::kColumn) {
    if (std::find(out->begin(), out->end(), e.name) == out->end()) out->push_back(e.name);
    return;
  }
  for (const auto& arg : e.args) {
    if (arg) CollectColumns(*arg, out);
  }
}

}  // namespace sluice::engine
