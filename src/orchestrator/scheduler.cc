#include "orchestrator/scheduler.h"

#include <algorithm>

#include "common/logging.h"
#include "orchestrator/cluster_reaper.h"
#include "orchestrator/dag_test.h"
#include "orchestrator/job_heartbeat.h"

namespace sluice::orchestrator {

namespace {

constexpr auto kMaxSleep = std::chrono::seconds(1);
constexpr auto kZombieSweepInterval = std::chrono::seconds(5);

bool IsScheduled(const DagRunModel& r) {
  return r.run_type == DagRunType::kScheduled || r.run_type == DagRunType::kBackfill;
}

}  // namespace

std::string ScheduledRunId(TimePoint logical_date) {
  return "scheduled__" + FormatIso8601(logical_date);
}

Status SyncDagFolder(MetadataStore& store, const DagFolder& folder, bool paused_at_creation) {
  std::vector<std::string> files;
  for (const auto& f : folder.Files()) {
    files.push_back(f.path);
    if (!f.error.ok()) {
      RETURN_NOT_OK(store.SetImportError({f.path, f.error.message(), Now()}));
      continue;
    }
    RETURN_NOT_OK(store.ClearImportError(f.path));
    RETURN_NOT_OK(SyncDag(store, *f.dag, paused_at_creation));
  }
  RETURN_NOT_OK(store.ClearImportErrorsExcept(files));
  return store.MarkDagsInactiveExcept(files).status();
}

Scheduler::Scheduler(SluiceHome home, MetadataStore* store, DagFolder* dags, Options options)
    : home_(std::move(home)),
      store_(store),
      dags_(dags),
      options_(std::move(options)),
      executor_(options_.argv_prefix, home_.parallelism),
      runs_(store, &executor_, home_,
            [this](const std::string& dag_id) { return LastKnownDag(dag_id).get(); }) {}

Status Scheduler::Recover() {
  DagRunQuery q;
  q.states = {DagRunState::kRunning};
  ASSIGN_OR_RETURN(auto active, store_->ListDagRuns(q));
  for (const auto& run : active) {
    // A backfill beside a running scheduler must not adopt (and then wait for) its tries.
    if (!options_.only_runs.empty() && !options_.only_runs.count({run.dag_id, run.run_id})) {
      continue;
    }
    // Done by AdvanceRuns once the run's DAG loads: its file may be broken right now.
    to_recover_.insert({run.dag_id, run.run_id});
  }
  return Status::OK();
}

void Scheduler::RememberDags() {
  for (const auto& dag : dags_->Dags()) last_known_[dag->dag_id] = dag;
}

std::shared_ptr<const DagSpec> Scheduler::LastKnownDag(const std::string& dag_id) const {
  if (auto dag = dags_->FindDag(dag_id)) return dag;
  auto it = last_known_.find(dag_id);
  return it == last_known_.end() ? nullptr : it->second;
}

Result<std::optional<DataInterval>> Scheduler::LastScheduledInterval(const DagSpec& dag) {
  auto cached = last_interval_.find(dag.dag_id);
  if (cached != last_interval_.end()) return cached->second;
  DagRunQuery q;
  q.dag_id = dag.dag_id;
  ASSIGN_OR_RETURN(auto runs, store_->ListDagRuns(q));  // newest first
  std::optional<DataInterval> last;
  for (const auto& r : runs) {
    if (IsScheduled(r) && r.data_interval_start && r.data_interval_end) {
      last = DataInterval{*r.data_interval_start, *r.data_interval_end};
      break;
    }
  }
  last_interval_[dag.dag_id] = last;
  return last;
}

Status Scheduler::CreateDueRuns(const DagSpec& dag, TimePoint now) {
  if (dag.timetable.is_manual_only() || !dag.start_date) return Status::OK();
  ASSIGN_OR_RETURN(DagModel model, store_->GetDag(dag.dag_id));
  if (model.is_paused) return Status::OK();
  for (;;) {
    ASSIGN_OR_RETURN(int active, store_->CountActiveRuns(dag.dag_id));
    if (active >= dag.max_active_runs) return Status::OK();
    ASSIGN_OR_RETURN(auto last, LastScheduledInterval(dag));
    auto next = dag.timetable.NextInterval(last, *dag.start_date, dag.end_date, dag.catchup, now);
    NextDagRun info;
    if (next) {
      info.logical_date = next->start;
      info.data_interval_start = next->start;
      info.data_interval_end = next->end;
      info.create_after = next->end;
    }
    RETURN_NOT_OK(store_->SetNextDagRun(dag.dag_id, info));
    if (!next || next->end > now) return Status::OK();  // not due yet
    DagRunModel run;
    run.dag_id = dag.dag_id;
    run.run_id = ScheduledRunId(next->start);
    run.run_type = DagRunType::kScheduled;
    run.logical_date = next->start;
    run.data_interval_start = next->start;
    run.data_interval_end = next->end;
    auto created = store_->CreateDagRun(run);
    if (!created.ok() && created.status().code() != StatusCode::kAlreadyExists) {
      return created.status();
    }
    if (created.ok() && options_.report) {
      options_.report("created run " + run.run_id + " of " + dag.dag_id);
    }
    last_interval_[dag.dag_id] = *next;
  }
}

Result<std::optional<TimePoint>> Scheduler::AdvanceRuns(TimePoint now, bool* all_done) {
  DagRunQuery q;
  q.states = {DagRunState::kRunning, DagRunState::kQueued};
  ASSIGN_OR_RETURN(auto active, store_->ListDagRuns(q));
  std::reverse(active.begin(), active.end());  // oldest logical date first
  std::optional<TimePoint> wake;
  paused_.clear();
  // Tries that died while nobody watched them (e.g. around a restart) are found every
  // few seconds, not only when the scheduler starts.
  bool sweep_zombies = now >= next_zombie_sweep_;
  if (sweep_zombies) next_zombie_sweep_ = now + kZombieSweepInterval;
  reap_clusters_ |= sweep_zombies;
  std::map<std::string, int> running_per_dag;
  for (const auto& r : active) running_per_dag[r.dag_id] += r.state == DagRunState::kRunning;
  *all_done = true;
  for (const auto& run : active) {
    if (!options_.only_runs.empty() && !options_.only_runs.count({run.dag_id, run.run_id})) {
      continue;
    }
    *all_done = false;
    auto dag = dags_->FindDag(run.dag_id);
    if (!dag) continue;  // its file does not load now: the run waits for a fix
    if (to_recover_.erase({run.dag_id, run.run_id})) {
      RETURN_NOT_OK(runs_.RecoverOrphans(*dag, run, now));
    } else if (sweep_zombies && run.state == DagRunState::kRunning) {
      RETURN_NOT_OK(runs_.RecoverOrphans(*dag, run, now, /*reset_queued=*/false));
    }
    // A paused DAG starts no queued run (backfills aside); runs already going finish.
    if (options_.only_runs.empty() && run.state == DagRunState::kQueued) {
      auto paused = paused_.find(run.dag_id);
      if (paused == paused_.end()) {
        ASSIGN_OR_RETURN(DagModel model, store_->GetDag(run.dag_id));
        paused = paused_.emplace(run.dag_id, model.is_paused).first;
      }
      if (paused->second) continue;
    }
    if (run.state == DagRunState::kQueued) {  // max_active_runs holds queued runs back
      if (running_per_dag[run.dag_id] >= dag->max_active_runs) continue;
      running_per_dag[run.dag_id]++;
    }
    ASSIGN_OR_RETURN(auto progress, runs_.Advance(*dag, run, now));
    reap_clusters_ |= progress.finished;
    if (progress.finished && options_.report) {
      options_.report("run " + run.run_id + " of " + run.dag_id + ": " +
                      std::string(ToString(progress.state)));
    }
    if (progress.wake_at && (!wake || *progress.wake_at < *wake)) wake = progress.wake_at;
  }
  return wake;
}

Status Scheduler::SyncFolder() {
  RETURN_NOT_OK(dags_->Refresh().status());
  RETURN_NOT_OK(SyncDagFolder(*store_, *dags_, home_.dags_are_paused_at_creation));
  RememberDags();
  return Status::OK();
}

Status Scheduler::Run(const std::atomic<bool>& stop) {
  std::unique_ptr<JobHeartbeat> job;
  if (options_.record_job) {
    ASSIGN_OR_RETURN(job,
                     JobHeartbeat::Start(store_, kSchedulerJobType, home_.scheduler_heartbeat));
  }
  Status st = Loop(stop, job.get());
  if (job) {
    // A job left running by a crash is told apart by its heartbeat growing old.
    Status ended = job->End(st.ok() ? JobState::kSuccess : JobState::kFailed);
    if (!ended.ok()) Log().warn("event=job_end_failed error=\"{}\"", ended.message());
  }
  return st;
}

Status Scheduler::Loop(const std::atomic<bool>& stop, JobHeartbeat* job) {
  using Steady = std::chrono::steady_clock;
  RETURN_NOT_OK(SyncFolder());
  RETURN_NOT_OK(Recover());
  TimePoint next_refresh = Now() + home_.dag_refresh_interval;
  while (!stop.load()) {
    // A loop's time is its work: the wait for the next event is left out.
    Steady::time_point started = Steady::now();
    TimePoint now = Now();
    if (now >= next_refresh) {
      RETURN_NOT_OK(SyncFolder());
      next_refresh = now + home_.dag_refresh_interval;
    }
    if (options_.only_runs.empty()) {
      for (const auto& dag : dags_->Dags()) RETURN_NOT_OK(CreateDueRuns(*dag, now));
    }
    bool all_done = false;
    ASSIGN_OR_RETURN(auto wake, AdvanceRuns(now, &all_done));
    if (reap_clusters_) {
      reap_clusters_ = false;
      // A cluster that cannot be reached now is tried again at the next sweep.
      Result<int> reaped = ReapClustersOfEndedRuns(home_, store_, options_.report);
      if (!reaped.ok())
        Log().warn("event=cluster_reap_failed error=\"{}\"", reaped.status().message());
    }
    if (!options_.only_runs.empty() && all_done && executor_.running() == 0) break;
    TimePoint deadline = std::min(next_refresh, Now() + kMaxSleep);
    if (wake && *wake < deadline) deadline = *wake;
    Steady::duration work = Steady::now() - started;
    std::vector<FinishedTry> finished = executor_.Wait(deadline);
    started = Steady::now();
    for (const auto& f : finished) {
      // Even while its file is broken: a try that died must still fail (and be retried).
      auto dag = LastKnownDag(f.handle.key.dag_id);
      if (dag) RETURN_NOT_OK(runs_.HandleFinished(*dag, f, Now()));
    }
    work += Steady::now() - started;
    if (job) job->Loop(std::chrono::duration_cast<Micros>(work), Now());
  }
  return Status::OK();
}

}  // namespace sluice::orchestrator
