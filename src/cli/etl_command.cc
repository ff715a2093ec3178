#include "cli/commands.h"

namespace sluice::cli {
void RegisterEtl(CLI::App& app, int* exit_code) {}
void RegisterDatagen(CLI::App& app, int* exit_code) {}
}  // namespace sluice::cli
