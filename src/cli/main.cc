// The `sluice` command: parses the command line and runs one subcommand.
// No exception escapes: every failure becomes a message on stderr and a non-zero exit.
#include <cstdio>
#include <exception>

#include "cli/commands.h"

int main(int argc, char** argv) {
  try {
    return sluice::cli::Main(argc, argv);
  } catch (const std::exception& e) {
    std::fprintf(stderr, "sluice: internal error: %s\n", e.what());
  } catch (...) {
    std::fprintf(stderr, "sluice: internal error\n");
  }
  return 70;  // EX_SOFTWARE
}
