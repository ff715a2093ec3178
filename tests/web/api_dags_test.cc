// The REST API's DAG, run and task-instance endpoints on a real server whose DAG has run:
// Airflow's shapes, pagination, and 400/404/409 answers in the error shape.
#include "server_process.h"

namespace sluice::web::testing {
namespace {

using Json = nlohmann::json;

void ExpectError(const HttpReply& r, int status) {
  EXPECT_EQ(r.status, status) << r.body;
  Json j = Json::parse(r.body, nullptr, false);
  ASSERT_TRUE(j.is_object()) << r.body;
  EXPECT_EQ(j["status"], status);
  EXPECT_TRUE(j["title"].is_string());
  EXPECT_TRUE(j["detail"].is_string());
  EXPECT_TRUE(j["type"].is_string());
  EXPECT_EQ(r.Header("Content-Type"), "application/problem+json");
}

TEST_F(ApiServer, ListsDagsWithAirflowFields) {
  Json dags = GetJson("/api/v1/dags");
  ASSERT_EQ(dags["total_entries"], 1) << dags.dump(2);
  Json d = dags["dags"][0];
  EXPECT_EQ(d["dag_id"], "hello");
  EXPECT_EQ(d["description"], "Says hello");
  EXPECT_EQ(d["is_paused"], true) << "new DAGs start paused (dags_are_paused_at_creation)";
  EXPECT_EQ(d["is_active"], true);
  EXPECT_EQ(d["schedule_interval"], (Json{{"__type", "CronExpression"}, {"value", "@daily"}}));
  EXPECT_EQ(d["timetable_description"], "At 00:00, every day");
  EXPECT_EQ(d["tags"], Json::parse(R"([{"name": "demo"}])"));
  EXPECT_EQ(d["owners"], Json::array());
  EXPECT_EQ(d["has_import_errors"], false);
  EXPECT_EQ(d["fileloc"].get<std::string>().rfind(home_ + "/dags/hello.yml", 0), 0u) << d;
  EXPECT_TRUE(d["file_token"].is_string());
  EXPECT_TRUE(d.contains("next_dagrun"));
  EXPECT_EQ(GetJson("/api/v1/dags/hello"), d);
  EXPECT_EQ(GetJson("/api/v1/dags?tags=demo")["total_entries"], 1);
  EXPECT_EQ(GetJson("/api/v1/dags?tags=other")["total_entries"], 0);
  EXPECT_EQ(GetJson("/api/v1/dags?dag_id_pattern=ell")["total_entries"], 1);
  EXPECT_EQ(GetJson("/api/v1/dags?paused=true")["total_entries"], 1);
  EXPECT_EQ(GetJson("/api/v1/dags?paused=false")["total_entries"], 0);
  ExpectError(Http("GET", "/api/v1/dags/nope", "", As("viewer")), 404);
  ExpectError(Http("GET", "/api/v1/dags?limit=x", "", As("viewer")), 400);
  ExpectError(Http("GET", "/api/v1/no/such/thing", "", As("viewer")), 404);
}

TEST_F(ApiServer, PausesAndUnpausesADag) {
  Reply r = Http("PATCH", "/api/v1/dags/hello?update_mask=is_paused", R"({"is_paused": false})",
                 As("op"));
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(Json::parse(r.body)["is_paused"], false);
  EXPECT_EQ(GetJson("/api/v1/dags?paused=false")["total_entries"], 1);
  std::string out;
  Sluice("dags list --output json", &out);
  Json listed = Json::parse(out, nullptr, false);
  ASSERT_TRUE(listed.is_array()) << out;
  EXPECT_EQ(listed[1]["is_paused"], false) << out;
  r = Http("PATCH", "/api/v1/dags/hello", R"({"is_paused": true})", As("op"));
  EXPECT_EQ(Json::parse(r.body)["is_paused"], true);
  EXPECT_EQ(GetJson("/api/v1/dags?paused=true")["total_entries"], 1);
  ExpectError(Http("PATCH", "/api/v1/dags/hello", R"({"is_paused": "yes"})", As("op")), 400);
  ExpectError(Http("PATCH", "/api/v1/dags/hello", "{not json", As("op")), 400);
  ExpectError(Http("PATCH", "/api/v1/dags/nope", R"({"is_paused": true})", As("op")), 404);
}

TEST_F(ApiServer, ListsTasksAndServesTheDagFile) {
  Json tasks = GetJson("/api/v1/dags/hello/tasks");
  ASSERT_EQ(tasks["total_entries"], 3);
  Json say = tasks["tasks"][1];
  EXPECT_EQ(say["task_id"], "say");
  EXPECT_EQ(say["operator_name"], "bash");
  EXPECT_EQ(say["class_ref"]["class_name"], "bash");
  EXPECT_EQ(say["upstream_task_ids"], Json::array({"begin"}));
  EXPECT_EQ(say["downstream_task_ids"], Json::array({"done"}));
  EXPECT_EQ(say["trigger_rule"], "all_success");
  EXPECT_EQ(say["retries"], 0);
  EXPECT_EQ(say["pool"], "default_pool");
  EXPECT_EQ(say["teardown_of"], nullptr);
  EXPECT_EQ(say["order"], 1);
  EXPECT_EQ(say["retry_delay"]["seconds"], 300);

  std::string token = GetJson("/api/v1/dags/hello")["file_token"];
  Reply src = Http("GET", "/api/v1/dagSources/" + token, "", As("viewer"));
  ASSERT_EQ(src.status, 200);
  EXPECT_EQ(src.body, ReadFile(home_ + "/dags/hello.yml"));
  httplib::Headers json = As("viewer");
  json.emplace("Accept", "application/json");
  src = Http("GET", "/api/v1/dagSources/" + token, "", json);
  EXPECT_EQ(Json::parse(src.body)["content"], ReadFile(home_ + "/dags/hello.yml"));
  // Only DAG files the metadata DB knows are served.
  std::string passwd = "L2V0Yy9wYXNzd2Q";  // base64url("/etc/passwd")
  ExpectError(Http("GET", "/api/v1/dagSources/" + passwd, "", As("viewer")), 404);
  ExpectError(Http("GET", "/api/v1/dagSources/%21%21", "", As("viewer")), 400);
  ExpectError(Http("GET", "/api/v1/dags/nope/tasks", "", As("viewer")), 404);
}

TEST_F(ApiServer, ListsImportErrors) {
  Json errors = GetJson("/api/v1/importErrors");
  ASSERT_EQ(errors["total_entries"], 1) << errors;
  Json e = errors["import_errors"][0];
  EXPECT_NE(e["filename"].get<std::string>().find("broken.yml"), std::string::npos);
  EXPECT_NE(e["stack_trace"].get<std::string>().find("broken.yml:"), std::string::npos) << e;
  EXPECT_TRUE(e["import_error_id"].is_number_integer());
  Reply src =
      Http("GET", "/api/v1/dagSources/" + e["file_token"].get<std::string>(), "", As("viewer"));
  EXPECT_EQ(src.status, 200);
  EXPECT_EQ(src.body, "dag_id: broken\ntasks: [\n");
}

TEST_F(ApiServer, ShowsRunsTaskInstancesAndXComs) {
  Json runs = GetJson("/api/v1/dags/hello/dagRuns");
  ASSERT_EQ(runs["total_entries"], 1);
  Json run = runs["dag_runs"][0];
  EXPECT_EQ(run["dag_run_id"], kHelloRun);
  EXPECT_EQ(run["dag_id"], "hello");
  EXPECT_EQ(run["state"], "success");
  EXPECT_EQ(run["logical_date"], "2026-11-20T00:00:00+00:00");
  EXPECT_EQ(run["execution_date"], run["logical_date"]);
  EXPECT_EQ(run["data_interval_start"], "2026-11-20T00:00:00+00:00");
  EXPECT_EQ(run["data_interval_end"], "2026-11-21T00:00:00+00:00");
  EXPECT_TRUE(run["start_date"].is_string());
  EXPECT_TRUE(run["end_date"].is_string());
  EXPECT_EQ(run["conf"], Json::object());
  EXPECT_TRUE(run.contains("run_type"));
  EXPECT_TRUE(run.contains("external_trigger"));
  EXPECT_EQ(GetJson(RunPath()), run);
  // A raw run id in the path works too ('+' is not a space in a path).
  EXPECT_EQ(GetJson(std::string("/api/v1/dags/hello/dagRuns/") + kHelloRun), run);
  ExpectError(Http("GET", RunPath("nope"), "", As("viewer")), 404);
  ExpectError(Http("GET", "/api/v1/dags/nope/dagRuns", "", As("viewer")), 404);
  ExpectError(Http("GET", "/api/v1/dags/hello/dagRuns?state=bogus", "", As("viewer")), 400);
  EXPECT_EQ(GetJson("/api/v1/dags/~/dagRuns?state=success")["total_entries"], 1);

  Json tis = GetJson(RunPath() + "/taskInstances");
  ASSERT_EQ(tis["total_entries"], 3);
  Json say = tis["task_instances"][1];
  EXPECT_EQ(say["task_id"], "say");
  EXPECT_EQ(say["state"], "success");
  EXPECT_EQ(say["try_number"], 1);
  EXPECT_EQ(say["operator"], "bash");
  EXPECT_EQ(say["pool"], "default_pool");
  EXPECT_EQ(say["dag_run_id"], kHelloRun);
  EXPECT_TRUE(say["duration"].is_number());
  EXPECT_TRUE(say["start_date"].is_string());
  EXPECT_TRUE(say["end_date"].is_string());
  EXPECT_TRUE(say.contains("pid"));
  EXPECT_TRUE(say["hostname"].is_string());
  EXPECT_TRUE(say.contains("max_tries"));
  EXPECT_TRUE(say.contains("queued_when"));
  EXPECT_EQ(GetJson(RunPath() + "/taskInstances/say")["state"], "success");
  ExpectError(Http("GET", RunPath() + "/taskInstances/nope", "", As("viewer")), 404);
  ExpectError(Http("GET", RunPath("nope") + "/taskInstances", "", As("viewer")), 404);
  Json tries = GetJson(RunPath() + "/taskInstances/say/tries");
  ASSERT_EQ(tries["total_entries"], 1);
  EXPECT_EQ(tries["task_instances"][0]["try_number"], 1);
  EXPECT_EQ(tries["task_instances"][0]["state"], "success");

  Json xcoms = GetJson(RunPath() + "/xcomEntries");
  ASSERT_GE(xcoms["total_entries"], 1) << xcoms;
  bool found = false;
  for (const auto& x : xcoms["xcom_entries"]) {
    if (x["task_id"] == "say" && x["key"] == "return_value") {
      EXPECT_EQ(x["value"], "caf\u00e9");
      found = true;
    }
  }
  EXPECT_TRUE(found) << xcoms;
  EXPECT_EQ(GetJson(RunPath() + "/xcomEntries?task_id=begin")["total_entries"], 0);
}

TEST_F(ApiServer, ServesATryLogWholeAsTextAndInChunks) {
  std::string path = RunPath() + "/taskInstances/say/logs/1";
  Json log = GetJson(path);
  std::string content = log["content"];
  EXPECT_NE(content.find("hello 2026-11-20"), std::string::npos) << content;
  EXPECT_EQ(log["complete"], true);
  EXPECT_EQ(log["offset"], static_cast<int64_t>(content.size()));
  EXPECT_EQ(log["continuation_token"], std::to_string(content.size()));
  EXPECT_EQ(GetJson(path + "?full_content=true")["content"], content);
  httplib::Headers text = As("viewer");
  text.emplace("Accept", "text/plain");
  Reply plain = Http("GET", path, "", text);
  EXPECT_EQ(plain.body, content);
  EXPECT_EQ(plain.Header("X-Sluice-Log-Complete"), "true");
  EXPECT_EQ(plain.Header("X-Sluice-Log-Offset"), std::to_string(content.size()));
  // Tailing: chunks of 10 bytes from offset 5 put the log back together.
  std::string tail;
  int64_t offset = 5;
  for (int i = 0; i < 1000; ++i) {
    Json chunk = GetJson(path + "?offset=" + std::to_string(offset) + "&limit=10");
    tail += chunk["content"].get<std::string>();
    offset = chunk["offset"];
    if (chunk["complete"] == true) break;
    EXPECT_LE(chunk["content"].get<std::string>().size(), 10u);
  }
  EXPECT_EQ(tail, content.substr(5));
  EXPECT_EQ(GetJson(path + "?token=" + std::to_string(content.size()))["content"], "");
  ExpectError(Http("GET", RunPath() + "/taskInstances/say/logs/2", "", As("viewer")), 404);
  ExpectError(Http("GET", RunPath() + "/taskInstances/say/logs/0", "", As("viewer")), 400);
  ExpectError(Http("GET", RunPath() + "/taskInstances/nope/logs/1", "", As("viewer")), 404);
  ExpectError(Http("GET", path + "?offset=-1", "", As("viewer")), 400);
}

TEST_F(ApiServer, TriggersRunsAndPagesThroughThemNewestFirst) {
  Reply r = Http("POST", "/api/v1/dags/hello/dagRuns",
                 R"({"dag_run_id": "r1", "logical_date": "2026-12-01T06:00:00Z",
                     "conf": {"x": 1}})",
                 As("op"));
  ASSERT_EQ(r.status, 200) << r.body;
  Json run = Json::parse(r.body);
  EXPECT_EQ(run["dag_run_id"], "r1");
  EXPECT_EQ(run["state"], "queued");
  EXPECT_EQ(run["run_type"], "manual");
  EXPECT_EQ(run["external_trigger"], true);
  EXPECT_EQ(run["conf"], Json({{"x", 1}}));
  EXPECT_EQ(run["logical_date"], "2026-12-01T06:00:00+00:00");
  EXPECT_EQ(run["data_interval_start"], "2026-12-01T00:00:00+00:00");
  // The same run id or logical date again: 409.
  ExpectError(Http("POST", "/api/v1/dags/hello/dagRuns", R"({"dag_run_id": "r1"})", As("op")), 409);
  ExpectError(Http("POST", "/api/v1/dags/hello/dagRuns",
                   R"({"logical_date": "2026-12-01T06:00:00+00:00"})", As("op")),
              409);
  ExpectError(Http("POST", "/api/v1/dags/hello/dagRuns", R"({"conf": [1]})", As("op")), 400);
  ExpectError(Http("POST", "/api/v1/dags/hello/dagRuns", R"({"bogus": 1})", As("op")), 400);
  ExpectError(Http("POST", "/api/v1/dags/hello/dagRuns", R"({"logical_date": "soon"})", As("op")),
              400);
  ExpectError(Http("POST", "/api/v1/dags/hello/dagRuns", "[", As("op")), 400);
  ExpectError(Http("POST", "/api/v1/dags/nope/dagRuns", "{}", As("op")), 404);
  for (int day = 2; day <= 5; ++day) {
    std::string body = R"({"logical_date": "2026-12-0)" + std::to_string(day) + R"("})";
    ASSERT_EQ(Http("POST", "/api/v1/dags/hello/dagRuns", body, As("op")).status, 200);
  }
  // Defaults: now, and a manual__ run id.
  r = Http("POST", "/api/v1/dags/hello/dagRuns", "", As("op"));
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(Json::parse(r.body)["dag_run_id"].get<std::string>().rfind("manual__", 0), 0u);

  Json all = GetJson("/api/v1/dags/hello/dagRuns");
  ASSERT_EQ(all["total_entries"], 7);
  for (size_t i = 1; i < all["dag_runs"].size(); ++i) {
    EXPECT_GT(all["dag_runs"][i - 1]["logical_date"].get<std::string>(),
              all["dag_runs"][i]["logical_date"].get<std::string>());
  }
  Json page = GetJson("/api/v1/dags/hello/dagRuns?limit=2&offset=1");
  EXPECT_EQ(page["total_entries"], 7);
  ASSERT_EQ(page["dag_runs"].size(), 2u);
  EXPECT_EQ(page["dag_runs"][0], all["dag_runs"][1]);
  EXPECT_EQ(page["dag_runs"][1], all["dag_runs"][2]);
  EXPECT_EQ(GetJson("/api/v1/dags/hello/dagRuns?offset=100")["dag_runs"].size(), 0u);
  Json queued = GetJson("/api/v1/dags/hello/dagRuns?state=queued");
  EXPECT_EQ(queued["total_entries"], 6);
  EXPECT_EQ(GetJson("/api/v1/dags/hello/dagRuns?state=queued,success")["total_entries"], 7);
  ExpectError(Http("GET", "/api/v1/dags/hello/dagRuns?limit=5000", "", As("viewer")), 400);
  // The CLI sees what the API created.
  std::string out;
  Sluice("dags runs hello --output json", &out);
  EXPECT_NE(out.find("\"r1\""), std::string::npos) << out;
}

// "run/task" of each entry of a clearTaskInstances answer, checking its shape.
std::vector<std::string> ClearedIds(const Json& answer) {
  std::vector<std::string> ids;
  for (const auto& ti : answer["task_instances"]) {
    EXPECT_EQ(ti["dag_id"], "hello");
    EXPECT_TRUE(ti["execution_date"].is_string()) << ti;
    std::string run = ti["dag_run_id"];
    ids.push_back(run.substr(run.find("2026-11-"), 10) + "/" + ti["task_id"].get<std::string>());
  }
  return ids;
}

TEST_F(ApiServer, ClearsTaskInstancesWithAirflowsDefaultsAndOptions) {
  using Ids = std::vector<std::string>;
  auto clear = [&](const Json& body) {
    Reply r = Http("POST", "/api/v1/dags/hello/clearTaskInstances", body.dump(), As("op"));
    EXPECT_EQ(r.status, 200) << body << ": " << r.body;
    return ClearedIds(Json::parse(r.body, nullptr, false));
  };
  // Airflow's defaults: a dry run, of failed task instances only (none failed here).
  Json body = {{"dag_run_id", kHelloRun}, {"task_ids", {"say"}}};
  EXPECT_EQ(clear(body), Ids{});
  body["only_failed"] = false;
  EXPECT_EQ(clear(body), (Ids{"2026-11-20/say"}));
  EXPECT_EQ(GetJson(RunPath())["state"], "success") << "a dry run changes nothing";
  EXPECT_EQ(GetJson(RunPath() + "/taskInstances/say")["state"], "success");
  body["include_upstream"] = true;
  EXPECT_EQ(clear(body), (Ids{"2026-11-20/begin", "2026-11-20/say"}));
  body["include_upstream"] = false;
  body["include_downstream"] = true;
  EXPECT_EQ(clear(body), (Ids{"2026-11-20/say", "2026-11-20/done"}));

  // A second run, a day later: include_past / include_future, and date ranges without a run.
  std::string out;
  ASSERT_EQ(Sluice("dags test hello 2026-11-21", &out), 0) << out;
  const std::string later = "manual__2026-11-21T00:00:00+00:00";
  body = {{"dag_run_id", kHelloRun}, {"task_ids", {"say"}}, {"only_failed", false}};
  body["include_future"] = true;
  EXPECT_EQ(clear(body), (Ids{"2026-11-20/say", "2026-11-21/say"}));
  body["include_future"] = false;
  body["dag_run_id"] = later;
  EXPECT_EQ(clear(body), (Ids{"2026-11-21/say"}));
  body["include_past"] = true;
  EXPECT_EQ(clear(body), (Ids{"2026-11-20/say", "2026-11-21/say"}));
  body = {{"task_ids", {"say"}}, {"only_failed", false}, {"start_date", "2026-11-21T00:00:00Z"}};
  EXPECT_EQ(clear(body), (Ids{"2026-11-21/say"}));
  body = {{"task_ids", {"say"}}, {"only_failed", false}, {"end_date", "2026-11-20"}};
  EXPECT_EQ(clear(body), (Ids{"2026-11-20/say"}));

  // For real: the task instances go back to no state and the run is queued again...
  body = {{"dag_run_id", kHelloRun},
          {"task_ids", {"say"}},
          {"only_failed", false},
          {"include_downstream", true},
          {"dry_run", false}};
  EXPECT_EQ(clear(body), (Ids{"2026-11-20/say", "2026-11-20/done"}));
  EXPECT_EQ(GetJson(RunPath())["state"], "queued");
  EXPECT_EQ(GetJson(RunPath() + "/taskInstances/say")["state"], nullptr);
  EXPECT_EQ(GetJson(RunPath() + "/taskInstances/done")["state"], nullptr);
  EXPECT_EQ(GetJson(RunPath() + "/taskInstances/begin")["state"], "success");
  // ...unless reset_dag_runs is false.
  body = {{"dag_run_id", later},
          {"task_ids", {"begin"}},
          {"only_failed", false},
          {"dry_run", false},
          {"reset_dag_runs", false}};
  EXPECT_EQ(clear(body), (Ids{"2026-11-21/begin"}));
  EXPECT_EQ(GetJson(RunPath(later))["state"], "success");
  EXPECT_EQ(GetJson(RunPath(later) + "/taskInstances/begin")["state"], nullptr);

  const std::string path = "/api/v1/dags/hello/clearTaskInstances";
  ExpectError(Http("POST", path, R"({"dag_run_id": "nope"})", As("op")), 404);
  ExpectError(
      Http("POST", path,
           R"({"dag_run_id": ")" + std::string(kHelloRun) + R"(", "task_ids": ["x"]})", As("op")),
      400);
  ExpectError(Http("POST", path, R"({"dry_run": "no"})", As("op")), 400);
  ExpectError(Http("POST", path, R"({"start_date": "yesterday"})", As("op")), 400);
  ExpectError(Http("POST", path, R"({"include_everything": true})", As("op")), 400);
  ExpectError(
      Http("POST", "/api/v1/dags/nope/clearTaskInstances", R"({"dag_run_id": "x"})", As("op")),
      404);
}

TEST_F(ApiServer, GridHasTasksInOrderAndRunsOldestFirst) {
  ASSERT_EQ(
      Http("POST", "/api/v1/dags/hello/dagRuns", R"({"logical_date": "2026-12-01"})", As("op"))
          .status,
      200);
  Json grid = GetJson("/api/v1/ui/grid/hello");
  EXPECT_EQ(grid["tasks"], Json::parse(R"(["begin", "say", "done"])"));
  ASSERT_EQ(grid["runs"].size(), 2u);
  EXPECT_EQ(grid["total_entries"], 2);
  Json first = grid["runs"][0];
  EXPECT_EQ(first["run_id"], kHelloRun);
  EXPECT_EQ(first["state"], "success");
  EXPECT_EQ(first["task_states"],
            Json::parse(R"({"begin": "success", "say": "success", "done": "success"})"));
  EXPECT_EQ(grid["runs"][1]["state"], "queued");
  EXPECT_EQ(GetJson("/api/v1/ui/grid/hello?num_runs=1")["runs"][0]["state"], "queued");
  ExpectError(Http("GET", "/api/v1/ui/grid/nope", "", As("viewer")), 404);
  ExpectError(Http("GET", "/api/v1/ui/grid/hello?num_runs=5000", "", As("viewer")), 400);

  Json list = GetJson("/api/v1/ui/dags?num_runs=1");
  ASSERT_EQ(list["dags"].size(), 1u);
  ASSERT_EQ(list["dags"][0]["recent_runs"].size(), 1u);
  EXPECT_EQ(list["dags"][0]["recent_runs"][0]["state"], "queued");
}

}  // namespace
}  // namespace sluice::web::testing
