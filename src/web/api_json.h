// The REST API's JSON shapes for the metadata DB's rows (private to src/web), by Airflow's
// stable REST API v1 field names; src/web/API.md shows each one.
#pragma once

#include <nlohmann/json.hpp>
#include <string>

#include "orchestrator/dag.h"
#include "orchestrator/metadata_models.h"

namespace sluice::web::api {

// The opaque id of a DAG file's location (base64url), and back (nullopt when malformed).
std::string FileToken(const std::string& fileloc);
std::optional<std::string> FilelocOf(const std::string& file_token);

// "At 00:00, every day" for the schedule as written ("@daily", a cron, or none).
std::string TimetableDescription(const std::optional<std::string>& schedule);

nlohmann::json DagJson(const orchestrator::DagModel& dag);
nlohmann::json DagRunJson(const orchestrator::DagRunModel& run);
// `task` (may be null) adds what only the DAG file knows: the pool.
nlohmann::json TaskInstanceJson(const orchestrator::TaskInstanceModel& ti,
                                const orchestrator::DagRunModel& run,
                                const orchestrator::TaskSpec* task);
nlohmann::json TaskJson(const orchestrator::TaskSpec& task, int order);
nlohmann::json XComJson(const orchestrator::XComModel& xcom, const orchestrator::DagRunModel& run);

}  // namespace sluice::web::api
