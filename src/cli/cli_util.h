// Helpers shared by the subcommands: failing with a message, and printing a table either as
// aligned text or, with --output json, as a JSON array of objects keyed by the columns.
#pragma once

#include <nlohmann/json.hpp>

#include <optional>
#include <string>
#include <vector>

#include "common/status.h"
#include "common/time_util.h"

namespace sluice::cli {

// Prints "sluice: <context>: <message>" on stderr and returns 1.
int Fail(const Status& status, const std::string& context = "");

// Columns are snake_case names; rows hold one JSON value per column.
void PrintTable(const std::vector<std::string>& columns, const std::vector<nlohmann::json>& rows,
                bool json);

// An ISO 8601 time for a table cell, or null.
nlohmann::json TimeOrNull(const std::optional<TimePoint>& t);

// "sluice" plus the global options a child process needs (the binary's own path).
std::vector<std::string> SelfArgv();

}  // namespace sluice::cli
