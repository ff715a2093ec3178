// depends_on_past as Airflow 2 decides "the previous run", with real processes through
// `sluice dags test`: with catchup on a cron schedule it is the run at the schedule's previous
// tick; otherwise the latest run with an earlier logical date, of any run type.
#include <gtest/gtest.h>

#include <string>

#include "cli_home_util.h"

namespace sluice::orchestrator::testing {
namespace {

class DependsOnPast : public CliHome {
 protected:
  // A DAG whose one task depends on its past and fails only in the run at 2026-01-01T00:00.
  void WriteDopDag(const std::string& dag_id, const std::string& schedule, bool catchup) {
    WriteDag(dag_id + ".yml", "dag_id: " + dag_id + "\nschedule: " + schedule +
                                  "\nstart_date: 2026-01-01\ncatchup: " +
                                  (catchup ? "true" : "false") + R"(
tasks:
  - id: t
    operator: bash
    depends_on_past: true
    bash: 'echo {{ ts }} >> )" + Seen() +
                                  R"(; test "{{ ts }}" != 2026-01-01T00:00:00+00:00'
)");
  }

  std::string Seen() const { return home_ + "/seen.txt"; }

  // Runs 2026-01-01T12:00 (succeeds: nothing before it) and 2026-01-01T00:00 (fails), in
  // that order, then tests 2026-01-02 and returns its exit code.
  int RunThirdAfterAFailureAtTheTick(const std::string& dag_id, std::string* out) {
    std::string o;
    EXPECT_EQ(Sluice("dags test " + dag_id + " 2026-01-01T12:00:00", &o), 0) << o;
    EXPECT_EQ(Sluice("dags test " + dag_id + " 2026-01-01", &o), 1) << o;
    EXPECT_EQ(States(dag_id, "manual__2026-01-01T00:00:00+00:00")["t"], "failed/1");
    return Sluice("dags test " + dag_id + " 2026-01-02", out);
  }
};

constexpr const char* kThird = "manual__2026-01-02T00:00:00+00:00";

TEST_F(DependsOnPast, CatchupOnACronScheduleLooksAtTheRunOfThePreviousTick) {
  WriteDopDag("dop_tick", "\"@daily\"", true);
  std::string out;
  // The previous tick of 2026-01-02 is 2026-01-01T00:00, whose task failed: the later
  // 12:00 run, although it succeeded, is not the previous run.
  EXPECT_NE(RunThirdAfterAFailureAtTheTick("dop_tick", &out), 0) << out;
  EXPECT_NE(out.find("cannot go on"), std::string::npos) << out;
  EXPECT_EQ(States("dop_tick", kThird)["t"], "none/0");
  EXPECT_EQ(Lines(Seen()).size(), 2u) << ReadFile(Seen());
}

TEST_F(DependsOnPast, WithoutCatchupTheLatestEarlierRunOfAnyTypeIsThePreviousOne) {
  WriteDopDag("dop_latest", "\"@daily\"", false);
  std::string out;
  // The latest run before 2026-01-02 is the 12:00 one, which succeeded.
  EXPECT_EQ(RunThirdAfterAFailureAtTheTick("dop_latest", &out), 0) << out;
  EXPECT_EQ(States("dop_latest", kThird)["t"], "success/1");
  EXPECT_EQ(Lines(Seen()).size(), 3u) << ReadFile(Seen());
}

TEST_F(DependsOnPast, ManualOnlyDagWithCatchupUsesTheLatestEarlierRun) {
  WriteDopDag("dop_manual", "null", true);
  std::string out;
  EXPECT_EQ(RunThirdAfterAFailureAtTheTick("dop_manual", &out), 0) << out;
  EXPECT_EQ(States("dop_manual", kThird)["t"], "success/1");
}

TEST_F(DependsOnPast, CatchupWithNoRunAtThePreviousTickIsMet) {
  WriteDopDag("dop_gap", "\"@daily\"", true);
  std::string out;
  // A failed run two ticks back does not count: only the run at the previous tick would.
  EXPECT_EQ(Sluice("dags test dop_gap 2026-01-01", &out), 1) << out;
  EXPECT_EQ(Sluice("dags test dop_gap 2026-01-03", &out), 0) << out;
  EXPECT_EQ(States("dop_gap", "manual__2026-01-03T00:00:00+00:00")["t"], "success/1");
}

TEST_F(DependsOnPast, PreviousRunThatHasNotStartedHoldsTheTaskBack) {
  WriteDopDag("dop_queued", "null", false);
  std::string out;
  ASSERT_EQ(
      Sluice("dags trigger dop_queued --run-id early --logical-date 2026-01-01T06:00:00", &out), 0)
      << out;
  EXPECT_EQ(RunState("dop_queued", "early"), "queued");
  EXPECT_NE(Sluice("dags test dop_queued 2026-01-02", &out), 0) << out;
  EXPECT_NE(out.find("cannot go on"), std::string::npos) << out;
  EXPECT_EQ(States("dop_queued", kThird)["t"], "none/0");
}

}  // namespace
}  // namespace sluice::orchestrator::testing
