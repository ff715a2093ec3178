#include "orchestrator/pool_slots.h"

#include <algorithm>

namespace sluice::orchestrator {

int PoolSlots::Size(std::string_view pool) const {
  auto it = sizes_.find(pool);
  return it == sizes_.end() ? 0 : it->second;
}

int PoolSlots::Free(std::string_view pool) const {
  auto it = used_.find(pool);
  int used = it == used_.end() ? 0 : it->second;
  return std::max(0, Size(pool) - used);
}

Status PoolSlots::Recount(MetadataStore& store, const DagLookup& find_dag) {
  ASSIGN_OR_RETURN(auto active,
                   store.ListTaskInstancesInStates({TaskState::kQueued, TaskState::kRunning}));
  used_.clear();
  for (const auto& ti : active) {
    const DagSpec* dag = find_dag ? find_dag(ti.dag_id) : nullptr;
    const TaskSpec* task = dag ? dag->FindTask(ti.task_id) : nullptr;
    if (task) ++used_[task->pool];
  }
  return Status::OK();
}

void PoolSlots::Take(std::string_view pool) {
  auto it = used_.find(pool);
  if (it == used_.end()) it = used_.emplace(std::string(pool), 0).first;
  ++it->second;
}

std::string PoolSlots::UndefinedMessage(const TaskSpec& task,
                                        const std::string& config_path) const {
  std::string defined;
  for (const auto& [name, slots] : sizes_) {
    defined += (defined.empty() ? "" : ", ") + name + ": " + std::to_string(slots);
  }
  return task
      .ErrorAt("pool", "pool '" + task.pool + "' is not defined: define it under `pools:` in " +
                           config_path + " (e.g. `pools: {" + task.pool +
                           ": 4}`), read when the scheduler or `dags test` starts; defined "
                           "pools: {" +
                           defined + "}")
      .message();
}

}  // namespace sluice::orchestrator
