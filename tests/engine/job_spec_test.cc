#include "engine/job_spec.h"

#include <gtest/gtest.h>

#include <fstream>
#include <sstream>

namespace sluice::engine {
namespace {

using Kind = PlanNode::Kind;

const JobVars kSeedVars = {{"data", "/d"}, {"output", "/o"}};

Result<JobPlan> Parse(std::string_view yaml, const JobVars& vars = {}) {
  return ParseJobSpec(yaml, "job.yml", vars);
}

// The error message of a spec that must not load.
std::string ErrorOf(std::string_view yaml, const JobVars& vars = {}) {
  auto r = Parse(yaml, vars);
  if (r.ok()) return "loaded";
  EXPECT_EQ(r.status().code(), StatusCode::kParseError) << r.status().ToString();
  return r.status().message();
}

std::string SeedPath() {
  return std::string(SLUICE_SOURCE_DIR) + "/examples/salary/etl/avg_salary.yml";
}

std::string ReadFile(const std::string& path) {
  std::ifstream in(path);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

// ---- the seed job -------------------------------------------------------------------------

TEST(JobSpecSeedTest, FiveOutputsShareOneJoinAndOneScanPerInput) {
  auto r = LoadJobSpec(SeedPath(), kSeedVars);
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  const JobPlan& plan = *r;
  EXPECT_EQ(plan.name, "average_salary");
  EXPECT_EQ(plan.spec_path, SeedPath());
  EXPECT_FALSE(plan.description.empty());
  const std::vector<std::string> features = {"companyId", "jobType", "degree", "major", "industry"};
  ASSERT_EQ(plan.outputs.size(), features.size());
  const PlanNode* join = nullptr;
  for (size_t i = 0; i < features.size(); ++i) {
    const OutputSpec& out = plan.outputs[i];
    const std::string& f = features[i];
    EXPECT_EQ(out.name, "average_salary_by_" + f);
    EXPECT_EQ(out.uri, "/o/" + f);
    EXPECT_EQ(out.mode, storage::SaveMode::kOverwrite);
    EXPECT_TRUE(out.csv.header);
    EXPECT_EQ(out.pos.line, 19);

    const PlanNode& sort = *out.input;
    ASSERT_EQ(sort.kind, Kind::kSort);
    ASSERT_EQ(sort.sort_keys.size(), 2u);
    EXPECT_EQ(sort.sort_keys[0].expr->name, "average_salary");
    EXPECT_TRUE(sort.sort_keys[0].descending);
    EXPECT_EQ(sort.sort_keys[1].expr->name, f);
    EXPECT_FALSE(sort.sort_keys[1].descending);
    EXPECT_EQ(sort.sort_keys[1].expr->pos.ToString(), SeedPath() + ":26:40");

    const PlanNode& project = *sort.inputs.at(0);
    ASSERT_EQ(project.kind, Kind::kProject);
    EXPECT_FALSE(project.keep_input_columns);
    ASSERT_EQ(project.exprs.size(), 2u);
    EXPECT_EQ(project.exprs[0].name, f);
    EXPECT_EQ(project.exprs[0].expr->name, f);
    EXPECT_EQ(project.exprs[1].name, "average_salary");
    const Expr& round = *project.exprs[1].expr;
    EXPECT_EQ(round.name, "round");
    EXPECT_EQ(round.pos.ToString(), SeedPath() + ":25:37");
    ASSERT_EQ(round.args.size(), 2u);
    EXPECT_EQ(round.args[0]->kind, Expr::Kind::kColumn);
    EXPECT_EQ(round.args[0]->name, "__agg0");
    EXPECT_EQ(round.args[0]->text, "avg(salary)");
    EXPECT_EQ(round.args[0]->pos.ToString(), SeedPath() + ":25:43");
    EXPECT_EQ(std::get<int64_t>(round.args[1]->literal), 4);

    const PlanNode& agg = *project.inputs.at(0);
    ASSERT_EQ(agg.kind, Kind::kAggregate);
    EXPECT_EQ(agg.pos.ToString(), SeedPath() + ":23:9");
    EXPECT_EQ(agg.group_by, std::vector<std::string>{f});
    ASSERT_EQ(agg.aggregates.size(), 1u);
    EXPECT_EQ(agg.aggregates[0].name, "__agg0");
    EXPECT_EQ(agg.aggregates[0].fn, AggregateFn::kAvg);
    EXPECT_EQ(agg.aggregates[0].arg->name, "salary");
    EXPECT_EQ(agg.aggregates[0].arg->pos.ToString(), SeedPath() + ":25:47");

    if (join == nullptr) join = agg.inputs.at(0).get();
    EXPECT_EQ(agg.inputs.at(0).get(), join) << "every output reads the same join node";
  }
  ASSERT_EQ(join->kind, Kind::kJoin);
  EXPECT_EQ(join->name, "postings");
  EXPECT_EQ(join->pos.ToString(), SeedPath() + ":16:5");
  EXPECT_EQ(join->join_type, JoinType::kInner);
  EXPECT_EQ(join->left_keys, std::vector<std::string>{"jobId"});
  EXPECT_EQ(join->right_keys, std::vector<std::string>{"jobId"});
  ASSERT_EQ(join->inputs.size(), 2u);
  const PlanNode& features_scan = *join->inputs[0];
  const PlanNode& salaries_scan = *join->inputs[1];
  EXPECT_EQ(features_scan.kind, Kind::kScan);
  EXPECT_EQ(features_scan.name, "features");
  EXPECT_EQ(features_scan.uri, "/d/train_features.csv");
  EXPECT_TRUE(features_scan.csv.column_types.empty());
  EXPECT_EQ(salaries_scan.name, "salaries");
  EXPECT_EQ(salaries_scan.uri, "/d/train_salaries.csv");
  EXPECT_EQ(salaries_scan.csv.column_types.at("salary"), TypeId::kInt64);
  EXPECT_TRUE(salaries_scan.csv.header);
  EXPECT_EQ(salaries_scan.csv.mode, MalformedMode::kFailFast);
  EXPECT_TRUE(salaries_scan.rejects_uri.empty());
}

TEST(JobSpecSeedTest, MissingVariableIsNamedWithItsPosition) {
  std::string text = ReadFile(SeedPath());
  ASSERT_FALSE(text.empty());
  auto r = ParseJobSpec(text, "avg_salary.yml", {{"output", "/o"}});
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().message(),
            "avg_salary.yml:8:12: unknown variable 'data' (pass --var data=...)");
  r = ParseJobSpec(text, "avg_salary.yml", {{"data", "/d"}});
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().message(),
            "avg_salary.yml:27:12: unknown variable 'output' (pass --var output=...)");
}

TEST(JobSpecSeedTest, LoadJobSpecReportsAMissingFile) {
  auto r = LoadJobSpec(std::string(SLUICE_SOURCE_DIR) + "/examples/nope.yml", kSeedVars);
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.status().message().find("nope.yml"), std::string::npos);
}

// ---- lowering -------------------------------------------------------------------------------

constexpr std::string_view kTwoInputs = R"y(job: j
inputs:
  a: {path: a.csv}
  b: {path: b.csv}
)y";

Result<JobPlan> WithInputs(std::string_view rest, const JobVars& vars = {}) {
  return Parse(std::string(kTwoInputs) + std::string(rest), vars);
}

TEST(JobSpecLoweringTest, FilterSelectAndLimitChainFromTheOutputsFrom) {
  auto r = WithInputs(R"y(outputs:
  - name: o
    from: a
    steps:
      - filter: "x > 1 and y is not null"
      - select: [x, "y + 1", "`odd name`"]
      - limit: 10
    path: out
)y");
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  const PlanNode& limit = *r->outputs.at(0).input;
  ASSERT_EQ(limit.kind, Kind::kLimit);
  EXPECT_EQ(limit.limit, 10);
  EXPECT_EQ(limit.name, "o.steps[2]");
  const PlanNode& select = *limit.inputs.at(0);
  ASSERT_EQ(select.kind, Kind::kProject);
  EXPECT_FALSE(select.keep_input_columns);
  ASSERT_EQ(select.exprs.size(), 3u);
  EXPECT_EQ(select.exprs[0].name, "x");
  EXPECT_EQ(select.exprs[1].name, "y + 1");
  EXPECT_EQ(select.exprs[1].expr->name, "+");
  EXPECT_EQ(select.exprs[2].name, "odd name");
  const PlanNode& filter = *select.inputs.at(0);
  ASSERT_EQ(filter.kind, Kind::kFilter);
  EXPECT_EQ(filter.predicate->name, "and");
  EXPECT_EQ(filter.predicate->pos.ToString(), "job.yml:9:24");
  EXPECT_EQ(filter.pos.ToString(), "job.yml:9:9");
  EXPECT_EQ(filter.inputs.at(0)->kind, Kind::kScan);
  EXPECT_EQ(filter.inputs.at(0)->uri, "a.csv");
}

TEST(JobSpecLoweringTest, SelectMapNamesAndOrdersColumns) {
  auto r = WithInputs(R"y(outputs:
  - {name: o, from: a, steps: [{select: {k: "upper(a)", n: "1"}}], path: out}
)y");
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  const PlanNode& select = *r->outputs[0].input;
  ASSERT_EQ(select.exprs.size(), 2u);
  EXPECT_EQ(select.exprs[0].name, "k");
  EXPECT_EQ(select.exprs[0].expr->name, "upper");
  EXPECT_EQ(select.exprs[1].name, "n");
}

TEST(JobSpecLoweringTest, DeriveKeepsInputColumnsAndChainsWhenAValueReadsASibling) {
  auto r = WithInputs(R"y(outputs:
  - name: o
    from: a
    steps:
      - derive: {x: "a + 1", y: "x * 2", z: "b"}
    path: out
)y");
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  const PlanNode& second = *r->outputs[0].input;
  ASSERT_EQ(second.kind, Kind::kProject);
  EXPECT_TRUE(second.keep_input_columns);
  ASSERT_EQ(second.exprs.size(), 2u);
  EXPECT_EQ(second.exprs[0].name, "y");
  EXPECT_EQ(second.exprs[1].name, "z");
  const PlanNode& first = *second.inputs.at(0);
  ASSERT_EQ(first.kind, Kind::kProject);
  EXPECT_TRUE(first.keep_input_columns);
  ASSERT_EQ(first.exprs.size(), 1u);
  EXPECT_EQ(first.exprs[0].name, "x");
  EXPECT_EQ(first.inputs.at(0)->kind, Kind::kScan);
}

TEST(JobSpecLoweringTest, DeriveWithIndependentValuesIsOneProject) {
  auto r = WithInputs(R"y(outputs:
  - {name: o, from: a, steps: [{derive: {x: "a + 1", a: "lower(a)"}}], path: out}
)y");
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  const PlanNode& p = *r->outputs[0].input;
  ASSERT_EQ(p.exprs.size(), 2u);
  EXPECT_EQ(p.inputs.at(0)->kind, Kind::kScan);
}

TEST(JobSpecLoweringTest, UnionReadsItsListAndNamedStepsAreShared) {
  auto r = WithInputs(R"y(steps:
  - name: both
    union: [a, b]
  - name: small
    filter: "v < 10"
outputs:
  - {name: o1, from: small, path: out1}
  - {name: o2, from: small, steps: [{limit: 0}], path: out2}
  - {name: o3, from: both, path: out3}
)y");
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  ASSERT_EQ(r->outputs.size(), 3u);
  const PlanNodePtr& small = r->outputs[0].input;
  EXPECT_EQ(small->kind, Kind::kFilter);
  EXPECT_EQ(small->name, "small");
  EXPECT_EQ(r->outputs[1].input->inputs.at(0), small);
  EXPECT_EQ(r->outputs[1].input->limit, 0);
  const PlanNodePtr& both = r->outputs[2].input;
  ASSERT_EQ(both->kind, Kind::kUnion);
  EXPECT_EQ(small->inputs.at(0), both);  // `small` read the step above it
  ASSERT_EQ(both->inputs.size(), 2u);
  EXPECT_EQ(both->inputs[0]->uri, "a.csv");
  EXPECT_EQ(both->inputs[1]->uri, "b.csv");
}

TEST(JobSpecLoweringTest, JoinKeysAndKinds) {
  auto r = WithInputs(R"y(steps:
  - {name: j1, from: a, join: {with: b, on: [k1, k2], how: LEFT}}
  - {name: j2, from: a, join: {with: b, on: {ka: kb, x: y}, how: semi}}
  - {name: j3, from: a, join: {with: a, on: k, how: anti}}
outputs:
  - {name: o1, from: j1, path: o1}
  - {name: o2, from: j2, path: o2}
  - {name: o3, from: j3, path: o3}
)y");
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  const PlanNode& j1 = *r->outputs[0].input;
  EXPECT_EQ(j1.join_type, JoinType::kLeft);
  EXPECT_EQ(j1.left_keys, (std::vector<std::string>{"k1", "k2"}));
  EXPECT_EQ(j1.right_keys, (std::vector<std::string>{"k1", "k2"}));
  const PlanNode& j2 = *r->outputs[1].input;
  EXPECT_EQ(j2.join_type, JoinType::kSemi);
  EXPECT_EQ(j2.left_keys, (std::vector<std::string>{"ka", "x"}));
  EXPECT_EQ(j2.right_keys, (std::vector<std::string>{"kb", "y"}));
  EXPECT_EQ(j2.inputs[0], j1.inputs[0]) << "one scan node per input";
  const PlanNode& j3 = *r->outputs[2].input;
  EXPECT_EQ(j3.join_type, JoinType::kAnti);
  EXPECT_EQ(j3.inputs[0], j3.inputs[1]);
}

TEST(JobSpecLoweringTest, BareAggregatesNeedNoProject) {
  auto r = WithInputs(R"y(outputs:
  - name: o
    from: a
    steps:
      - aggregate: {group_by: g, values: {n: "count(*)", s: "SUM(x)", m: "mean(x)", c: "count(x)"}}
    path: out
)y");
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  const PlanNode& agg = *r->outputs[0].input;
  ASSERT_EQ(agg.kind, Kind::kAggregate);
  EXPECT_EQ(agg.group_by, std::vector<std::string>{"g"});
  ASSERT_EQ(agg.aggregates.size(), 4u);
  EXPECT_EQ(agg.aggregates[0].name, "n");
  EXPECT_EQ(agg.aggregates[0].fn, AggregateFn::kCountStar);
  EXPECT_EQ(agg.aggregates[0].arg, nullptr);
  EXPECT_EQ(agg.aggregates[1].name, "s");
  EXPECT_EQ(agg.aggregates[1].fn, AggregateFn::kSum);
  EXPECT_EQ(agg.aggregates[2].fn, AggregateFn::kAvg);
  EXPECT_EQ(agg.aggregates[3].fn, AggregateFn::kCount);
  EXPECT_EQ(agg.aggregates[3].arg->name, "x");
}

TEST(JobSpecLoweringTest, ComposedAggregatesShareHiddenColumns) {
  auto r = WithInputs(R"y(outputs:
  - name: o
    from: a
    steps:
      - aggregate:
          group_by: [g, h]
          values: {ratio: "sum(x) / count(x)", total: "sum(x)", key: "lower(g)", top: "max(x + 1)"}
    path: out
)y");
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  const PlanNode& project = *r->outputs[0].input;
  ASSERT_EQ(project.kind, Kind::kProject);
  ASSERT_EQ(project.exprs.size(), 6u);
  EXPECT_EQ(project.exprs[0].name, "g");
  EXPECT_EQ(project.exprs[1].name, "h");
  EXPECT_EQ(project.exprs[2].name, "ratio");
  EXPECT_EQ(project.exprs[2].expr->args[0]->name, "__agg0");
  EXPECT_EQ(project.exprs[2].expr->args[1]->name, "__agg1");
  EXPECT_EQ(project.exprs[3].expr->name, "__agg0");  // sum(x) computed once
  EXPECT_EQ(project.exprs[4].expr->name, "lower");
  EXPECT_EQ(project.exprs[4].expr->args[0]->name, "g");
  EXPECT_EQ(project.exprs[5].expr->name, "__agg2");
  const PlanNode& agg = *project.inputs.at(0);
  ASSERT_EQ(agg.aggregates.size(), 3u);
  EXPECT_EQ(agg.aggregates[0].fn, AggregateFn::kSum);
  EXPECT_EQ(agg.aggregates[1].fn, AggregateFn::kCount);
  EXPECT_EQ(agg.aggregates[2].fn, AggregateFn::kMax);
  EXPECT_EQ(agg.aggregates[2].arg->name, "+");
}

TEST(JobSpecLoweringTest, InputReadOptions) {
  auto r = Parse(R"y(job: j
inputs:
  raw:
    path: "s3://bucket/x.tsv"
    format: CSV
    header: false
    delimiter: '\t'
    quote: "'"
    mode: PERMISSIVE
    rejects: "file:///tmp/rejects"
    schema: [{id: int64}, "name:string", {score: double}, "ok: bool"]
    columns: [id, score]
  typed:
    path: t.csv
    delimiter: ";"
    mode: dropmalformed
    types: {n: int, f: float}
outputs:
  - {name: o1, from: raw, path: o1, header: false, delimiter: "|", null_value: NA, mode: append}
  - {name: o2, from: typed, path: o2, mode: error_if_exists}
)y");
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  const PlanNode& raw = *r->outputs[0].input;
  EXPECT_EQ(raw.uri, "s3://bucket/x.tsv");
  EXPECT_FALSE(raw.csv.header);
  EXPECT_EQ(raw.csv.delimiter, '\t');
  EXPECT_EQ(raw.csv.quote, '\'');
  EXPECT_EQ(raw.csv.mode, MalformedMode::kPermissive);
  EXPECT_EQ(raw.rejects_uri, "file:///tmp/rejects");
  ASSERT_EQ(raw.csv.schema.size(), 4u);
  EXPECT_EQ(raw.csv.schema[0].name, "id");
  EXPECT_EQ(raw.csv.schema[0].type, TypeId::kInt64);
  EXPECT_EQ(raw.csv.schema[1].name, "name");
  EXPECT_EQ(raw.csv.schema[1].type, TypeId::kString);
  EXPECT_EQ(raw.csv.schema[2].type, TypeId::kDouble);
  EXPECT_EQ(raw.csv.schema[3].name, "ok");
  EXPECT_EQ(raw.csv.schema[3].type, TypeId::kBool);
  EXPECT_EQ(raw.csv.columns, (std::vector<std::string>{"id", "score"}));
  const OutputSpec& o1 = r->outputs[0];
  EXPECT_FALSE(o1.csv.header);
  EXPECT_EQ(o1.csv.delimiter, '|');
  EXPECT_EQ(o1.csv.null_value, "NA");
  EXPECT_EQ(o1.mode, storage::SaveMode::kAppend);

  const PlanNode& typed = *r->outputs[1].input;
  EXPECT_EQ(typed.csv.delimiter, ';');
  EXPECT_EQ(typed.csv.mode, MalformedMode::kDropMalformed);
  EXPECT_EQ(typed.csv.column_types.at("n"), TypeId::kInt64);
  EXPECT_EQ(typed.csv.column_types.at("f"), TypeId::kDouble);
  EXPECT_EQ(r->outputs[1].mode, storage::SaveMode::kErrorIfExists);
}

TEST(JobSpecLoweringTest, ForEachRepeatsAnOutputWithItsVariableBound) {
  auto r = WithInputs(R"y(outputs:
  - for_each: {col: [x, y, "{{ extra }}"]}
    name: "by_{{ col }}"
    from: a
    steps:
      - name: local
        select: ["{{ col }}"]
      - sort: "{{ col }}"
    path: "{{ root }}/{{col}}"
)y",
                      {{"root", "/r"}, {"extra", "z"}});
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  ASSERT_EQ(r->outputs.size(), 3u);
  const std::vector<std::string> cols = {"x", "y", "z"};
  for (size_t i = 0; i < cols.size(); ++i) {
    const OutputSpec& o = r->outputs[i];
    EXPECT_EQ(o.name, "by_" + cols[i]);
    EXPECT_EQ(o.uri, "/r/" + cols[i]);
    EXPECT_EQ(o.input->sort_keys.at(0).expr->name, cols[i]);
    EXPECT_EQ(o.input->inputs.at(0)->name, "local");
    EXPECT_EQ(o.input->inputs.at(0)->exprs.at(0).name, cols[i]);
  }
  EXPECT_NE(r->outputs[0].input->inputs[0], r->outputs[1].input->inputs[0]);
  EXPECT_EQ(r->outputs[0].input->inputs[0]->inputs[0], r->outputs[1].input->inputs[0]->inputs[0]);
}

TEST(JobSpecLoweringTest, VarsGiveDefaultsThatFlagsOverride) {
  constexpr std::string_view spec = R"y(job: j
vars: {root: /default, n: "5"}
inputs:
  a: {path: "{{ root }}/a.csv"}
outputs:
  - {name: o, from: a, steps: [{limit: "{{ n }}"}], path: "{{ root }}/out"}
)y";
  auto defaults = Parse(spec);
  ASSERT_TRUE(defaults.ok()) << defaults.status().ToString();
  EXPECT_EQ(defaults->outputs[0].uri, "/default/out");
  EXPECT_EQ(defaults->outputs[0].input->limit, 5);
  auto given = Parse(spec, {{"root", "s3://b"}});
  ASSERT_TRUE(given.ok());
  EXPECT_EQ(given->outputs[0].input->inputs[0]->uri, "s3://b/a.csv");
}

TEST(JobSpecLoweringTest, ByteOrderMarkAndCrlfKeepPositions) {
  std::string spec =
      "\xEF\xBB\xBFjob: j\r\ninputs:\r\n  a: {path: a.csv}\r\noutputs:\r\n"
      "  - {name: o, from: a, steps: [{filter: \"x +\"}], path: out}\r\n";
  EXPECT_EQ(ErrorOf(spec), "job.yml:5:45: expected an expression, found the end of the expression");
}

// ---- errors ---------------------------------------------------------------------------------

TEST(JobSpecErrorTest, YamlSyntaxError) {
  EXPECT_EQ(ErrorOf("job: j\ninputs: [a, b\noutputs: []\n"),
            "job.yml:3:8: YAML syntax error: end of sequence flow not found");
  EXPECT_EQ(ErrorOf("job: j\ninputs: a: b\n"),
            "job.yml:2:10: YAML syntax error: illegal map value");
}

TEST(JobSpecErrorTest, EmptyOrNotAMap) {
  EXPECT_EQ(ErrorOf(""), "job.yml: the job spec is empty");
  EXPECT_EQ(ErrorOf("# nothing\n"), "job.yml: the job spec is empty");
  EXPECT_EQ(ErrorOf("- a\n- b\n"), "job.yml:1:1: the job spec: expected a map, found a list");
}

TEST(JobSpecErrorTest, TopLevelKeys) {
  EXPECT_EQ(ErrorOf("job: j\ninput: {}\n"),
            "job.yml:2:1: unknown key 'input' in the job spec (allowed: job, description, vars, "
            "inputs, steps, outputs)");
  EXPECT_EQ(ErrorOf("job: j\ninputs: {a: {path: x}}\n"),
            "job.yml:1:1: the job spec is missing the required key 'outputs'");
  EXPECT_EQ(ErrorOf("job: j\njob: k\n"),
            "job.yml:2:1: duplicate key 'job' in the job spec (first at line 1)");
  EXPECT_EQ(
      ErrorOf("job: my job\ninputs: {a: {path: x}}\noutputs: [{name: o, from: a, path: p}]\n"),
      "job.yml:1:6: job name 'my job' is not a valid name (use letters, digits, '_', '-' "
      "and '.')");
  EXPECT_EQ(ErrorOf("job: j\ninputs: {}\noutputs: [{name: o, from: a, path: p}]\n"),
            "job.yml:2:9: inputs: expected at least one");
  EXPECT_EQ(ErrorOf("job: j\ninputs: {a: {path: x}}\noutputs: []\n"),
            "job.yml:3:10: outputs: expected at least one output");
  EXPECT_EQ(ErrorOf("job: j\ninputs: {a: {path: x}}\noutputs:\n"),
            "job.yml:3:1: outputs: expected a list, found nothing");
}

TEST(JobSpecErrorTest, InputFields) {
  auto err = [](std::string_view input_line) {
    return ErrorOf("job: j\ninputs:\n  a: " + std::string(input_line) +
                   "\noutputs: [{name: o, from: a, path: p}]\n");
  };
  EXPECT_EQ(err("{path: a.csv, hedaer: false}"),
            "job.yml:3:20: unknown key 'hedaer' in input 'a' (allowed: path, format, header, "
            "delimiter, quote, mode, rejects, schema, types, columns)");
  EXPECT_EQ(err("{header: true}"), "job.yml:3:6: input 'a' is missing the required key 'path'");
  EXPECT_EQ(err("a.csv"), "job.yml:3:6: input 'a': expected a map, found a string");
  EXPECT_EQ(err("{path: a.csv, format: parquet}"),
            "job.yml:3:28: format: only csv is supported, found 'parquet'");
  EXPECT_EQ(err("{path: a.csv, mode: lenient}"),
            "job.yml:3:26: mode: unknown malformed-row mode 'lenient' (expected failfast, "
            "dropmalformed or permissive)");
  EXPECT_EQ(err("{path: a.csv, header: maybe}"),
            "job.yml:3:28: header: expected true or false, found 'maybe'");
  EXPECT_EQ(err("{path: a.csv, delimiter: ';;'}"),
            "job.yml:3:31: delimiter: expected one character, found ';;'");
  EXPECT_EQ(err("{path: a.csv, types: {x: integer64}}"),
            "job.yml:3:31: unknown type 'integer64' (expected string, int64, double or bool)");
  EXPECT_EQ(err("{path: a.csv, schema: ['x:int64', 'y:blob']}"),
            "job.yml:3:43: unknown type 'blob' (expected string, int64, double or bool)");
  EXPECT_EQ(err("{path: a.csv, schema: [x]}"),
            "job.yml:3:29: schema: expected 'name:type' or {name: type}, found 'x'");
  EXPECT_EQ(err("{path: a.csv, header: false}"),
            "job.yml:3:28: header: false needs a schema (every column's name and type, in file "
            "order)");
  EXPECT_EQ(err("{path: a.csv, schema: ['x:int64'], types: {x: int64}}"),
            "job.yml:3:41: types: give either schema (every column, in file order) or types "
            "(some columns by name), not both");
  EXPECT_EQ(err("{path: a.csv, rejects: out/rejects}"),
            "job.yml:3:29: rejects: only mode: permissive records rejected rows");
  EXPECT_EQ(err("{path: ''}"), "job.yml:3:13: path: expected a file path or URI");
  EXPECT_EQ(err("{path: a.csv, columns: [x, x]}"), "job.yml:3:33: columns: 'x' is given twice");
}

TEST(JobSpecErrorTest, StepShape) {
  auto err = [](std::string_view step) {
    return ErrorOf(std::string(kTwoInputs) + "steps:\n  - " + std::string(step) +
                   "\noutputs: [{name: o, from: a, path: p}]\n");
  };
  // Line 6 holds the step; "  - " puts its first key at column 5.
  EXPECT_EQ(err("{from: a}"),
            "job.yml:6:5: step has no operation (expected one of filter, select, derive, join, "
            "aggregate, sort, limit, union)");
  EXPECT_EQ(err("{from: a, filter: x, select: [x]}"),
            "job.yml:6:26: a step has one operation, found 'filter' and 'select' (write them as "
            "two steps)");
  EXPECT_EQ(err("{from: a, fliter: x}"),
            "job.yml:6:15: unknown key 'fliter' in step (allowed: name, from, filter, select, "
            "derive, join, aggregate, sort, limit, union)");
  EXPECT_EQ(err("{filter: x}"),
            "job.yml:6:5: the first step needs 'from' (an input or a step above it)");
  EXPECT_EQ(err("{from: c, filter: x}"),
            "job.yml:6:12: unknown input or step 'c' (known here: a, b)");
  EXPECT_EQ(err("{name: a, from: b, filter: x}"),
            "job.yml:6:12: duplicate name 'a': an input or step is already called so (at "
            "job.yml:3:3)");
  EXPECT_EQ(err("{from: a, limit: -1}"),
            "job.yml:6:22: limit: expected a non-negative integer, found '-1'");
  EXPECT_EQ(err("{from: a, limit: 1.5}"),
            "job.yml:6:22: limit: expected a non-negative integer, found '1.5'");
  EXPECT_EQ(err("{from: a, limit: many}"),
            "job.yml:6:22: limit: expected a non-negative integer, found 'many'");
  EXPECT_EQ(err("{from: a, union: [a, b]}"),
            "job.yml:6:6: from: a union reads the inputs and steps listed in it; remove 'from'");
  EXPECT_EQ(err("{union: [a]}"),
            "job.yml:6:13: union: expected a list of at least two inputs or steps");
  EXPECT_EQ(err("{union: [a, zz]}"), "job.yml:6:17: unknown input or step 'zz' (known here: a, b)");
  EXPECT_EQ(err("{from: a, filter: }"), "job.yml:6:15: filter: expected a value, found nothing");
  EXPECT_EQ(err("{from: a, select: x}"),
            "job.yml:6:23: select: expected a list of columns or a map of name: expression, "
            "found a string");
  EXPECT_EQ(err("{from: a, select: [x, x]}"), "job.yml:6:27: select: column 'x' is given twice");
  EXPECT_EQ(err("{from: a, derive: [x]}"), "job.yml:6:23: derive: expected a map, found a list");
  EXPECT_EQ(err("{from: a, sort: []}"), "job.yml:6:15: sort: expected at least one key");
  EXPECT_EQ(err("{from: a, name: 'x y', filter: z}"),
            "job.yml:6:21: step name 'x y' is not a valid name (use letters, digits, '_', '-' "
            "and '.')");
}

TEST(JobSpecErrorTest, StepsCanOnlyReadWhatIsAboveThem) {
  EXPECT_EQ(ErrorOf(std::string(kTwoInputs) + R"y(steps:
  - {name: first, from: second, filter: x}
  - {name: second, from: a, filter: y}
outputs: [{name: o, from: first, path: p}]
)y"),
            "job.yml:6:25: 'second' is defined further down: a step can only read inputs and "
            "steps above it");
  EXPECT_EQ(ErrorOf(std::string(kTwoInputs) + R"y(steps:
  - {name: self, from: self, filter: x}
outputs: [{name: o, from: self, path: p}]
)y"),
            "job.yml:6:24: 'self' is defined further down: a step can only read inputs and "
            "steps above it");
}

TEST(JobSpecErrorTest, DuplicateInputAndStepNames) {
  EXPECT_EQ(ErrorOf("job: j\ninputs:\n  a: {path: x}\n  a: {path: y}\noutputs: [{name: o, from: a, "
                    "path: p}]\n"),
            "job.yml:4:3: duplicate key 'a' in inputs (first at line 3)");
  EXPECT_EQ(ErrorOf(std::string(kTwoInputs) + R"y(steps:
  - {name: s, from: a, filter: x}
  - {name: s, from: b, filter: y}
outputs: [{name: o, from: s, path: p}]
)y"),
            "job.yml:7:12: duplicate name 's': an input or step is already called so (at "
            "job.yml:6:12)");
  EXPECT_EQ(ErrorOf(std::string(kTwoInputs) + R"y(steps:
  - {name: s, from: a, filter: x}
outputs: [{name: o, from: a, steps: [{name: s, limit: 1}], path: p}]
)y"),
            "job.yml:7:45: duplicate name 's': an input or step is already called so (at "
            "job.yml:6:12)");
}

TEST(JobSpecErrorTest, JoinFields) {
  auto err = [](std::string_view join) {
    return ErrorOf(std::string(kTwoInputs) + "steps:\n  - {from: a, join: " + std::string(join) +
                   "}\noutputs: [{name: o, from: a, path: p}]\n");
  };
  // "  - {from: a, join: " is 20 columns: the join's value starts at column 21.
  EXPECT_EQ(err("{on: k}"), "job.yml:6:21: join is missing the required key 'with'");
  EXPECT_EQ(err("{with: b}"), "job.yml:6:21: join is missing the required key 'on'");
  EXPECT_EQ(err("{with: c, on: k}"), "job.yml:6:28: unknown input or step 'c' (known here: a, b)");
  EXPECT_EQ(err("{with: b, on: k, how: outer}"),
            "job.yml:6:43: how: unknown join type 'outer' (expected inner, left, semi or anti)");
  EXPECT_EQ(err("{with: b, on: [], how: left}"),
            "job.yml:6:35: on: expected at least one key column");
  EXPECT_EQ(err("{with: b, on: k, using: k}"),
            "job.yml:6:38: unknown key 'using' in join (allowed: with, on, how)");
}

TEST(JobSpecErrorTest, AggregateFields) {
  auto err = [](std::string_view agg) {
    return ErrorOf(std::string(kTwoInputs) + "steps:\n  - {from: a, aggregate: " +
                   std::string(agg) + "}\noutputs: [{name: o, from: a, path: p}]\n");
  };
  // "  - {from: a, aggregate: " is 25 columns.
  EXPECT_EQ(err("{group_by: [g]}"), "job.yml:6:26: aggregate is missing the required key 'values'");
  EXPECT_EQ(err("{group_by: [g], values: {n: \"x\"}}"),
            "job.yml:6:55: column 'x' is neither in group_by nor inside an aggregate function "
            "(count, sum, avg, min, max)");
  EXPECT_EQ(err("{group_by: [g], values: {g: \"count(*)\"}}"),
            "job.yml:6:51: values: 'g' is already a group_by column");
  EXPECT_EQ(err("{values: {n: \"avg(sum(x))\"}}"),
            "job.yml:6:44: aggregate functions cannot be nested ('sum' inside another aggregate)");
  EXPECT_EQ(err("{values: {}}"), "job.yml:6:35: values: expected at least one value");
  EXPECT_EQ(err("{values: {n: \"count(*)\"}, having: x}"),
            "job.yml:6:52: unknown key 'having' in aggregate (allowed: group_by, values)");
}

TEST(JobSpecErrorTest, AggregatesOutsideAggregateSteps) {
  EXPECT_EQ(ErrorOf(std::string(kTwoInputs) +
                    "outputs: [{name: o, from: a, steps: [{filter: \"sum(x) > 1\"}], path: p}]\n"),
            "job.yml:5:48: aggregate function 'sum' is only allowed in the values of an "
            "aggregate step");
}

TEST(JobSpecErrorTest, ExpressionPositionsInsideQuotedAndEscapedScalars) {
  auto err = [](std::string_view filter) {
    return ErrorOf(std::string(kTwoInputs) +
                   "outputs:\n  - name: o\n    from: a\n    steps:\n"
                   "      - filter: " +
                   std::string(filter) + "\n    path: p\n");
  };
  // Line 9, "      - filter: " is 16 columns: the scalar starts at column 17.
  EXPECT_EQ(err("x + * 2"), "job.yml:9:21: expected an expression, found '*'");
  EXPECT_EQ(err("\"x + * 2\""), "job.yml:9:22: expected an expression, found '*'");
  EXPECT_EQ(err("'x = ''a'' + * 2'"), "job.yml:9:30: expected an expression, found '*'");
  EXPECT_EQ(err("\"x = '\\t\\u00e9' + * 2\""), "job.yml:9:35: expected an expression, found '*'");
  // A folded plain scalar over two lines.
  EXPECT_EQ(err("x +\n          y + * 2"), "job.yml:10:15: expected an expression, found '*'");
  // A substituted variable moves the text; positions still point into the spec.
  EXPECT_EQ(ErrorOf(std::string(kTwoInputs) +
                        "outputs: [{name: o, from: a, steps: [{filter: \"{{ c }} = + 1\"}], "
                        "path: p}]\n",
                    {{"c", "a_long_column"}}),
            "job.yml:5:58: expected an expression, found '+'");
}

TEST(JobSpecErrorTest, OutputFields) {
  auto err = [](std::string_view output) {
    return ErrorOf(std::string(kTwoInputs) + "outputs:\n  - " + std::string(output) + "\n");
  };
  // Line 6; "  - " puts the output's first key at column 5.
  EXPECT_EQ(err("{name: o, from: a}"), "job.yml:6:5: output is missing the required key 'path'");
  EXPECT_EQ(err("{name: o, path: p}"),
            "job.yml:6:5: output 'o' needs 'from' (the input or step whose rows it writes)");
  EXPECT_EQ(err("{name: o, from: a, path: p, partition_by: x}"),
            "job.yml:6:33: unknown key 'partition_by' in output (allowed: name, for_each, from, "
            "steps, path, format, mode, header, delimiter, null_value)");
  EXPECT_EQ(err("{name: o, from: a, path: p, mode: upsert}"),
            "job.yml:6:39: mode: unknown save mode 'upsert' (expected overwrite, append, "
            "error_if_exists or ignore)");
  EXPECT_EQ(err("{name: o, from: zz, path: p}"),
            "job.yml:6:21: unknown input or step 'zz' (known here: a, b)");
  EXPECT_EQ(err("{name: o, from: a, path: p, steps: []}"),
            "job.yml:6:33: steps: expected at least one step");
  EXPECT_EQ(err("{name: o, from: a, path: p, format: json}"),
            "job.yml:6:41: format: only csv is supported, found 'json'");
}

TEST(JobSpecErrorTest, OutputNamesAndPathsMustBeUnique) {
  EXPECT_EQ(ErrorOf(std::string(kTwoInputs) + R"y(outputs:
  - {name: o, from: a, path: p1}
  - {name: o, from: b, path: p2}
)y"),
            "job.yml:7:5: duplicate output name 'o' (also at job.yml:6:5)");
  EXPECT_EQ(ErrorOf(std::string(kTwoInputs) + R"y(outputs:
  - {name: o1, from: a, path: p}
  - {name: o2, from: b, path: p}
)y"),
            "job.yml:7:5: output 'o2' writes to 'p', as output 'o1' does");
  EXPECT_EQ(ErrorOf(std::string(kTwoInputs) + R"y(outputs:
  - for_each: {f: [x, y]}
    name: same
    from: a
    path: "out/{{ f }}"
)y"),
            "job.yml:6:5: duplicate output name 'same' (also at job.yml:6:5) (a for_each output "
            "needs its variable in this field)");
}

TEST(JobSpecErrorTest, ForEachShape) {
  auto err = [](std::string_view for_each) {
    return ErrorOf(std::string(kTwoInputs) + "outputs:\n  - for_each: " + std::string(for_each) +
                   "\n    name: \"o_{{ f }}\"\n    from: a\n    path: \"p/{{ f }}\"\n");
  };
  // Line 6; "  - for_each: " is 14 columns.
  EXPECT_EQ(err("{f: [x], g: [y]}"),
            "job.yml:6:15: for_each: expected one variable and its values, e.g. {feature: "
            "[companyId, jobType]}");
  EXPECT_EQ(err("{f: []}"), "job.yml:6:19: for_each: the list of values for 'f' is empty");
  EXPECT_EQ(err("{f: x}"), "job.yml:6:19: f: expected a list, found a string");
  EXPECT_EQ(err("{f-g: [x]}"),
            "job.yml:6:16: for_each: 'f-g' is not a variable name (letters, digits and '_')");
  EXPECT_EQ(err("{g: [x]}"), "job.yml:7:14: unknown variable 'f' (pass --var f=...)");
}

TEST(JobSpecErrorTest, TemplatesInAnyStringField) {
  EXPECT_EQ(ErrorOf(std::string(kTwoInputs) +
                    "outputs: [{name: o, from: a, steps: [{sort: [\"x\", \"{{ k }} desc\"]}], "
                    "path: p}]\n"),
            "job.yml:5:52: unknown variable 'k' (pass --var k=...)");
  EXPECT_EQ(ErrorOf("job: j\ninputs: {a: {path: x, header: '{{ h }}'}}\noutputs: [{name: o, "
                    "from: a, path: p}]\n"),
            "job.yml:2:32: unknown variable 'h' (pass --var h=...)");
}

// ---- --var ----------------------------------------------------------------------------------

TEST(ParseVarAssignmentTest, NameEqualsValue) {
  auto r = ParseVarAssignment("data=s3://bucket/data");
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->first, "data");
  EXPECT_EQ(r->second, "s3://bucket/data");
  r = ParseVarAssignment("q=a=b");
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->second, "a=b");
  r = ParseVarAssignment("empty=");
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->second, "");
}

TEST(ParseVarAssignmentTest, Errors) {
  auto r = ParseVarAssignment("data");
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(r.status().message(), "--var expects name=value, found 'data'");
  r = ParseVarAssignment("=x");
  ASSERT_FALSE(r.ok());
  r = ParseVarAssignment("my-var=x");
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.status().message().find("'my-var' is not a variable name"), std::string::npos);
}

}  // namespace
}  // namespace sluice::engine
