#include "cli/orchestrator_context.h"

#include <cstdlib>

#include "orchestrator/dag_test.h"
#include "orchestrator/task_operator.h"

namespace sluice::cli {

using namespace orchestrator;

namespace {

// Records what the folder holds: DAGs, and an import error per file that does not load.
Status SyncFolder(OrchestratorContext& ctx) {
  std::vector<std::string> files;
  for (const auto& f : ctx.dags->Files()) {
    files.push_back(f.path);
    if (!f.error.ok()) {
      RETURN_NOT_OK(ctx.store->SetImportError({f.path, f.error.message(), Now()}));
      continue;
    }
    RETURN_NOT_OK(ctx.store->ClearImportError(f.path));
    RETURN_NOT_OK(SyncDag(*ctx.store, *f.dag));
  }
  RETURN_NOT_OK(ctx.store->ClearImportErrorsExcept(files));
  return ctx.store->MarkDagsInactiveExcept(files).status();
}

}  // namespace

Result<OrchestratorContext> OpenContext(bool create_db, bool read_dags) {
  OrchestratorContext ctx;
  ASSIGN_OR_RETURN(ctx.home, LoadHome());
  setenv("SLUICE_HOME", ctx.home.path.c_str(), 1);
  RegisterBuiltinOperators();
  ASSIGN_OR_RETURN(ctx.store, OpenStore(ctx.home, create_db));
  if (read_dags) {
    DagLoadOptions options;
    options.validate_task = ValidateTaskOperator;
    ASSIGN_OR_RETURN(ctx.dags, DagFolder::Open(ctx.home.dags_folder, options));
    RETURN_NOT_OK(ctx.dags->Refresh().status());
    RETURN_NOT_OK(SyncFolder(ctx));
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
