#include <cstdio>
#include <cstdlib>
#include <string>

#include "cli/commands.h"

namespace sluice::cli {

int Main(int argc, char** argv) {
  CLI::App app{"Sluice: scheduled batch ETL on ephemeral clusters, on one machine or on AWS"};
  app.require_subcommand(1);
  std::string home;
  app.add_option("--home", home, "Sluice home folder (default $SLUICE_HOME or ~/.sluice)");
  int exit_code = 0;
  RegisterVersion(app, &exit_code);
  RegisterDatagen(app, &exit_code);
  RegisterEtl(app, &exit_code);
  RegisterDb(app, &exit_code);
  RegisterDags(app, &exit_code);
  RegisterTasks(app, &exit_code);
  RegisterScheduler(app, &exit_code);
  RegisterClusters(app, &exit_code);
  RegisterServer(app, &exit_code);
  RegisterUsers(app, &exit_code);
  RegisterStorage(app, &exit_code);
  app.parse_complete_callback([&home] {
    // Commands and the child processes they start find the home through the environment.
    if (!home.empty()) setenv("SLUICE_HOME", home.c_str(), 1);
  });
  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    int code = app.exit(e);  // prints help, or the usage error
    return code == 0 ? 0 : 2;  // 2: the command line was wrong (CLI11 has its own codes)
  }
  return exit_code;
}

void RegisterVersion(CLI::App& app, int* exit_code) {
  auto* cmd = app.add_subcommand("version", "Print the version of sluice");
  cmd->callback([exit_code] {
    std::printf("sluice %s\n", SLUICE_VERSION);
    *exit_code = 0;
  });
}

}  // namespace sluice::cli
