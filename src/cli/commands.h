// The subcommands of `sluice` (design.md §9) and the entry point that dispatches to them.
#pragma once

#include <CLI/CLI.hpp>

namespace sluice::cli {

// Parses argv, runs the chosen subcommand, returns the process exit status.
int Main(int argc, char** argv);

// Each Register* adds one command group to the app; the callback it installs stores the
// exit status in *exit_code.
void RegisterVersion(CLI::App& app, int* exit_code);
void RegisterDatagen(CLI::App& app, int* exit_code);
void RegisterEtl(CLI::App& app, int* exit_code);
void RegisterDb(CLI::App& app, int* exit_code);
void RegisterDags(CLI::App& app, int* exit_code);
void RegisterTasks(CLI::App& app, int* exit_code);
void RegisterScheduler(CLI::App& app, int* exit_code);
void RegisterClusters(CLI::App& app, int* exit_code);
void RegisterServer(CLI::App& app, int* exit_code);  // server and standalone
void RegisterUsers(CLI::App& app, int* exit_code);
void RegisterStorage(CLI::App& app, int* exit_code);

}  // namespace sluice::cli
