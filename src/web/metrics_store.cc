// The metadata DB's part of /metrics: gauges by state, the task-duration histogram and the
// scheduler's loop times and heartbeat, gathered at most once a second however often
// Prometheus (or a person) asks.
#include <chrono>
#include <map>
#include <mutex>

#include "cluster/cluster_model.h"
#include "cluster/cluster_store.h"
#include "common/logging.h"
#include "web/metrics.h"
#include "web/scheduler_health.h"
#include "web/web_context.h"

namespace sluice::web {

namespace {

using namespace orchestrator;

constexpr auto kMaxAge = std::chrono::seconds(1);
const std::vector<double> kDurationBounds = {0.5, 1, 5, 10, 30, 60, 300, 900, 1800, 3600, 7200};

double Seconds(Micros d) { return static_cast<double>(d.count()) / 1e6; }

void Gauge(const std::string& name, const std::string& help, std::string* out) {
  *out += "# HELP " + name + " " + help + "\n# TYPE " + name + " gauge\n";
}

void Sample(const std::string& name, const std::string& labels, int64_t value, std::string* out) {
  *out += name + (labels.empty() ? "" : "{" + labels + "}") + " " + std::to_string(value) + "\n";
}

void ByState(const std::string& name, const std::map<std::string, int64_t>& counts,
             std::string* out) {
  for (const auto& [state, n] : counts) {
    Sample(name, "state=\"" + EscapeLabel(state) + "\"", n, out);
  }
}

Status Dags(MetadataStore& store, std::string* out) {
  ASSIGN_OR_RETURN(std::vector<DagModel> dags, store.ListDags({}));
  int64_t paused = 0;
  for (const auto& d : dags) paused += d.is_paused;
  Gauge("sluice_dags", "Active DAGs, by whether they are paused.", out);
  Sample("sluice_dags", "paused=\"true\"", paused, out);
  Sample("sluice_dags", "paused=\"false\"", static_cast<int64_t>(dags.size()) - paused, out);
  ASSIGN_OR_RETURN(std::vector<ImportErrorModel> errors, store.ListImportErrors());
  Gauge("sluice_import_errors", "DAG files that do not load.", out);
  Sample("sluice_import_errors", "", static_cast<int64_t>(errors.size()), out);
  return Status::OK();
}

Status Runs(MetadataStore& store, std::string* out) {
  std::map<std::string, int64_t> counts;
  for (auto s :
       {DagRunState::kQueued, DagRunState::kRunning, DagRunState::kSuccess, DagRunState::kFailed}) {
    counts[std::string(ToString(s))] = 0;
  }
  ASSIGN_OR_RETURN(std::vector<DagRunModel> runs, store.ListDagRuns({}));
  for (const auto& r : runs) ++counts[std::string(ToString(r.state))];
  Gauge("sluice_dag_runs", "DAG runs, by state.", out);
  ByState("sluice_dag_runs", counts, out);
  return Status::OK();
}

Status TaskInstances(MetadataStore& store, std::string* out) {
  std::vector<TaskState> all;
  for (int s = static_cast<int>(TaskState::kNone); s <= static_cast<int>(TaskState::kRemoved);
       ++s) {
    all.push_back(static_cast<TaskState>(s));
  }
  std::map<std::string, int64_t> counts;
  for (TaskState s : all) counts[std::string(ToString(s))] = 0;
  std::map<std::string, Histogram> durations;
  ASSIGN_OR_RETURN(std::vector<TaskInstanceModel> tis, store.ListTaskInstancesInStates(all));
  for (const auto& ti : tis) {
    std::string state(ToString(ti.state));
    ++counts[state];
    if (!IsFinished(ti.state) || !ti.duration) continue;
    auto it = durations.find(state);
    if (it == durations.end()) it = durations.emplace(state, Histogram(kDurationBounds)).first;
    it->second.Observe(Seconds(*ti.duration));
  }
  Gauge("sluice_task_instances", "Task instances, by state.", out);
  ByState("sluice_task_instances", counts, out);
  *out += "# HELP sluice_task_duration_seconds Duration of finished task instances.\n";
  *out += "# TYPE sluice_task_duration_seconds histogram\n";
  for (const auto& [state, h] : durations) {
    h.Render("sluice_task_duration_seconds", "state=\"" + EscapeLabel(state) + "\"", out);
  }
  return Status::OK();
}

Status Clusters(MetadataStore& store, std::string* out) {
  std::map<std::string, int64_t> counts;
  for (int s = static_cast<int>(cluster::ClusterState::kStarting);
       s <= static_cast<int>(cluster::ClusterState::kTerminatedWithErrors); ++s) {
    counts[std::string(cluster::ToString(static_cast<cluster::ClusterState>(s)))] = 0;
  }
  ASSIGN_OR_RETURN(std::vector<cluster::ClusterRecord> clusters,
                   store.clusters()->ListClusters({}));
  for (const auto& c : clusters) ++counts[std::string(cluster::ToString(c.state))];
  Gauge("sluice_clusters", "Clusters of the local cluster service, by state.", out);
  ByState("sluice_clusters", counts, out);
  return Status::OK();
}

// The most recent scheduler's loop times as it last wrote them (every scheduler_heartbeat_sec),
// and how old its heartbeat is. A scheduler that restarts starts its counts afresh, which
// Prometheus takes as a counter reset.
Status Scheduler(WebContext& ctx, std::string* out) {
  ASSIGN_OR_RETURN(
      SchedulerHealth health,
      ReadSchedulerHealth(*ctx.store, ctx.home.scheduler_health_check_threshold, Now()));
  *out +=
      "# HELP sluice_scheduler_loop_duration_seconds Work time of the scheduler's loops "
      "(waits left out), as the most recent scheduler last recorded it.\n";
  *out += "# TYPE sluice_scheduler_loop_duration_seconds histogram\n";
  if (health.job) {
    const LoopStats& loop = health.job->loop;
    std::vector<double> bounds;
    std::vector<uint64_t> at_most;
    for (size_t i = 0; i < kLoopBucketBounds.size(); ++i) {
      bounds.push_back(Seconds(kLoopBucketBounds[i]));
      at_most.push_back(static_cast<uint64_t>(loop.at_most[i]));
    }
    Histogram::FromCumulative(bounds, at_most, Seconds(loop.total),
                              static_cast<uint64_t>(loop.loops))
        .Render("sluice_scheduler_loop_duration_seconds", "", out);
    Gauge("sluice_scheduler_heartbeat_age_seconds",
          "Seconds since the most recent scheduler's latest heartbeat.", out);
    *out += "sluice_scheduler_heartbeat_age_seconds " +
            FormatNumber(Seconds(health.heartbeat_age)) + "\n";
  }
  Gauge("sluice_scheduler_healthy",
        "1 when a scheduler runs and its heartbeat is younger than "
        "scheduler_health_check_threshold.",
        out);
  Sample("sluice_scheduler_healthy", "", health.healthy ? 1 : 0, out);
  return Status::OK();
}

std::string Gather(WebContext& ctx) {
  std::string out;
  Status st = Dags(*ctx.store, &out);
  if (st.ok()) st = Runs(*ctx.store, &out);
  if (st.ok()) st = TaskInstances(*ctx.store, &out);
  if (st.ok()) st = Clusters(*ctx.store, &out);
  if (st.ok()) st = Scheduler(ctx, &out);
  Gauge("sluice_metadatabase_up", "1 when the metadata DB answered the last scrape.", &out);
  Sample("sluice_metadatabase_up", "", st.ok() ? 1 : 0, &out);
  if (!st.ok()) Log().warn("event=metrics_failed error={}", st.message());
  return out;
}

}  // namespace

std::string RenderStoreMetrics(WebContext& ctx) {
  static std::mutex mu;
  static std::map<const WebContext*, std::pair<std::chrono::steady_clock::time_point, std::string>>
      cache;
  std::lock_guard lock(mu);  // one gatherer at a time; the others take its result
  auto now = std::chrono::steady_clock::now();
  auto& [at, text] = cache[&ctx];
  if (text.empty() || now - at > kMaxAge) {
    text = Gather(ctx);
    at = now;
  }
  return text;
}

}  // namespace sluice::web
