// Fixes the columns of a CSV scan: names from the header or the given schema, types,
// projection, and the checks that make a wrong option fail before any data is read.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "common/status.h"
#include "engine/csv_options.h"
#include "engine/csv_parser.h"
#include "engine/types.h"

namespace sluice::engine {

// `header_names` are the header's fields (ignored without options.header). Fills every part
// of the plan except the dictionaries and returns it with the projected schema in *schema.
// Errors name `uri` and the offending column.
Result<CsvParsePlan> PlanCsvColumns(const std::vector<std::string>& header_names,
                                    const CsvReadOptions& options, std::string_view uri,
                                    Schema* schema);

}  // namespace sluice::engine
