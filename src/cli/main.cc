// The `sluice` command: parses the command line and runs one subcommand.
// No exception escapes: every failure becomes a message on stderr and a non-zero exit.
#include <malloc.h>

#include <cstdio>
#include <exception>

#include "cli/commands.h"

int main(int argc, char** argv) {
  // The engine frees and reallocates chunk-sized buffers (MiBs) all the time. glibc would
  // hand each to mmap and back, paying page faults and kernel page zeroing on every block;
  // keeping them in the heap lets the next block reuse the same pages.
  mallopt(M_MMAP_THRESHOLD, 256 << 20);
  mallopt(M_TRIM_THRESHOLD, 512 << 20);
  try {
    return sluice::cli::Main(argc, argv);
  } catch (const std::exception& e) {
    std::fprintf(stderr, "sluice: internal error: %s\n", e.what());
  } catch (...) {
    std::fprintf(stderr, "sluice: internal error\n");
  }
  return 70;  // EX_SOFTWARE
}
