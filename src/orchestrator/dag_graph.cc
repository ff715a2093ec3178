// Linking the tasks of a DAG: ids, upstream references, teardowns, cycles and the orders the
// scheduler walks.
#include <algorithm>
#include <utility>

#include "orchestrator/dag_loader_internal.h"

namespace sluice::orchestrator {

namespace {

std::string TaskList(const std::vector<TaskDraft>& drafts) {
  constexpr size_t kMax = 12;
  std::string out;
  for (size_t i = 0; i < drafts.size() && i < kMax; ++i) {
    out += (i ? ", " : "") + drafts[i].spec.id;
  }
  if (drafts.size() > kMax) out += ", ...";
  return "(tasks: " + out + ")";
}

Status IndexTasks(const std::vector<TaskDraft>& drafts, DagSpec* dag) {
  for (size_t i = 0; i < drafts.size(); ++i) {
    const TaskDraft& t = drafts[i];
    auto [it, added] = dag->task_index.emplace(t.spec.id, i);
    if (!added) {
      return ErrorAt(t.id_pos, "duplicate task id '" + t.spec.id + "' (first at line " +
                                   std::to_string(drafts[it->second].id_pos.line) + ")");
    }
  }
  return Status::OK();
}

Status CheckUpstream(const std::vector<TaskDraft>& drafts, const DagSpec& dag) {
  for (const TaskDraft& t : drafts) {
    for (size_t j = 0; j < t.spec.upstream.size(); ++j) {
      const std::string& up = t.spec.upstream[j];
      if (up == t.spec.id) {
        return ErrorAt(t.upstream_pos[j], "task '" + t.spec.id + "' lists itself upstream");
      }
      if (dag.task_index.count(up) == 0) {
        return ErrorAt(t.upstream_pos[j], "task '" + t.spec.id + "': unknown upstream task '" + up +
                                              "' " + TaskList(drafts));
      }
    }
  }
  return Status::OK();
}

// A teardown gets its setup upstream and the all_done_setup_success rule (dag.h).
Status LinkTeardown(std::vector<TaskDraft>* drafts, const DagSpec& dag, TaskDraft* t) {
  const std::string& setup = *t->spec.teardown_of;
  const std::string what = "task '" + t->spec.id + "'";
  const SourcePos pos = t->spec.key_pos["teardown_of"];
  auto it = dag.task_index.find(setup);
  if (it == dag.task_index.end()) {
    return ErrorAt(
        pos, what + ": teardown_of names an unknown task '" + setup + "' " + TaskList(*drafts));
  }
  if (setup == t->spec.id) return ErrorAt(pos, what + " cannot be its own teardown");
  TaskDraft& s = (*drafts)[it->second];
  if (s.spec.teardown_of) {
    return ErrorAt(pos, what + ": teardown_of '" + setup + "', which is itself a teardown (of '" +
                            *s.spec.teardown_of + "')");
  }
  if (t->trigger_rule_written) {
    return ErrorAt(t->spec.key_pos["trigger_rule"],
                   what +
                       ": a teardown's trigger rule is fixed (it runs once its upstream tasks "
                       "are done, if its setup succeeded): remove trigger_rule");
  }
  t->spec.trigger_rule = TriggerRule::kAllDoneSetupSuccess;
  s.spec.is_setup = true;
  if (std::find(t->spec.upstream.begin(), t->spec.upstream.end(), setup) ==
      t->spec.upstream.end()) {
    t->spec.upstream.push_back(setup);
    t->upstream_pos.push_back(pos);
  }
  return Status::OK();
}

// "a -> b -> c -> a" in run order, from a DFS path along upstream edges whose last node
// lists path[k] upstream.
std::string DescribeCycle(const std::vector<TaskDraft>& drafts, const std::vector<size_t>& path,
                          size_t k) {
  std::string out = drafts[path[k]].spec.id;
  for (size_t i = path.size(); i-- > k + 1;) out += " -> " + drafts[path[i]].spec.id;
  if (path.size() > k + 1) out += " -> " + drafts[path[k]].spec.id;
  return out;
}

// Depth-first along upstream edges, in file order: finds a cycle, else the order in which
// every task comes after its upstreams.
Status Order(const std::vector<TaskDraft>& drafts, const DagSpec& dag, std::vector<size_t>* out) {
  enum { kNew, kOnPath, kDone };
  std::vector<int> state(drafts.size(), kNew);
  std::vector<size_t> path;
  std::vector<size_t> next;  // per path entry: the next upstream to look at
  for (size_t root = 0; root < drafts.size(); ++root) {
    if (state[root] != kNew) continue;
    path = {root};
    next = {0};
    state[root] = kOnPath;
    while (!path.empty()) {
      const size_t node = path.back();
      const TaskDraft& t = drafts[node];
      if (next.back() == t.spec.upstream.size()) {
        state[node] = kDone;
        out->push_back(node);
        path.pop_back();
        next.pop_back();
        continue;
      }
      const size_t j = next.back()++;
      const size_t up = dag.task_index.find(t.spec.upstream[j])->second;
      if (state[up] == kOnPath) {
        const size_t k = std::find(path.begin(), path.end(), up) - path.begin();
        return ErrorAt(t.upstream_pos[j],
                       "task '" + t.spec.id + "': upstream '" + drafts[up].spec.id +
                           "' closes a cycle: " + DescribeCycle(drafts, path, k));
      }
      if (state[up] == kNew) {
        state[up] = kOnPath;
        path.push_back(up);
        next.push_back(0);
      }
    }
  }
  return Status::OK();
}

}  // namespace

Status LinkTasks(std::vector<TaskDraft> drafts, DagSpec* dag) {
  dag->task_index.clear();
  RETURN_NOT_OK(IndexTasks(drafts, dag));
  RETURN_NOT_OK(CheckUpstream(drafts, *dag));
  for (TaskDraft& t : drafts) {
    if (t.spec.teardown_of) RETURN_NOT_OK(LinkTeardown(&drafts, *dag, &t));
  }
  std::vector<size_t> order;
  RETURN_NOT_OK(Order(drafts, *dag, &order));
  dag->topo_order = std::move(order);
  dag->tasks.clear();
  for (TaskDraft& t : drafts) dag->tasks.push_back(std::move(t.spec));
  for (const TaskSpec& t : dag->tasks) {
    for (const std::string& up : t.upstream) {
      dag->tasks[dag->task_index.find(up)->second].downstream.push_back(t.id);
    }
  }
  return Status::OK();
}

}  // namespace sluice::orchestrator
