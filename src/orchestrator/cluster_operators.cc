// The cluster operators (design.md §3, §8), Airflow's EMR operators by another name, with
// their XCom contract: cluster_create pushes the cluster id, cluster_add_steps the list of
// step ids; cluster_step_sensor and cluster_sensor poke DescribeStep / DescribeCluster;
// cluster_terminate ends the cluster. Each reaches EMR through the task's `connection`
// (default emr_default: the local cluster service).
#include <cstdio>

#include "cluster/emr_client.h"
#include "orchestrator/emr_connect.h"
#include "orchestrator/task_operator.h"

namespace sluice::orchestrator {

namespace {

using Json = nlohmann::json;

constexpr const char* kDefaultConnection = "emr_default";

void Say(const std::string& line) {
  std::printf("%s\n", line.c_str());
  std::fflush(stdout);
}

Status CheckKind(const TaskSpec& task, std::string_view key, bool (Json::*is)() const noexcept,
                 const char* what) {
  const RawField* f = task.Field(key);
  if (f && !(f->value.*is)()) {
    return task.ErrorAt(key, std::string(key) + " must be " + what);
  }
  return Status::OK();
}

// A rendered key that must be text (cluster_id, step_id, connection).
Result<std::string> RenderText(const TryContext& ctx, std::string_view key,
                               std::string fallback = "") {
  ASSIGN_OR_RETURN(std::optional<Json> value, ctx.Render(key));
  if (!value) return fallback;
  if (!value->is_string()) {
    return Status::InvalidArgument(std::string(key) + " rendered to " + value->dump() +
                                   ", not text");
  }
  std::string text = value->get<std::string>();
  if (text.empty()) return Status::InvalidArgument(std::string(key) + " rendered empty");
  return text;
}

struct Connected {
  std::string conn_id;
  std::unique_ptr<cluster::EmrClient> client;
};

Result<Connected> Connect(const TryContext& ctx) {
  ASSIGN_OR_RETURN(std::string conn_id, RenderText(ctx, "connection", kDefaultConnection));
  ASSIGN_OR_RETURN(SluiceHome home, LoadHome());
  ASSIGN_OR_RETURN(auto client, OpenEmrClient(home, ctx.store, conn_id));
  return Connected{conn_id, std::move(client)};
}

// Base of the five: the shared `connection` key and its validation.
class ClusterOperatorBase : public TaskOperator {
 public:
  Status Validate(const TaskSpec& task) const override {
    RETURN_NOT_OK(TaskOperator::Validate(task));
    RETURN_NOT_OK(CheckKind(task, "connection", &Json::is_string, "text"));
    RETURN_NOT_OK(CheckKind(task, "cluster_id", &Json::is_string, "text"));
    return Status::OK();
  }
};

class ClusterCreateOperator : public ClusterOperatorBase {
 public:
  std::string_view name() const override { return "cluster_create"; }
  std::vector<std::string_view> keys() const override { return {"cluster", "connection"}; }
  std::vector<std::string_view> required_keys() const override { return {"cluster"}; }
  Status Validate(const TaskSpec& task) const override {
    RETURN_NOT_OK(ClusterOperatorBase::Validate(task));
    RETURN_NOT_OK(CheckKind(task, "cluster", &Json::is_object, "a map (EMR's RunJobFlow shape)"));
    const Json& cluster = task.Field("cluster")->value;
    if (!cluster.contains("Name")) return task.ErrorAt("cluster", "cluster needs a Name");
    if (!cluster.contains("Instances")) {
      return task.ErrorAt("cluster", "cluster needs Instances (InstanceGroups or InstanceCount)");
    }
    return Status::OK();
  }

  TaskOutcome Execute(const TryContext& ctx) const override {
    auto request = ctx.Render("cluster");
    if (!request.ok()) return TaskOutcome::Failed(request.status().message());
    auto emr = Connect(ctx);
    if (!emr.ok()) return TaskOutcome::Failed(emr.status().message());
    // One token per try: a retried RunJobFlow finds this try's cluster instead of adding one.
    std::string token = ctx.dag->dag_id + "/" + ctx.run_id + "/" + ctx.task->id + "/" +
                        std::to_string(ctx.try_number);
    auto id = emr->client->RunJobFlow(**request, token);
    if (!id.ok()) return TaskOutcome::Failed(id.status().message());
    if (ctx.store) {
      RunClusterModel record{ctx.dag->dag_id, ctx.run_id, *id, ctx.task->id, emr->conn_id,
                             Now(), std::nullopt};
      Status recorded = ctx.store->RecordRunCluster(record);
      if (!recorded.ok()) Say("warning: could not record the cluster for reaping: " +
                              recorded.message());
    }
    Say("created cluster " + *id + " ('" + (**request).value("Name", "") + "') through " +
        "connection " + emr->conn_id);
    return TaskOutcome::Success(Json(*id));
  }
};

class ClusterAddStepsOperator : public ClusterOperatorBase {
 public:
  std::string_view name() const override { return "cluster_add_steps"; }
  std::vector<std::string_view> keys() const override {
    return {"cluster_id", "steps", "connection"};
  }
  std::vector<std::string_view> required_keys() const override { return {"cluster_id", "steps"}; }
  Status Validate(const TaskSpec& task) const override {
    RETURN_NOT_OK(ClusterOperatorBase::Validate(task));
    RETURN_NOT_OK(CheckKind(task, "steps", &Json::is_array, "a list of EMR StepConfig maps"));
    for (const Json& step : task.Field("steps")->value) {
      if (!step.is_object() || !step.contains("Name") || !step.contains("HadoopJarStep")) {
        return task.ErrorAt("steps", "each step needs Name and HadoopJarStep (Jar, Args)");
      }
    }
    return Status::OK();
  }

  TaskOutcome Execute(const TryContext& ctx) const override {
    auto cluster_id = RenderText(ctx, "cluster_id");
    if (!cluster_id.ok()) return TaskOutcome::Failed(cluster_id.status().message());
    auto steps = ctx.Render("steps");
    if (!steps.ok()) return TaskOutcome::Failed(steps.status().message());
    auto emr = Connect(ctx);
    if (!emr.ok()) return TaskOutcome::Failed(emr.status().message());
    auto ids = emr->client->AddJobFlowSteps(*cluster_id, **steps);
    if (!ids.ok()) return TaskOutcome::Failed(ids.status().message());
    Json out = Json::array();
    for (const std::string& id : *ids) {
      out.push_back(id);
      Say("added step " + id + " to cluster " + *cluster_id);
    }
    return TaskOutcome::Success(out);
  }
};

// "FAILED (reason: ...; message: ...; log: ...)" for a step that ended badly.
std::string StepFailure(const std::string& step_id, const Json& step) {
  const Json& status = step.value("Status", Json::object());
  std::string out = "step " + step_id + " ended " + status.value("State", "?");
  const Json& reason = status.value("StateChangeReason", Json::object());
  if (reason.contains("Message")) out += ": " + reason["Message"].get<std::string>();
  const Json& details = status.value("FailureDetails", Json::object());
  if (details.contains("Reason")) out += "; reason: " + details["Reason"].get<std::string>();
  if (details.contains("Message")) out += "; message: " + details["Message"].get<std::string>();
  if (details.contains("LogFile")) out += "; log: " + details["LogFile"].get<std::string>();
  return out;
}

class ClusterStepSensor : public ClusterOperatorBase {
 public:
  std::string_view name() const override { return "cluster_step_sensor"; }
  std::vector<std::string_view> keys() const override {
    return {"cluster_id", "step_id", "connection"};
  }
  std::vector<std::string_view> required_keys() const override {
    return {"cluster_id", "step_id"};
  }
  bool is_sensor() const override { return true; }
  Status Validate(const TaskSpec& task) const override {
    RETURN_NOT_OK(ClusterOperatorBase::Validate(task));
    return CheckKind(task, "step_id", &Json::is_string, "text");
  }

  Result<bool> Poke(const TryContext& ctx) const override {
    ASSIGN_OR_RETURN(std::string cluster_id, RenderText(ctx, "cluster_id"));
    ASSIGN_OR_RETURN(std::string step_id, RenderText(ctx, "step_id"));
    ASSIGN_OR_RETURN(Connected emr, Connect(ctx));
    ASSIGN_OR_RETURN(Json step, emr.client->DescribeStep(cluster_id, step_id));
    std::string state = step["Status"].value("State", "");
    Say("step " + step_id + " of cluster " + cluster_id + " is " + state);
    if (state == "COMPLETED") return true;
    if (state == "CANCELLED" || state == "FAILED" || state == "INTERRUPTED") {
      return Status::Internal(StepFailure(step_id, step));
    }
    return false;
  }
};

std::vector<std::string> StringsOr(const TryContext& ctx, std::string_view key,
                                   std::vector<std::string> fallback) {
  auto value = ctx.Render(key);
  if (!value.ok() || !*value || !(*value)->is_array()) return fallback;
  std::vector<std::string> out;
  for (const Json& v : **value) out.push_back(v.is_string() ? v.get<std::string>() : v.dump());
  return out;
}

class ClusterSensor : public ClusterOperatorBase {
 public:
  std::string_view name() const override { return "cluster_sensor"; }
  std::vector<std::string_view> keys() const override {
    return {"cluster_id", "target_states", "failed_states", "connection"};
  }
  std::vector<std::string_view> required_keys() const override { return {"cluster_id"}; }
  bool is_sensor() const override { return true; }
  Status Validate(const TaskSpec& task) const override {
    RETURN_NOT_OK(ClusterOperatorBase::Validate(task));
    RETURN_NOT_OK(CheckKind(task, "target_states", &Json::is_array, "a list of cluster states"));
    return CheckKind(task, "failed_states", &Json::is_array, "a list of cluster states");
  }

  Result<bool> Poke(const TryContext& ctx) const override {
    ASSIGN_OR_RETURN(std::string cluster_id, RenderText(ctx, "cluster_id"));
    // Airflow's EmrJobFlowSensor defaults.
    auto targets = StringsOr(ctx, "target_states", {"TERMINATED"});
    auto failures = StringsOr(ctx, "failed_states", {"TERMINATED_WITH_ERRORS"});
    ASSIGN_OR_RETURN(Connected emr, Connect(ctx));
    ASSIGN_OR_RETURN(Json cluster, emr.client->DescribeCluster(cluster_id));
    const Json& status = cluster.value("Status", Json::object());
    std::string state = status.value("State", "");
    Say("cluster " + cluster_id + " is " + state);
    auto in = [&](const std::vector<std::string>& list) {
      return std::find(list.begin(), list.end(), state) != list.end();
    };
    if (in(targets)) return true;
    if (in(failures)) {
      const Json& reason = status.value("StateChangeReason", Json::object());
      return Status::Internal("cluster " + cluster_id + " is " + state + ": " +
                              reason.value("Code", "") + " " + reason.value("Message", ""));
    }
    return false;
  }
};

class ClusterTerminateOperator : public ClusterOperatorBase {
 public:
  std::string_view name() const override { return "cluster_terminate"; }
  std::vector<std::string_view> keys() const override { return {"cluster_id", "connection"}; }
  std::vector<std::string_view> required_keys() const override { return {"cluster_id"}; }

  TaskOutcome Execute(const TryContext& ctx) const override {
    auto cluster_id = RenderText(ctx, "cluster_id");
    if (!cluster_id.ok()) return TaskOutcome::Failed(cluster_id.status().message());
    auto emr = Connect(ctx);
    if (!emr.ok()) return TaskOutcome::Failed(emr.status().message());
    Status st = emr->client->TerminateJobFlows({*cluster_id});
    if (!st.ok()) return TaskOutcome::Failed(st.message());
    Say("asked cluster " + *cluster_id + " to terminate");
    return TaskOutcome::Success();
  }
};

}  // namespace

void RegisterClusterOperators() {
  if (FindOperator("cluster_create")) return;
  RegisterOperator(std::make_unique<ClusterCreateOperator>());
  RegisterOperator(std::make_unique<ClusterAddStepsOperator>());
  RegisterOperator(std::make_unique<ClusterStepSensor>());
  RegisterOperator(std::make_unique<ClusterSensor>());
  RegisterOperator(std::make_unique<ClusterTerminateOperator>());
}

}  // namespace sluice::orchestrator
