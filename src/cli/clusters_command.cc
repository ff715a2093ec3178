// `sluice clusters ...` and `sluice steps ...` (design.md §9): the EMR console on the command
// line, through the EMR client and a connection (emr_default: the local cluster service);
// and the hidden `clusters agent`, the supervisor process of one local cluster.
#include <cstdio>
#include <iostream>

#include "cli/cli_util.h"
#include "cli/commands.h"
#include "cli/orchestrator_context.h"
#include "cluster/cluster_agent.h"
#include "orchestrator/emr_connect.h"

namespace sluice::cli {

using namespace orchestrator;
using Json = nlohmann::json;

namespace {

struct ClusterArgs {
  std::string connection = "emr_default";
  std::string cluster_id;
  std::string step_id;
  std::vector<std::string> states;
  bool json = false;
};

int ClustersAgent(const std::string& cluster_id) {
  auto ctx = OpenContext(false, false);
  if (!ctx.ok()) return Fail(ctx.status(), "clusters agent");
  cluster::AgentOptions options;
  options.step_env["SLUICE_HOME"] = ctx->home.path;
  Status st = cluster::RunClusterAgent(ctx->store->clusters(), cluster_id, options);
  return st.ok() ? 0 : Fail(st, "clusters agent " + cluster_id);
}

// Runs fn with an EMR client for the connection; returns the exit status.
int WithClient(const ClusterArgs& args, const std::string& what,
               const std::function<Status(cluster::EmrClient&)>& fn) {
  auto ctx = OpenContext(true, false);
  if (!ctx.ok()) return Fail(ctx.status(), what);
  auto client = OpenEmrClient(ctx->home, ctx->store.get(), args.connection);
  if (!client.ok()) return Fail(client.status(), what);
  Status st = fn(**client);
  return st.ok() ? 0 : Fail(st, what);
}

// Epoch seconds (EMR's timestamps) as ISO 8601, or null.
Json EmrTime(const Json& timeline, const char* key) {
  if (!timeline.contains(key) || !timeline[key].is_number()) return nullptr;
  auto micros = static_cast<int64_t>(timeline[key].get<double>() * 1e6);
  return FormatIso8601(TimePoint(Micros(micros)));
}

Json ReasonText(const Json& status) {
  const Json& reason = status.value("StateChangeReason", Json::object());
  std::string text = reason.value("Code", "");
  if (reason.contains("Message")) text += (text.empty() ? "" : ": ") + reason.value("Message", "");
  return text;
}

int ClustersList(const ClusterArgs& args) {
  return WithClient(args, "clusters list", [&](cluster::EmrClient& emr) -> Status {
    ASSIGN_OR_RETURN(auto clusters, emr.ListClusters(args.states));
    std::vector<Json> rows;
    for (const Json& c : clusters) {
      const Json& status = c["Status"];
      const Json& timeline = status.value("Timeline", Json::object());
      rows.push_back({c["Id"], c["Name"], status["State"], EmrTime(timeline, "CreationDateTime"),
                      EmrTime(timeline, "EndDateTime"), ReasonText(status)});
    }
    PrintTable({"id", "name", "state", "created", "ended", "reason"}, rows, args.json);
    return Status::OK();
  });
}

int ClustersDescribe(const ClusterArgs& args) {
  return WithClient(args, "clusters describe", [&](cluster::EmrClient& emr) -> Status {
    ASSIGN_OR_RETURN(Json cluster, emr.DescribeCluster(args.cluster_id));
    std::printf("%s\n", cluster.dump(2).c_str());
    return Status::OK();
  });
}

int ClustersTerminate(const ClusterArgs& args) {
  return WithClient(args, "clusters terminate", [&](cluster::EmrClient& emr) -> Status {
    RETURN_NOT_OK(emr.TerminateJobFlows({args.cluster_id}));
    std::printf("asked cluster %s to terminate\n", args.cluster_id.c_str());
    return Status::OK();
  });
}

int StepsList(const ClusterArgs& args) {
  return WithClient(args, "steps list", [&](cluster::EmrClient& emr) -> Status {
    ASSIGN_OR_RETURN(auto steps, emr.ListSteps(args.cluster_id, args.states));
    std::vector<Json> rows;
    for (const Json& s : steps) {
      const Json& status = s["Status"];
      const Json& timeline = status.value("Timeline", Json::object());
      rows.push_back({s["Id"], s["Name"], status["State"], s.value("ActionOnFailure", ""),
                      EmrTime(timeline, "StartDateTime"), EmrTime(timeline, "EndDateTime")});
    }
    PrintTable({"id", "name", "state", "action_on_failure", "started", "ended"}, rows,
               args.json);
    return Status::OK();
  });
}

int StepsDescribe(const ClusterArgs& args) {
  return WithClient(args, "steps describe", [&](cluster::EmrClient& emr) -> Status {
    ASSIGN_OR_RETURN(Json step, emr.DescribeStep(args.cluster_id, args.step_id));
    std::printf("%s\n", step.dump(2).c_str());
    return Status::OK();
  });
}

void AddCommon(CLI::App* cmd, ClusterArgs* args) {
  cmd->add_option("--connection", args->connection, "EMR connection (default emr_default)");
}

}  // namespace

void RegisterClusters(CLI::App& app, int* exit_code) {
  static ClusterArgs args;
  static std::string output = "text";
  auto json = [] { return output == "json"; };
  auto* clusters = app.add_subcommand("clusters", "Clusters of an EMR connection");
  clusters->require_subcommand(1);

  auto* list = clusters->add_subcommand("list", "List clusters, newest first");
  AddCommon(list, &args);
  list->add_option("--state", args.states, "Only clusters in these states (repeatable)");
  list->add_option("--output", output, "text or json")->check(CLI::IsMember({"text", "json"}));
  list->callback([=] {
    args.json = json();
    *exit_code = ClustersList(args);
  });

  auto* describe = clusters->add_subcommand("describe", "A cluster as DescribeCluster has it");
  AddCommon(describe, &args);
  describe->add_option("cluster_id", args.cluster_id)->required();
  describe->callback([=] { *exit_code = ClustersDescribe(args); });

  auto* terminate = clusters->add_subcommand("terminate", "Terminate a cluster");
  AddCommon(terminate, &args);
  terminate->add_option("cluster_id", args.cluster_id)->required();
  terminate->callback([=] { *exit_code = ClustersTerminate(args); });

  auto* agent = clusters->add_subcommand("agent", "Supervise one local cluster (internal)");
  agent->group("");  // hidden: started by RunJobFlow on the local cluster service
  agent->add_option("cluster_id", args.cluster_id)->required();
  agent->callback([=] { *exit_code = ClustersAgent(args.cluster_id); });

  auto* steps = app.add_subcommand("steps", "Steps of a cluster");
  steps->require_subcommand(1);
  auto* steps_list = steps->add_subcommand("list", "List a cluster's steps, newest first");
  AddCommon(steps_list, &args);
  steps_list->add_option("cluster_id", args.cluster_id)->required();
  steps_list->add_option("--state", args.states, "Only steps in these states (repeatable)");
  steps_list->add_option("--output", output, "text or json")
      ->check(CLI::IsMember({"text", "json"}));
  steps_list->callback([=] {
    args.json = json();
    *exit_code = StepsList(args);
  });
  auto* steps_describe = steps->add_subcommand("describe", "A step as DescribeStep has it");
  AddCommon(steps_describe, &args);
  steps_describe->add_option("cluster_id", args.cluster_id)->required();
  steps_describe->add_option("step_id", args.step_id)->required();
  steps_describe->callback([=] { *exit_code = StepsDescribe(args); });
}

}  // namespace sluice::cli
