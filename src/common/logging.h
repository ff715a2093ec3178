// Structured logging for every component: key=value lines on stderr through spdlog.
// Level from SLUICE_LOG_LEVEL (trace, debug, info, warn, error; default warn for the CLI).
#pragma once

#include <spdlog/spdlog.h>

namespace sluice {

// The process logger; created on first use.
spdlog::logger& Log();

}  // namespace sluice
