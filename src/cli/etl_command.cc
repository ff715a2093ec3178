// `sluice etl run JOB.yml --var k=v ...`: runs one job spec with the built-in engine.
#include <cstdio>
#include <map>
#include <string>
#include <vector>

#include "cli/commands.h"
#include "engine/executor.h"
#include "engine/job_spec.h"
#include "orchestrator/connections.h"
#include "orchestrator/home.h"

namespace sluice::cli {

namespace {

struct EtlRunArgs {
  std::string spec;
  std::vector<std::string> vars;
  int threads = 0;
  std::string output = "text";
  bool no_progress = false;
};

Result<engine::JobSummary> RunEtl(const EtlRunArgs& args) {
  // Run by hand, not as a task, nothing has set up s3:// yet: sluice.yml's aws_default does,
  // unless SLUICE_CONN_AWS_DEFAULT is set. Before RunJob, which starts the threads.
  ASSIGN_OR_RETURN(orchestrator::SluiceHome home, orchestrator::LoadHome());
  RETURN_NOT_OK(orchestrator::ExportS3Connection(home, /*store=*/nullptr));
  engine::JobVars vars;
  for (const auto& v : args.vars) {
    ASSIGN_OR_RETURN(auto kv, engine::ParseVarAssignment(v));
    vars[kv.first] = kv.second;
  }
  ASSIGN_OR_RETURN(engine::JobPlan plan, engine::LoadJobSpec(args.spec, vars));
  engine::RunOptions options;
  options.threads = args.threads;
  options.progress = !args.no_progress && args.output == "text";
  return engine::RunJob(plan, options);
}

}  // namespace

void RegisterEtl(CLI::App& app, int* exit_code) {
  auto* etl = app.add_subcommand("etl", "Run ETL jobs with the built-in engine");
  etl->require_subcommand(1);
  auto args = std::make_shared<EtlRunArgs>();
  auto* run = etl->add_subcommand("run", "Run one job spec (YAML) and print a summary");
  run->add_option("spec", args->spec, "The job spec: a path, file:// or s3:// URI")->required();
  run->add_option("--var", args->vars, "A variable for {{ name }} in the spec, as name=value")
      ->type_name("NAME=VALUE");
  run->add_option("--threads", args->threads, "Worker threads (default: all cores)")
      ->check(CLI::NonNegativeNumber);
  run->add_option("--output", args->output, "Summary format")
      ->check(CLI::IsMember({"text", "json"}));
  run->add_flag("--no-progress", args->no_progress, "Do not draw a progress line");
  run->callback([args, exit_code] {
    auto result = RunEtl(*args);
    if (!result.ok()) {
      std::fprintf(stderr, "sluice: etl run failed: %s\n", result.status().message().c_str());
      *exit_code = 1;
      return;
    }
    std::string text =
        args->output == "json" ? engine::SummaryToJson(*result) : engine::FormatSummary(*result);
    std::fputs(text.c_str(), stdout);
    *exit_code = 0;
  });
}

}  // namespace sluice::cli
