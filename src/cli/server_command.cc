// `sluice server` (the HTTP server alone) and `sluice standalone` (db init, an admin user,
// the scheduler and the server in one process, as `airflow standalone`), both until
// SIGINT/SIGTERM, shutting down cleanly.
#include <fcntl.h>
#include <unistd.h>

#include <atomic>
#include <csignal>
#include <cstdio>
#include <filesystem>
#include <thread>

#include "cli/cli_util.h"
#include "cli/commands.h"
#include "cli/orchestrator_context.h"
#include "orchestrator/local_credentials.h"
#include "orchestrator/scheduler.h"
#include "web/passwords.h"
#include "web/server.h"

namespace sluice::cli {

namespace {

std::atomic<bool> g_stop{false};

void OnSignal(int) { g_stop.store(true); }

void StopOnSignals() {
  struct sigaction sa {};
  sa.sa_handler = OnSignal;  // no SA_RESTART: waits wake up to stop
  sigaction(SIGINT, &sa, nullptr);
  sigaction(SIGTERM, &sa, nullptr);
}

void Say(const std::string& line) {
  std::printf("%s %s\n", FormatIso8601(Now()).c_str(), line.c_str());
  std::fflush(stdout);
}

void SayListening(const OrchestratorContext& ctx, const web::ServerOptions& options, int port) {
  Say("sluice server listening on http://" + options.host + ":" + std::to_string(port) +
      " (EMR API: POST /, credentials " + orchestrator::LocalCredentialsPath(ctx.home) +
      ", profile " + orchestrator::kLocalCredentialsProfile + ")");
}

int RunServer(const web::ServerOptions& options) {
  auto ctx = OpenContext(true, false);
  if (!ctx.ok()) return Fail(ctx.status(), "server");
  StopOnSignals();
  web::Server server(ctx->home, ctx->store.get(), options);
  if (Status st = server.Start(); !st.ok()) return Fail(st, "server");
  SayListening(*ctx, options, server.port());
  while (!g_stop.load()) std::this_thread::sleep_for(std::chrono::milliseconds(100));
  server.Stop();
  Say("sluice server stopped");
  return 0;
}

// Creates user `admin` with a random password the first time, as `airflow standalone` does:
// written to standalone_admin_password.txt (mode 0600) and printed once.
Status EnsureAdmin(const OrchestratorContext& ctx) {
  auto existing = ctx.store->GetUser("admin");
  if (existing.ok()) return Status::OK();
  if (existing.status().code() != StatusCode::kNotFound) return existing.status();
  std::string password = web::RandomPassword();
  ASSIGN_OR_RETURN(std::string hash, web::HashPassword(password));
  RETURN_NOT_OK(ctx.store->CreateUser({"admin", "admin", hash, std::nullopt}));
  std::string path = ctx.home.path + "/standalone_admin_password.txt";
  int fd = open(path.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
  if (fd < 0) return Status::IoError("writing " + path);
  std::string text = password + "\n";
  bool ok = write(fd, text.data(), text.size()) == static_cast<ssize_t>(text.size());
  close(fd);
  if (!ok) return Status::IoError("writing " + path);
  Say("created user admin; its password is in " + path + ": " + password);
  return Status::OK();
}

int RunStandalone(const web::ServerOptions& options) {
  auto ctx = OpenContext(true, true);
  if (!ctx.ok()) return Fail(ctx.status(), "standalone");
  if (Status st = EnsureAdmin(*ctx); !st.ok()) return Fail(st, "standalone");
  StopOnSignals();
  web::Server server(ctx->home, ctx->store.get(), options);
  if (Status st = server.Start(); !st.ok()) return Fail(st, "standalone");
  SayListening(*ctx, options, server.port());
  orchestrator::Scheduler::Options scheduler_options;
  scheduler_options.argv_prefix = SelfArgv();
  scheduler_options.report = Say;
  scheduler_options.record_job = true;
  orchestrator::Scheduler scheduler(ctx->home, ctx->store.get(), ctx->dags.get(),
                                    scheduler_options);
  Say("scheduler started: dags folder " + ctx->home.dags_folder + ", metadata " +
      ctx->home.db_path);
  Status st = scheduler.Run(g_stop);
  server.Stop();
  if (!st.ok()) return Fail(st, "standalone");
  Say("sluice standalone stopped");
  return 0;
}

void AddAddress(CLI::App* cmd, web::ServerOptions* options) {
  cmd->add_option("--host", options->host, "Address to bind (default 127.0.0.1)");
  cmd->add_option("--port", options->port, "Port (default 8080; 0 picks a free one)");
}

}  // namespace

void RegisterServer(CLI::App& app, int* exit_code) {
  static web::ServerOptions options;
  auto* server = app.add_subcommand("server", "Serve the EMR-compatible API and the REST API");
  AddAddress(server, &options);
  server->callback([exit_code] { *exit_code = RunServer(options); });
  auto* standalone = app.add_subcommand(
      "standalone", "Initialise the DB and run the scheduler and the server together");
  AddAddress(standalone, &options);
  standalone->callback([exit_code] { *exit_code = RunStandalone(options); });
}

}  // namespace sluice::cli
