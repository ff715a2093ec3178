// Every function an expression can name: its arity and whether it is an operator, a scalar
// function or an aggregate. The parser checks calls against it and the binder maps them to
// kernels, so a function is added in one place.
#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace sluice::engine {

enum class ScalarFn {
  kAdd, kSub, kMul, kDiv, kMod, kNeg,
  kEq, kNe, kLt, kLe, kGt, kGe,
  kAnd, kOr, kNot, kIsNull, kIsNotNull,
  kCast, kRound, kAbs, kCoalesce, kConcat, kLower, kUpper, kLength, kTrim, kSubstr, kIf,
};

enum class FunctionKind {
  kOperator,   // written as an operator (a + b, not x): never called by name
  kScalar,     // round(x, 2)
  kAggregate,  // avg(x), only in an aggregate step's values
};

struct FunctionSpec {
  std::string_view name;  // lower case; operators by their symbol or a word (neg, is_null)
  int min_args;
  int max_args;  // -1: any number
  FunctionKind kind;
  std::optional<ScalarFn> fn;  // the kernel; aggregates have none
};

// The function called `name` (lower case), or nullptr.
const FunctionSpec* FindFunction(std::string_view name);

// The names a user may call, comma separated, for error messages.
std::string CallableFunctionNames();

}  // namespace sluice::engine
