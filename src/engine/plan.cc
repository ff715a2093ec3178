#include "engine/plan.h"

#include <algorithm>
#include <cctype>

#include "common/ascii.h"

namespace sluice::engine {

namespace {}  // namespace

Result<JoinType> ParseJoinType(std::string_view text) {
  std::string t = AsciiLower(text);
  if (t == "inner") return JoinType::kInner;
  if (t == "left") return JoinType::kLeft;
  if (t == "semi") return JoinType::kSemi;
  if (t == "anti") return JoinType::kAnti;
  return Status::InvalidArgument("unknown join type '" + std::string(text) +
                                 "' (expected inner, left, semi or anti)");
}

std::string_view JoinTypeName(JoinType type) {
  switch (type) {
    case JoinType::kInner:
      return "inner";
    case JoinType::kLeft:
      return "left";
    case JoinType::kSemi:
      return "semi";
    case JoinType::kAnti:
      return "anti";
  }
  return "?";
}

Result<AggregateFn> ParseAggregateFn(std::string_view text) {
  std::string t = AsciiLower(text);
  if (t == "count") return AggregateFn::kCount;
  if (t == "sum") return AggregateFn::kSum;
  if (t == "avg" || t == "mean") return AggregateFn::kAvg;
  if (t == "min") return AggregateFn::kMin;
  if (t == "max") return AggregateFn::kMax;
  return Status::InvalidArgument("unknown aggregate function '" + std::string(text) +
                                 "' (expected count, sum, avg, mean, min or max)");
}

std::string_view AggregateFnName(AggregateFn fn) {
  switch (fn) {
    case AggregateFn::kCount:
      return "count";
    case AggregateFn::kCountStar:
      return "count(*)";
    case AggregateFn::kSum:
      return "sum";
    case AggregateFn::kAvg:
      return "avg";
    case AggregateFn::kMin:
      return "min";
    case AggregateFn::kMax:
      return "max";
  }
  return "?";
}

}  // namespace sluice::engine
