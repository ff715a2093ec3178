// Airflow's pools (design.md §3): a pool lets at most its number of slots of its tasks' tries
// be queued or running at once, counted over every run and every process that shares the
// metadata DB. sluice.yml defines them (SluiceHome::pools); default_pool always exists.
#pragma once

#include <functional>
#include <map>
#include <string>
#include <string_view>

#include "common/status.h"
#include "orchestrator/dag.h"
#include "orchestrator/metadata_store.h"

namespace sluice::orchestrator {

// The DAG a try belongs to, to learn its task's pool; null when unknown (such a try then
// counts in no pool).
using DagLookup = std::function<const DagSpec*(const std::string& dag_id)>;

class PoolSlots {
 public:
  // `sizes`: pool name -> slots, as SluiceHome::pools holds them.
  explicit PoolSlots(std::map<std::string, int, std::less<>> sizes) : sizes_(std::move(sizes)) {}

  bool Defined(std::string_view pool) const { return sizes_.count(pool) > 0; }
  int Size(std::string_view pool) const;  // 0 when undefined
  int Free(std::string_view pool) const;  // never negative

  // Counts afresh the tries holding a slot: queued or running, in any run. A sensor waiting
  // in reschedule mode (up_for_reschedule) holds none, nor does a task the scheduler settles.
  Status Recount(MetadataStore& store, const DagLookup& find_dag);
  // A try of the pool was just queued.
  void Take(std::string_view pool);

  // Why a task naming an undefined pool fails, and where to define the pool.
  std::string UndefinedMessage(const TaskSpec& task, const std::string& config_path) const;

 private:
  std::map<std::string, int, std::less<>> sizes_;
  std::map<std::string, int, std::less<>> used_;
};

}  // namespace sluice::orchestrator
