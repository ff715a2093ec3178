// The logical plan of an ETL job: a DAG of relational nodes built from a job spec
// (engine/job_spec.h) and run by the executor (engine/executor.h). A node read by several
// others is computed once and its rows are streamed to all of them.
#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "engine/csv_options.h"
#include "engine/expr.h"
#include "storage/object_store.h"

namespace sluice::engine {

enum class JoinType { kInner, kLeft, kSemi, kAnti };
Result<JoinType> ParseJoinType(std::string_view text);  // inner|left|semi|anti
std::string_view JoinTypeName(JoinType type);

enum class AggregateFn { kCount, kCountStar, kSum, kAvg, kMin, kMax };
Result<AggregateFn> ParseAggregateFn(std::string_view text);  // count|sum|avg|mean|min|max
std::string_view AggregateFnName(AggregateFn fn);

struct NamedExpr {
  std::string name;
  ExprPtr expr;
};

struct AggregateSpec {
  std::string name;  // output column
  AggregateFn fn = AggregateFn::kCountStar;
  ExprPtr arg;  // null for count(*)
};

struct SortKey {
  ExprPtr expr;
  bool descending = false;
  bool nulls_first = false;  // default: nulls last, in both directions
};

struct PlanNode;
using PlanNodePtr = std::shared_ptr<PlanNode>;

struct PlanNode {
  enum class Kind { kScan, kFilter, kProject, kJoin, kAggregate, kSort, kLimit, kUnion };
  Kind kind = Kind::kScan;
  std::string name;  // the spec's step or input name: in messages and the run summary
  SourcePos pos;
  std::vector<PlanNodePtr> inputs;  // join: [left (probe, streamed), right (build)]

  // kScan
  std::string uri;
  CsvReadOptions csv;
  // PERMISSIVE only: folder URI the rejected rows are written to; empty = the executor's
  // default, `_rejects/<input name>` beside the first output's folder.
  std::string rejects_uri;
  // kFilter
  ExprPtr predicate;
  // kProject: the output columns in order, each computed from the input row.
  std::vector<NamedExpr> exprs;
  // kProject as written by a spec's `derive`: the input schema is unknown at load time, so
  // the output is every input column in order, one whose name equals an expr's name being
  // replaced in place by that expr, then the remaining exprs appended in their order.
  bool keep_input_columns = false;
  // kJoin: equal-length key lists; output = left columns then right non-key columns
  // (semi/anti: left columns only). A right column whose name clashes gets "_right".
  JoinType join_type = JoinType::kInner;
  std::vector<std::string> left_keys, right_keys;
  // kAggregate: output = group_by columns then aggregates.
  std::vector<std::string> group_by;
  std::vector<AggregateSpec> aggregates;
  // kSort
  std::vector<SortKey> sort_keys;
  // kLimit
  int64_t limit = 0;
};

struct CsvWriteOptions {
  bool header = true;
  char delimiter = ',';
  std::string null_value;  // how NULL is written; "" by default (as Spark)
};

struct OutputSpec {
  std::string name;  // e.g. "average_salary_by_industry"
  PlanNodePtr input;
  std::string uri;  // the output folder
  storage::SaveMode mode = storage::SaveMode::kOverwrite;
  CsvWriteOptions csv;
  SourcePos pos;
};

struct JobPlan {
  std::string name;
  std::string description;
  std::string spec_path;
  std::vector<OutputSpec> outputs;
};

}  // namespace sluice::engine
