#include "web/api_dag_cache.h"

#include "orchestrator/dag_loader.h"
#include "storage/object_store.h"

namespace sluice::web::api {

namespace {

// An edit within the same mtime tick as the read could go unseen: such parses are not kept.
constexpr int64_t kRacyMs = 2000;

int64_t NowMs() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(Now().time_since_epoch()).count();
}

}  // namespace

Result<std::shared_ptr<const orchestrator::DagSpec>> DagCache::Load(
    const orchestrator::DagModel& model) {
  ASSIGN_OR_RETURN(storage::Location where, storage::ResolveUri(model.fileloc));
  auto info = where.store->Head(where.key);
  if (!info.ok()) {
    return Status::NotFound("the file of DAG '" + model.dag_id + "' (" + model.fileloc +
                            ") is gone");
  }
  Entry entry;
  {
    std::lock_guard lock(mu_);
    auto it = files_.find(model.fileloc);
    if (it != files_.end() && it->second.size == info->size &&
        it->second.mtime_ms == info->mtime_ms) {
      entry = it->second;
    }
  }
  if (entry.size < 0) {
    auto parsed = orchestrator::LoadDagFile(model.fileloc);
    entry.size = info->size;
    entry.mtime_ms = info->mtime_ms;
    if (parsed.ok()) {
      entry.dag = std::make_shared<const orchestrator::DagSpec>(std::move(*parsed));
    } else {
      entry.error = parsed.status();
    }
    if (NowMs() - info->mtime_ms > kRacyMs) {
      std::lock_guard lock(mu_);
      files_[model.fileloc] = entry;
    }
  }
  if (!entry.error.ok()) return Status::Internal(entry.error.message());
  if (entry.dag->dag_id != model.dag_id) {
    return Status::NotFound(model.fileloc + " now defines DAG '" + entry.dag->dag_id + "', not '" +
                            model.dag_id + "'");
  }
  return entry.dag;
}

DagCache& SharedDagCache() {
  static auto* cache = new DagCache();
  return *cache;
}

}  // namespace sluice::web::api
