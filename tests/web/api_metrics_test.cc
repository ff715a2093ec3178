// /metrics parses as Prometheus text (format 0.0.4) and counts what the metadata DB holds and
// what the server answered; the grid of a DAG with 1,000 runs answers quickly.
#include <chrono>

#include "orchestrator/sqlite_store.h"
#include "prometheus_text.h"
#include "server_process.h"

namespace sluice::web::testing {
namespace {

using Json = nlohmann::json;

TEST_F(ApiServer, MetricsAreOpenPrometheusText) {
  GetJson("/api/v1/dags");
  GetJson("/api/v1/dags");
  // A request is counted once its answer is sent, which can be just after the client has it.
  std::string dags_ok = "sluice_http_requests_total{route=\"dags\",method=\"GET\",code=\"200\"}";
  Reply r;
  WaitFor(
      [&] {
        r = Http("GET", "/metrics");
        return r.body.find(dags_ok + " 2") != std::string::npos;
      },
      5);
  ASSERT_EQ(r.status, 200);
  EXPECT_EQ(r.Header("Content-Type").rfind("text/plain; version=0.0.4", 0), 0u);
  auto samples = ParsePrometheus(r.body);
  EXPECT_EQ(samples["sluice_dags{paused=\"true\"}"], 1);  // paused at creation
  EXPECT_EQ(samples["sluice_dags{paused=\"false\"}"], 0);
  EXPECT_EQ(samples["sluice_import_errors"], 1);
  EXPECT_EQ(samples["sluice_dag_runs{state=\"success\"}"], 1);
  EXPECT_EQ(samples["sluice_dag_runs{state=\"failed\"}"], 0);
  EXPECT_EQ(samples["sluice_task_instances{state=\"success\"}"], 3);
  EXPECT_EQ(samples["sluice_task_duration_seconds_count{state=\"success\"}"], 3);
  EXPECT_EQ(samples["sluice_task_duration_seconds_bucket{state=\"success\",le=\"+Inf\"}"], 3);
  EXPECT_EQ(samples["sluice_clusters{state=\"RUNNING\"}"], 0);
  EXPECT_EQ(samples["sluice_metadatabase_up"], 1);
  EXPECT_EQ(samples[dags_ok], 2);
  EXPECT_EQ(samples["sluice_http_request_duration_seconds_count{route=\"dags\"}"], 2);
  // The answer to this very request is counted in the next scrape.
  auto again = ParsePrometheus(Http("GET", "/metrics").body);
  EXPECT_GE((again["sluice_http_requests_total{route=\"metrics\",method=\"GET\",code=\"200\"}"]),
            1);
  Json health = Json::parse(Http("GET", "/api/v1/health").body);
  EXPECT_EQ(health["metadatabase"]["status"], "healthy");
  EXPECT_EQ(health["scheduler"]["status"], "unhealthy") << "no scheduler runs here";
}

// 1,000 runs of `hello` written straight into the metadata DB, then the grid of all of them.
TEST_F(ApiServer, GridOfAThousandRunsAnswersQuickly) {
  auto store = orchestrator::SqliteStore::Open(home_ + "/sluice.db");
  ASSERT_TRUE(store.ok()) << store.status().message();
  TimePoint base = *ParseTimePoint("2020-01-01");
  Status st = (*store)->WithTransaction([&]() -> Status {
    for (int i = 0; i < 1000; ++i) {
      orchestrator::DagRunModel run;
      run.dag_id = "hello";
      run.run_id = "bulk_" + std::to_string(i);
      run.logical_date = base + std::chrono::hours(24 * i);
      run.state = orchestrator::DagRunState::kSuccess;
      RETURN_NOT_OK((*store)->CreateDagRun(run).status());
      RETURN_NOT_OK(
          (*store)
              ->CreateTaskInstances(
                  run.key(), {{"begin", "empty", 0}, {"say", "bash", 0}, {"done", "empty", 0}})
              .status());
    }
    return Status::OK();
  });
  ASSERT_TRUE(st.ok()) << st.message();
  GetJson("/api/v1/ui/grid/hello?num_runs=1");  // warm: the DAG file parsed once
  auto start = std::chrono::steady_clock::now();
  Json grid = GetJson("/api/v1/ui/grid/hello?num_runs=1000");
  double ms =
      std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - start).count();
  EXPECT_EQ(grid["runs"].size(), 1000u);
  EXPECT_EQ(grid["total_entries"], 1001);
  EXPECT_EQ(grid["runs"][999]["task_states"].size(), 3u);
  std::printf("grid of 1000 runs x 3 tasks: %.1f ms\n", ms);
  // The target is 300 ms; the bound leaves room for a busy test machine.
  EXPECT_LT(ms, 1000);
}

}  // namespace
}  // namespace sluice::web::testing
