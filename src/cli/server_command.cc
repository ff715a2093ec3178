// `sluice server [--host H] [--port P]`: the HTTP server (design.md §10) until SIGINT/SIGTERM.
#include <unistd.h>

#include <atomic>
#include <csignal>
#include <cstdio>
#include <thread>

#include "cli/cli_util.h"
#include "cli/commands.h"
#include "cli/orchestrator_context.h"
#include "orchestrator/local_credentials.h"
#include "web/server.h"

namespace sluice::cli {

namespace {

std::atomic<bool> g_stop{false};

void OnSignal(int) { g_stop.store(true); }

int RunServer(const web::ServerOptions& options) {
  auto ctx = OpenContext(true, false);
  if (!ctx.ok()) return Fail(ctx.status(), "server");
  struct sigaction sa {};
  sa.sa_handler = OnSignal;
  sigaction(SIGINT, &sa, nullptr);
  sigaction(SIGTERM, &sa, nullptr);
  web::Server server(ctx->home, ctx->store.get(), options);
  if (Status st = server.Start(); !st.ok()) return Fail(st, "server");
  std::printf("sluice server listening on http://%s:%d (EMR API: POST /, credentials %s, "
              "profile %s)\n",
              options.host.c_str(), server.port(),
              orchestrator::LocalCredentialsPath(ctx->home).c_str(),
              orchestrator::kLocalCredentialsProfile);
  std::fflush(stdout);
  while (!g_stop.load()) std::this_thread::sleep_for(std::chrono::milliseconds(100));
  server.Stop();
  std::printf("sluice server stopped\n");
  return 0;
}

}  // namespace

void RegisterServer(CLI::App& app, int* exit_code) {
  static web::ServerOptions options;
  auto* cmd = app.add_subcommand("server", "Serve the EMR-compatible API and the REST API");
  cmd->add_option("--host", options.host, "Address to bind (default 127.0.0.1)");
  cmd->add_option("--port", options.port, "Port (default 8080)");
  cmd->callback([exit_code] { *exit_code = RunServer(options); });
}

}  // namespace sluice::cli
