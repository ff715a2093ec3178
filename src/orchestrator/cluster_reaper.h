// A cluster never leaks (design.md §4): when a run ends, every cluster its tasks created and
// that is still alive is terminated through the connection it was created with, whether or
// not the DAG has a teardown task. The scheduler and `dags test` call this.
#pragma once

#include <functional>
#include <string>

#include "common/status.h"
#include "orchestrator/home.h"
#include "orchestrator/metadata_store.h"

namespace sluice::orchestrator {

// Terminates the live clusters of ended runs and marks them reaped; returns how many it
// asked to terminate. A cluster that cannot be reached now is tried again on the next call.
Result<int> ReapClustersOfEndedRuns(const SluiceHome& home, MetadataStore* store,
                                    const std::function<void(const std::string&)>& report = {});

// Terminates the live clusters of one run, whatever its state (a run about to be replaced).
Result<int> TerminateClustersOfRun(const SluiceHome& home, MetadataStore* store,
                                   const DagRunKey& run,
                                   const std::function<void(const std::string&)>& report = {});

}  // namespace sluice::orchestrator
