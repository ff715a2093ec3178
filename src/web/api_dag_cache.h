// The DAG files behind the API's task lists, grid and triggers (private to src/web). The
// server does not run the DAG file processor: it reads a DAG's file (its fileloc in the
// metadata DB) when asked, and keeps the parse until the file's size or mtime changes.
#pragma once

#include <map>
#include <memory>
#include <mutex>
#include <string>

#include "common/status.h"
#include "orchestrator/dag.h"
#include "orchestrator/metadata_models.h"

namespace sluice::web::api {

class DagCache {
 public:
  // The DAG as its file says now. NotFound when the file no longer defines `dag.dag_id`;
  // the parse error (file, line, column) when it does not load.
  Result<std::shared_ptr<const orchestrator::DagSpec>> Load(const orchestrator::DagModel& dag);

 private:
  struct Entry {
    int64_t size = -1;
    int64_t mtime_ms = -1;
    std::shared_ptr<const orchestrator::DagSpec> dag;
    Status error;
  };
  std::mutex mu_;
  std::map<std::string, Entry> files_;  // by fileloc
};

// The one cache of this process (filelocs are absolute, so servers can share it).
DagCache& SharedDagCache();

}  // namespace sluice::web::api
