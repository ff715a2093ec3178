// `sluice clusters ...` and `sluice steps ...` (design.md §9): the EMR console on the command
// line, through the EMR client and the connection (emr_default: the local cluster service);
// and the hidden `clusters agent`, the supervisor process of one local cluster.
#include <cstdio>
#include <iostream>

#include "cli/cli_util.h"
#include "cli/commands.h"
#include "cli/orchestrator_context.h"
#include "cluster/cluster_agent.h"

namespace sluice::cli {

using namespace orchestrator;

namespace {

int ClustersAgent(const std::string& cluster_id) {
  auto ctx = OpenContext(false, false);
  if (!ctx.ok()) return Fail(ctx.status(), "clusters agent");
  cluster::AgentOptions options;
  options.step_env["SLUICE_HOME"] = ctx->home.path;
  Status st = cluster::RunClusterAgent(ctx->store->clusters(), cluster_id, options);
  return st.ok() ? 0 : Fail(st, "clusters agent " + cluster_id);
}

}  // namespace

void RegisterClusters(CLI::App& app, int* exit_code) {
  auto* clusters = app.add_subcommand("clusters", "Clusters of the EMR connection");
  clusters->require_subcommand(1);

  static std::string agent_id;
  auto* agent = clusters->add_subcommand("agent", "Supervise one local cluster (internal)");
  agent->group("");  // hidden: started by RunJobFlow on the local cluster service
  agent->add_option("cluster_id", agent_id)->required();
  agent->callback([exit_code] { *exit_code = ClustersAgent(agent_id); });
}

}  // namespace sluice::cli
