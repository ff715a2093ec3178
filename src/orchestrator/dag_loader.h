// Reading DAG files (design.md §8): YAML text to a validated DagSpec. Every error names the
// file, line and column (YAML syntax, unknown keys, bad values, unknown upstream ids, cycles,
// bad schedules, templates that cannot parse). DagFolder (dag_folder.h) applies it to a folder.
#pragma once

#include <functional>
#include <string>
#include <string_view>
#include <vector>

#include "common/status.h"
#include "orchestrator/dag.h"

namespace sluice::orchestrator {

// Checks one task's operator and operator-specific keys: the operator registry's part, so
// the loader does not need to know the operators. Called once the DAG's structure is valid;
// its Status is returned as it is (use TaskSpec::ErrorAt to point at the file).
using TaskValidator = std::function<Status(const TaskSpec&)>;

struct DagLoadOptions {
  TaskValidator validate_task;  // empty: any operator name is accepted
};

// A validator that only accepts the named operators:
// "dags/x.yml:7:15: task 't': unknown operator 'foo' (known: bash, command, empty)".
TaskValidator KnownOperators(std::vector<std::string> names);

// Parses one DAG file's text; `path` names it in messages.
Result<DagSpec> ParseDagFile(std::string_view text, std::string_view path,
                             const DagLoadOptions& options = {});

// Reads a DAG file from a path or URI (through the object store) and parses it.
Result<DagSpec> LoadDagFile(std::string_view uri, const DagLoadOptions& options = {});

}  // namespace sluice::orchestrator
