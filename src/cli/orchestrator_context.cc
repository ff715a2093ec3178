#include "cli/orchestrator_context.h"

#include <cstdlib>

#include "orchestrator/connections.h"
#include "orchestrator/scheduler.h"
#include "orchestrator/task_operator.h"

namespace sluice::cli {

using namespace orchestrator;

Result<OrchestratorContext> OpenContext(bool create_db, bool read_dags) {
  OrchestratorContext ctx;
  ASSIGN_OR_RETURN(ctx.home, LoadHome());
  setenv("SLUICE_HOME", ctx.home.path.c_str(), 1);
  RegisterBuiltinOperators();
  ASSIGN_OR_RETURN(ctx.store, OpenStore(ctx.home, create_db));
  RETURN_NOT_OK(ExportS3Connection(ctx.home, ctx.store.get()));  // before an s3:// dags folder
  if (read_dags) {
    DagLoadOptions options;
    options.validate_task = ValidateTaskOperator;
    ASSIGN_OR_RETURN(ctx.dags, DagFolder::Open(ctx.home.dags_folder, options));
    RETURN_NOT_OK(ctx.dags->Refresh().status());
    RETURN_NOT_OK(SyncDagFolder(*ctx.store, *ctx.dags, ctx.home.dags_are_paused_at_creation));
  }
  return ctx;
}

Result<std::shared_ptr<const DagSpec>> FindDag(OrchestratorContext& ctx,
                                               const std::string& dag_id) {
  if (auto dag = ctx.dags->FindDag(dag_id)) return dag;
  std::string errors;
  for (const auto& f : ctx.dags->Files()) {
    if (!f.error.ok()) errors += "\n  " + f.error.message();
  }
  return Status::NotFound("no DAG '" + dag_id + "' in " + ctx.home.dags_folder +
                          (errors.empty() ? "" : "; files that failed to load:" + errors));
}

}  // namespace sluice::cli
