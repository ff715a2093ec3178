// The operators of issue 3: empty, command (argv, no shell), bash (a script), bash_sensor
// (Airflow's BashSensor: done when the script exits 0) and etl (a job spec on the engine).
#include "engine/executor.h"
#include "engine/job_spec.h"
#include "orchestrator/subprocess.h"
#include "orchestrator/task_operator.h"

namespace sluice::orchestrator {

namespace {

std::string ScalarText(const nlohmann::json& v) {
  return v.is_string() ? v.get<std::string>() : v.dump();
}

Status CheckScalarMap(const TaskSpec& task, std::string_view key) {
  const RawField* f = task.Field(key);
  if (!f) return Status::OK();
  if (!f->value.is_object()) return task.ErrorAt(key, std::string(key) + " must be a map");
  for (const auto& [k, v] : f->value.items()) {
    if (v.is_object() || v.is_array() || v.is_null()) {
      return task.ErrorAt(key, std::string(key) + "." + k + " must be a single value");
    }
  }
  return Status::OK();
}

Status CheckString(const TaskSpec& task, std::string_view key) {
  const RawField* f = task.Field(key);
  if (f && !f->value.is_string()) return task.ErrorAt(key, std::string(key) + " must be text");
  return Status::OK();
}

// env and cwd, rendered, shared by the process-running operators.
struct ProcessSettings {
  std::map<std::string, std::string> env;
  std::string cwd;
};

Result<ProcessSettings> RenderProcessSettings(const TryContext& ctx) {
  ProcessSettings s;
  ASSIGN_OR_RETURN(auto env, ctx.Render("env"));
  if (env) {
    for (const auto& [k, v] : env->items()) s.env[k] = ScalarText(v);
  }
  ASSIGN_OR_RETURN(auto cwd, ctx.Render("cwd"));
  if (cwd) s.cwd = cwd->get<std::string>();
  return s;
}

// Runs argv; exit 0 succeeds with the last stdout line as return value; Airflow's
// BashOperator convention: exit 99 skips the task.
TaskOutcome RunProcess(const std::vector<std::string>& argv, const ProcessSettings& settings) {
  auto result = RunSubprocess(argv, settings.env, settings.cwd);
  if (!result.ok()) return TaskOutcome::Failed(result.status().message());
  if (result->exit_code == 0) {
    return TaskOutcome::Success(result->last_line.empty()
                                    ? std::optional<nlohmann::json>()
                                    : std::optional<nlohmann::json>(result->last_line));
  }
  if (result->exit_code == 99) return {TaskOutcome::Kind::kSkipped, "exited with 99: skipped", {}};
  return TaskOutcome::Failed(argv[0] + " exited with status " + std::to_string(result->exit_code));
}

class EmptyOperator : public TaskOperator {
 public:
  std::string_view name() const override { return "empty"; }
  std::vector<std::string_view> keys() const override { return {}; }
  bool settled_by_scheduler() const override { return true; }
  TaskOutcome Execute(const TryContext&) const override { return TaskOutcome::Success(); }
};

class CommandOperator : public TaskOperator {
 public:
  std::string_view name() const override { return "command"; }
  std::vector<std::string_view> keys() const override { return {"command", "env", "cwd"}; }
  std::vector<std::string_view> required_keys() const override { return {"command"}; }
  Status Validate(const TaskSpec& task) const override {
    RETURN_NOT_OK(TaskOperator::Validate(task));
    const RawField* cmd = task.Field("command");
    if (!cmd->value.is_array() || cmd->value.empty()) {
      return task.ErrorAt("command", "command must be a non-empty list (the argv; no shell)");
    }
    for (const auto& a : cmd->value) {
      if (a.is_object() || a.is_array() || a.is_null()) {
        return task.ErrorAt("command", "every item of command must be a single value");
      }
    }
    RETURN_NOT_OK(CheckScalarMap(task, "env"));
    return CheckString(task, "cwd");
  }
  TaskOutcome Execute(const TryContext& ctx) const override {
    auto cmd = ctx.Render("command");
    if (!cmd.ok()) return TaskOutcome::Failed(cmd.status().message());
    auto settings = RenderProcessSettings(ctx);
    if (!settings.ok()) return TaskOutcome::Failed(settings.status().message());
    std::vector<std::string> argv;
    for (const auto& a : **cmd) argv.push_back(ScalarText(a));
    return RunProcess(argv, *settings);
  }
};

class BashOperator : public TaskOperator {
 public:
  explicit BashOperator(bool sensor) : sensor_(sensor) {}
  std::string_view name() const override { return sensor_ ? "bash_sensor" : "bash"; }
  std::vector<std::string_view> keys() const override { return {"bash", "env", "cwd"}; }
  std::vector<std::string_view> required_keys() const override { return {"bash"}; }
  bool is_sensor() const override { return sensor_; }
  Status Validate(const TaskSpec& task) const override {
    RETURN_NOT_OK(TaskOperator::Validate(task));
    RETURN_NOT_OK(CheckString(task, "bash"));
    RETURN_NOT_OK(CheckScalarMap(task, "env"));
    return CheckString(task, "cwd");
  }
  TaskOutcome Execute(const TryContext& ctx) const override {
    auto script = ctx.Render("bash");
    if (!script.ok()) return TaskOutcome::Failed(script.status().message());
    auto settings = RenderProcessSettings(ctx);
    if (!settings.ok()) return TaskOutcome::Failed(settings.status().message());
    return RunProcess({"bash", "-c", (*script)->get<std::string>()}, *settings);
  }
  Result<bool> Poke(const TryContext& ctx) const override {
    TaskOutcome once = Execute(ctx);
    return once.kind == TaskOutcome::Kind::kSuccess;
  }

 private:
  bool sensor_;
};

class EtlOperator : public TaskOperator {
 public:
  std::string_view name() const override { return "etl"; }
  std::vector<std::string_view> keys() const override { return {"job", "vars"}; }
  std::vector<std::string_view> required_keys() const override { return {"job"}; }
  Status Validate(const TaskSpec& task) const override {
    RETURN_NOT_OK(TaskOperator::Validate(task));
    RETURN_NOT_OK(CheckString(task, "job"));
    return CheckScalarMap(task, "vars");
  }
  TaskOutcome Execute(const TryContext& ctx) const override {
    auto job = ctx.Render("job");
    if (!job.ok()) return TaskOutcome::Failed(job.status().message());
    auto vars = ctx.Render("vars");
    if (!vars.ok()) return TaskOutcome::Failed(vars.status().message());
    engine::JobVars job_vars;
    if (*vars) {
      for (const auto& [k, v] : (*vars)->items()) job_vars[k] = ScalarText(v);
    }
    std::string spec = (*job)->get<std::string>();
    auto plan = engine::LoadJobSpec(spec, job_vars);
    if (!plan.ok()) return TaskOutcome::Failed(plan.status().message());
    engine::RunOptions options;
    options.progress = false;  // the log is a file, not a terminal
    auto summary = engine::RunJob(*plan, options);
    if (!summary.ok()) return TaskOutcome::Failed(summary.status().message());
    std::fputs(engine::FormatSummary(*summary).c_str(), stdout);
    std::fflush(stdout);
    return TaskOutcome::Success(nlohmann::json::parse(engine::SummaryToJson(*summary)));
  }
};

}  // namespace

void RegisterBuiltinOperators() {
  if (FindOperator("empty")) return;
  RegisterOperator(std::make_unique<EmptyOperator>());
  RegisterOperator(std::make_unique<CommandOperator>());
  RegisterOperator(std::make_unique<BashOperator>(false));
  RegisterOperator(std::make_unique<BashOperator>(true));
  RegisterOperator(std::make_unique<EtlOperator>());
  RegisterClusterOperators();
}

}  // namespace sluice::orchestrator
