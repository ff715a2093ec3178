// Scalar expressions of job specs, unbound: columns by name, literals, and calls of
// operators and functions by name. The binder (engine/bind.h) checks and types them.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <variant>
#include <vector>

#include "engine/types.h"

namespace sluice::engine {

// Where something came from in a job spec, for error messages ("job.yml:12:7").
struct SourcePos {
  std::string file;
  int line = 0;    // 1-based; 0 = unknown
  int column = 0;  // 1-based
  std::string ToString() const;  // "job.yml:12:7", or the file alone when line is unknown
};

struct Expr;
using ExprPtr = std::shared_ptr<const Expr>;

// A literal value; std::monostate is NULL.
using Value = std::variant<std::monostate, bool, int64_t, double, std::string>;

struct Expr {
  enum class Kind { kColumn, kLiteral, kCall };
  Kind kind = Kind::kLiteral;
  // kColumn: the column name. kCall: the function or operator name, lower case:
  //   arithmetic + - * / %, "neg"; comparison = != < <= > >=; boolean and or not;
  //   is_null is_not_null; cast (target in cast_to); round abs coalesce concat
  //   lower upper length trim substr; if (cond, then, else).
  std::string name;
  Value literal;              // kLiteral
  std::vector<ExprPtr> args;  // kCall
  TypeId cast_to = TypeId::kString;
  SourcePos pos;
  std::string text;           // the source text, for messages and default output names
};

ExprPtr ColumnRef(std::string name, SourcePos pos = {});
ExprPtr Literal(Value v, SourcePos pos = {});
ExprPtr Call(std::string name, std::vector<ExprPtr> args, SourcePos pos = {});
ExprPtr CastTo(ExprPtr arg, TypeId type, SourcePos pos = {});

// Column names an expression reads.
void CollectColumns(const Expr& e, std::vector<std::string>* out);

}  // namespace sluice::engine
