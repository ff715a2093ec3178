#include "orchestrator/task_template.h"

#include <gtest/gtest.h>

#include <map>

namespace sluice::orchestrator {
namespace {

using nlohmann::json;

TimePoint At(const char* text) {
  Result<TimePoint> t = ParseTimePoint(text);
  EXPECT_TRUE(t.ok()) << t.status().ToString();
  return t.ValueOr(TimePoint{});
}

class TemplateTest : public ::testing::Test {
 protected:
  void SetUp() override {
    TemplateRun run;
    run.dag_id = "salary_pipeline";
    run.task_id = "submit_step";
    run.run_id = "scheduled__2026-11-01T00:00:00+00:00";
    run.logical_date = At("2026-11-01T00:00:00Z");
    run.data_interval_start = At("2026-11-01T00:00:00Z");
    run.data_interval_end = At("2026-11-02T00:00:00Z");
    run.params = {{"bucket", "file:///w/salary"}, {"n", 3}, {"nested", {{"a", {1, 2}}}}};
    run.conf = {{"x", {{"y", "deep"}}}, {"n", 5}};
    run.try_number = 2;
    ctx_.names = StandardTemplateNames(run);
    ctx_.variable = [this](std::string_view name) -> Result<std::optional<std::string>> {
      auto it = vars_.find(std::string(name));
      if (it == vars_.end()) return std::optional<std::string>();
      return std::optional<std::string>(it->second);
    };
    ctx_.xcom = [this](std::string_view task, std::string_view key) -> Result<std::optional<json>> {
      auto it = xcoms_.find(std::string(task) + "/" + std::string(key));
      if (it == xcoms_.end()) return std::optional<json>();
      return std::optional<json>(it->second);
    };
    vars_ = {{"env", "prod"}, {"cfg", R"({"limits": {"rows": 10}})"}};
    xcoms_ = {{"create_cluster/return_value", "j-ABC123"},
              {"submit_step/return_value", json::array({"s-1", "s-2"})},
              {"probe/return_value", {{"size", 42}, {"ok", true}, {"files", {"a.csv"}}}},
              {"probe/stats", {{"rows", 7}}}};
  }

  std::string R(std::string_view text) {
    Result<std::string> r = Render(text, ctx_);
    EXPECT_TRUE(r.ok()) << text << ": " << r.status().ToString();
    return r.ValueOr("<error>");
  }
  Status Fails(std::string_view text) {
    Result<std::string> r = Render(text, ctx_);
    EXPECT_FALSE(r.ok()) << text << " rendered as " << r.ValueOr("");
    return r.status();
  }

  TemplateContext ctx_;
  std::map<std::string, std::string> vars_;
  std::map<std::string, json> xcoms_;
};

TEST_F(TemplateTest, RendersEveryStandardName) {
  EXPECT_EQ(R("{{ ds }}"), "2026-11-01");
  EXPECT_EQ(R("{{ ds_nodash }}"), "20261101");
  EXPECT_EQ(R("{{ ts }}"), "2026-11-01T00:00:00+00:00");
  EXPECT_EQ(R("{{ ts_nodash }}"), "20261101T000000");
  EXPECT_EQ(R("{{ logical_date }}"), "2026-11-01T00:00:00+00:00");
  EXPECT_EQ(R("{{ data_interval_start }}"), "2026-11-01T00:00:00+00:00");
  EXPECT_EQ(R("{{ data_interval_end }}"), "2026-11-02T00:00:00+00:00");
  EXPECT_EQ(R("{{ run_id }}"), "scheduled__2026-11-01T00:00:00+00:00");
  EXPECT_EQ(R("{{ dag_run.run_id }}"), "scheduled__2026-11-01T00:00:00+00:00");
  EXPECT_EQ(R("{{ try_number }}"), "2");
  EXPECT_EQ(R("{{ dag.dag_id }}"), "salary_pipeline");
  EXPECT_EQ(R("{{ task.task_id }}"), "submit_step");
  EXPECT_EQ(R("{{ params.bucket }}/logs/"), "file:///w/salary/logs/");
  EXPECT_EQ(R("{{ params.nested.a[1] }}"), "2");
  EXPECT_EQ(R("{{ dag_run.conf.x.y }}"), "deep");
  EXPECT_EQ(R("{{ dag_run.conf['x']['y'] }}"), "deep");
  EXPECT_EQ(R("{{ var.env }}"), "prod");
  EXPECT_EQ(R("{{ var.value.env }}"), "prod");
  EXPECT_EQ(R("{{ var.json.cfg.limits.rows }}"), "10");
}

TEST_F(TemplateTest, ConfOverridesParamsAsAirflowDoesByDefault) {
  EXPECT_EQ(R("{{ params.n }}"), "5");
  EXPECT_EQ(R("{{ dag_run.conf.n }}"), "5");
}

TEST_F(TemplateTest, SpacingAndSurroundingTextAreKept) {
  EXPECT_EQ(R("out/ds={{ds}}/x_{{   ds_nodash   }}.csv"), "out/ds=2026-11-01/x_20261101.csv");
  EXPECT_EQ(R("no templates } { here }}"), "no templates } { here }}");
  EXPECT_EQ(R("bash ${#arr[@]} {% raw %} {# c #}"), "bash ${#arr[@]} {% raw %} {# c #}");
}

TEST_F(TemplateTest, XComForms) {
  EXPECT_EQ(R("{{ xcom('create_cluster') }}"), "j-ABC123");
  EXPECT_EQ(R("{{ xcom(\"create_cluster\") }}"), "j-ABC123");
  EXPECT_EQ(R("{{ xcom(task_id='create_cluster') }}"), "j-ABC123");
  EXPECT_EQ(R("{{ xcom('submit_step')[0] }}"), "s-1");
  EXPECT_EQ(R("{{ xcom('submit_step')[-1] }}"), "s-2");
  EXPECT_EQ(R("{{ xcom('submit_step') }}"), R"(["s-1","s-2"])");
  EXPECT_EQ(R("{{ xcom('probe').size }}"), "42");
  EXPECT_EQ(R("{{ xcom('probe')['files'][0] }}"), "a.csv");
  EXPECT_EQ(R("{{ xcom('probe', key='stats').rows }}"), "7");
  EXPECT_EQ(R("{{ xcom('probe', 'stats')['rows'] }}"), "7");
  EXPECT_EQ(R("{{ xcom(key='stats', task_id='probe').rows }}"), "7");
  EXPECT_EQ(R("{{ xcom('submit_step')[params.nested.a[0]] }}"), "s-2");
}

TEST_F(TemplateTest, ValuesRenderAsJsonTextStringsWithoutQuotes) {
  EXPECT_EQ(R("{{ xcom('probe').ok }}"), "true");
  EXPECT_EQ(R("{{ xcom('probe', key='stats') }}"), R"({"rows":7})");
  EXPECT_EQ(R("{{ params.nested }}"), R"({"a":[1,2]})");
  EXPECT_EQ(R("{{ 'lit' }}-{{ 42 }}-{{ -1 }}"), "lit-42--1");
  EXPECT_EQ(R("{{ '{{' }} ds }}"), "{{ ds }}");
  EXPECT_EQ(R("{{ 'a\\'b' }}"), "a'b");
}

TEST_F(TemplateTest, MissingXComSaysWhichTaskAndKey) {
  Status st = Fails("cluster={{ xcom('create_clusterX') }}");
  EXPECT_EQ(st.code(), StatusCode::kNotFound);
  EXPECT_EQ(st.message(),
            "template '{{ xcom('create_clusterX') }}': no XCom 'return_value' from task "
            "create_clusterX");
  EXPECT_EQ(Fails("{{ xcom('probe', key='nope') }}").message(),
            "template '{{ xcom('probe', key='nope') }}': no XCom 'nope' from task probe");
}

TEST_F(TemplateTest, UnresolvedNamesSayWhichName) {
  EXPECT_EQ(Fails("{{ dss }}").message(), "template '{{ dss }}': unknown name 'dss'");
  EXPECT_EQ(Fails("{{ params.bukket }}").message(),
            "template '{{ params.bukket }}': 'params' has no key 'bukket'");
  EXPECT_EQ(Fails("{{ dag_run.conf.x.z }}").message(),
            "template '{{ dag_run.conf.x.z }}': 'dag_run.conf.x' has no key 'z'");
  EXPECT_EQ(Fails("{{ var.missing }}").message(),
            "template '{{ var.missing }}': no variable 'missing'");
  EXPECT_EQ(Fails("{{ xcom('submit_step')[2] }}").message(),
            "template '{{ xcom('submit_step')[2] }}': 'xcom('submit_step')' has no item [2] "
            "(it has 2)");
  Status shape = Fails("{{ params.bucket[0] }}");
  EXPECT_EQ(shape.code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(shape.message(),
            "template '{{ params.bucket[0] }}': 'params.bucket' is a string, not a list: cannot "
            "take [0]");
  EXPECT_EQ(Fails("{{ var.env.x }}").message(),
            "template '{{ var.env.x }}': 'var.env' is a string, it has no key 'x'");
  EXPECT_EQ(Fails("{{ var.json.env }}").message(),
            "template '{{ var.json.env }}': variable 'env' is not valid JSON");
  EXPECT_EQ(Fails("{{ var }}").message(),
            "template '{{ var }}': 'var' needs a variable name: "
            "var.name");
}

TEST_F(TemplateTest, CallbackErrorsPropagate) {
  ctx_.xcom = [](std::string_view, std::string_view) -> Result<std::optional<json>> {
    return Status::IoError("metadata database is locked");
  };
  Status st = Fails("{{ xcom('a') }}");
  EXPECT_EQ(st.code(), StatusCode::kIoError);
  EXPECT_EQ(st.message(), "template '{{ xcom('a') }}': metadata database is locked");
  ctx_.variable = nullptr;
  EXPECT_EQ(Fails("{{ var.env }}").message(),
            "template '{{ var.env }}': variables are not available here");
}

TEST_F(TemplateTest, SyntaxErrorsAtRenderAreParseErrors) {
  Status st = Fails("x {{ ds");
  EXPECT_EQ(st.code(), StatusCode::kParseError);
  EXPECT_EQ(st.message(), "template 'x {{ ds': '{{' is never closed by '}}' (at character 3)");
}

struct SyntaxCase {
  const char* text;
  size_t offset;
  const char* message;
};

TEST(TemplateSyntaxTest, ReportsTheOffsetAndWhatWasExpected) {
  const SyntaxCase cases[] = {
      {"a {{ }}", 2, "empty {{ }}"},
      {"a {{", 2, "'{{' is never closed by '}}'"},
      {"{{ ds ", 0, "'{{' is never closed by '}}'"},
      {"{{ ds | upper }}", 6, "filters ('|') are not supported"},
      {"{{ ds ds }}", 6, "expected '}}', found 'ds'"},
      {"{{ params. }}", 11, "expected a name after '.', found '}}'"},
      {"{{ params[0 }}", 12, "expected ']', found '}}'"},
      {"{{ upper(ds) }}", 3, "unknown function 'upper' (only xcom(...) is available)"},
      {"{{ xcom() }}", 3, "xcom(...) needs a task id: xcom('task')"},
      {"{{ xcom('a', 'b', 'c') }}", 18, "xcom(...) takes at most 2 arguments (task, key)"},
      {"{{ xcom('a', dag_id='d') }}", 13,
       "xcom(...) has no argument 'dag_id' (it takes task_id "
       "and key)"},
      {"{{ xcom('a' }}", 12, "expected ',' or ')', found '}}'"},
      {"{{ 'abc }}", 3, "unterminated string"},
      {"{{ 12ab }}", 3, "malformed number"},
      {"{{ ds } }}", 6, "unexpected '}'"},
      {"ok {{ ds }} then {{ # }}", 20, "unexpected '#'"},
  };
  for (const SyntaxCase& c : cases) {
    std::optional<TemplateIssue> issue = FindTemplateSyntaxError(c.text);
    ASSERT_TRUE(issue.has_value()) << c.text;
    EXPECT_EQ(issue->offset, c.offset) << c.text;
    EXPECT_EQ(issue->message, c.message) << c.text;
  }
  EXPECT_FALSE(FindTemplateSyntaxError("{{ xcom('t', key='k')[0].a['b'] }} {{ 'x' }}"));
  EXPECT_TRUE(CheckTemplateSyntax("plain").ok());
  EXPECT_EQ(CheckTemplateSyntax("{{ }}").message(),
            "template '{{ }}': empty {{ }} (at character 1)");
}

TEST(TemplateSyntaxTest, LoadTimeCheckKnowsNamesAndTasks) {
  auto exists = [](std::string_view id) { return id == "create_cluster"; };
  EXPECT_FALSE(
      FindTemplateError("{{ xcom('create_cluster') }} {{ params.a }} {{ var.x }}", exists));
  std::optional<TemplateIssue> issue = FindTemplateError("a {{ xcom('create_clustr') }}", exists);
  ASSERT_TRUE(issue);
  EXPECT_EQ(issue->offset, 10u);
  EXPECT_EQ(issue->message, "xcom(...): no task 'create_clustr' in this DAG");
  issue = FindTemplateError("{{ ds }}{{ dss }}", exists);
  ASSERT_TRUE(issue);
  EXPECT_EQ(issue->offset, 11u);
  EXPECT_EQ(issue->message.substr(0, 34), "unknown name 'dss' (known: ds, ds_");
  issue = FindTemplateError("{{ params[var] }}", exists);
  ASSERT_TRUE(issue);
  EXPECT_EQ(issue->message, "'var' needs a variable name: var.name");
}

TEST_F(TemplateTest, RenderJsonRendersEveryNestedStringButNotKeys) {
  json steps = json::parse(R"([{"Name": "avg_{{ ds_nodash }}", "Retries": 2, "Keep": true,
      "HadoopJarStep": {"Args": ["sluice", "{{ params.bucket }}/etl", "ds={{ ds }}"]},
      "{{ ds }}": null}])");
  Result<json> r = RenderJson(steps, ctx_);
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  json expected = json::parse(R"([{"Name": "avg_20261101", "Retries": 2, "Keep": true,
      "HadoopJarStep": {"Args": ["sluice", "file:///w/salary/etl", "ds=2026-11-01"]},
      "{{ ds }}": null}])");
  EXPECT_EQ(*r, expected);
}

TEST_F(TemplateTest, RenderJsonErrorsNameThePlace) {
  json steps = json::parse(R"([{"HadoopJarStep": {"Args": ["ok", "{{ xcom('nope') }}"]}}])");
  Result<json> r = RenderJson(steps, ctx_, "steps");
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().message(),
            "steps[0].HadoopJarStep.Args[1]: template '{{ xcom('nope') }}': no XCom "
            "'return_value' from task nope");
  Result<json> plain = RenderJson(json("{{ oops }}"), ctx_);
  ASSERT_FALSE(plain.ok());
  EXPECT_EQ(plain.status().message(), "template '{{ oops }}': unknown name 'oops'");
}

}  // namespace
}  // namespace sluice::orchestrator
