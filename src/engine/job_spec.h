// Job specs: the YAML file a data engineer writes to describe one ETL job (inputs, steps,
// outputs), with {{ name }} variables. Loading one yields an unbound JobPlan (engine/plan.h);
// every error names the spec file, line and column.
#pragma once

#include <map>
#include <string>
#include <string_view>

#include "common/status.h"
#include "engine/plan.h"

namespace sluice::engine {

using JobVars = std::map<std::string, std::string>;

// Parses the spec text. `path` is used in messages and to resolve relative input/output paths
// (relative to the working directory, as the CLI user typed them). A {{ name }} that is not in
// `vars` (nor bound by a for_each) is an error naming the variable and its position.
Result<JobPlan> ParseJobSpec(std::string_view text, std::string_view path, const JobVars& vars);

// Reads the spec through the object store (a local path, file:// or s3:// URI), then parses it.
Result<JobPlan> LoadJobSpec(std::string_view uri, const JobVars& vars);

// "name=value" -> {name, value}; the name must be an identifier.
Result<std::pair<std::string, std::string>> ParseVarAssignment(std::string_view text);

}  // namespace sluice::engine
