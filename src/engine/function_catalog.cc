#include "engine/function_catalog.h"

#include <array>

namespace sluice::engine {

namespace {

using K = FunctionKind;
using F = ScalarFn;

constexpr std::array<FunctionSpec, 34> kFunctions = {{
    {"+", 2, 2, K::kOperator, F::kAdd},
    {"-", 2, 2, K::kOperator, F::kSub},
    {"*", 2, 2, K::kOperator, F::kMul},
    {"/", 2, 2, K::kOperator, F::kDiv},
    {"%", 2, 2, K::kOperator, F::kMod},
    {"neg", 1, 1, K::kOperator, F::kNeg},
    {"=", 2, 2, K::kOperator, F::kEq},
    {"!=", 2, 2, K::kOperator, F::kNe},
    {"<", 2, 2, K::kOperator, F::kLt},
    {"<=", 2, 2, K::kOperator, F::kLe},
    {">", 2, 2, K::kOperator, F::kGt},
    {">=", 2, 2, K::kOperator, F::kGe},
    {"and", 2, 2, K::kOperator, F::kAnd},
    {"or", 2, 2, K::kOperator, F::kOr},
    {"not", 1, 1, K::kOperator, F::kNot},
    {"is_null", 1, 1, K::kOperator, F::kIsNull},
    {"is_not_null", 1, 1, K::kOperator, F::kIsNotNull},
    {"round", 1, 2, K::kScalar, F::kRound},
    {"abs", 1, 1, K::kScalar, F::kAbs},
    {"coalesce", 1, -1, K::kScalar, F::kCoalesce},
    {"concat", 1, -1, K::kScalar, F::kConcat},
    {"lower", 1, 1, K::kScalar, F::kLower},
    {"upper", 1, 1, K::kScalar, F::kUpper},
    {"length", 1, 1, K::kScalar, F::kLength},
    {"trim", 1, 1, K::kScalar, F::kTrim},
    {"substr", 2, 3, K::kScalar, F::kSubstr},
    {"if", 3, 3, K::kScalar, F::kIf},
    {"count", 1, 1, K::kAggregate, std::nullopt},
    {"sum", 1, 1, K::kAggregate, std::nullopt},
    {"avg", 1, 1, K::kAggregate, std::nullopt},
    {"mean", 1, 1, K::kAggregate, std::nullopt},
    {"min", 1, 1, K::kAggregate, std::nullopt},
    {"max", 1, 1, K::kAggregate, std::nullopt},
    // Last: the parser reads its argument list, cast(x as type), by its own rule.
    {"cast", 1, 1, K::kScalar, F::kCast},
}};

}  // namespace

const FunctionSpec* FindFunction(std::string_view name) {
  for (const auto& f : kFunctions) {
    if (f.name == name) return &f;
  }
  return nullptr;
}

std::string CallableFunctionNames() {
  std::string out;
  for (const auto& f : kFunctions) {
    if (f.kind == FunctionKind::kOperator) continue;
    if (!out.empty()) out += ", ";
    out += f.name;
  }
  return out;
}

}  // namespace sluice::engine
