// `sluice scheduler`: the long-running scheduler with the local executor; SIGINT/SIGTERM stop
// it (tries it started keep running and are adopted by the next scheduler).
#include <unistd.h>

#include <atomic>
#include <csignal>
#include <cstdio>

#include "cli/cli_util.h"
#include "cli/commands.h"
#include "cli/orchestrator_context.h"
#include "orchestrator/scheduler.h"

namespace sluice::cli {

namespace {

std::atomic<bool> g_stop{false};

void OnSignal(int) { g_stop.store(true); }

void PrintEvent(const std::string& line) {
  std::printf("%s %s\n", FormatIso8601(Now()).c_str(), line.c_str());
  std::fflush(stdout);
}

int RunScheduler() {
  auto ctx = OpenContext(true, true);
  if (!ctx.ok()) return Fail(ctx.status(), "scheduler");
  struct sigaction sa {};
  sa.sa_handler = OnSignal;  // no SA_RESTART: the scheduler's wait wakes up to stop
  sigaction(SIGINT, &sa, nullptr);
  sigaction(SIGTERM, &sa, nullptr);
  orchestrator::Scheduler::Options options;
  options.argv_prefix = SelfArgv();
  options.report = PrintEvent;
  options.record_job = true;
  orchestrator::Scheduler scheduler(ctx->home, ctx->store.get(), ctx->dags.get(), options);
  PrintEvent("scheduler started: dags folder " + ctx->home.dags_folder + ", metadata " +
             ctx->home.db_path + ", pid " + std::to_string(getpid()));
  Status st = scheduler.Run(g_stop);
  if (!st.ok()) return Fail(st, "scheduler");
  PrintEvent("scheduler stopped");
  return 0;
}

}  // namespace

void RegisterScheduler(CLI::App& app, int* exit_code) {
  app.add_subcommand("scheduler", "Run the scheduler (local executor) until stopped")
      ->callback([exit_code] { *exit_code = RunScheduler(); });
}

}  // namespace sluice::cli
