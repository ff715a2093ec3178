#include "cluster/cluster_model.h"

#include <algorithm>
#include <array>
#include <random>
#include <utility>

namespace sluice::cluster {

namespace {

using Json = nlohmann::json;

constexpr std::array<std::pair<ClusterState, std::string_view>, 7> kClusterStates{{
    {ClusterState::kStarting, "STARTING"},
    {ClusterState::kBootstrapping, "BOOTSTRAPPING"},
    {ClusterState::kRunning, "RUNNING"},
    {ClusterState::kWaiting, "WAITING"},
    {ClusterState::kTerminating, "TERMINATING"},
    {ClusterState::kTerminated, "TERMINATED"},
    {ClusterState::kTerminatedWithErrors, "TERMINATED_WITH_ERRORS"},
}};

constexpr std::array<std::pair<StepState, std::string_view>, 7> kStepStates{{
    {StepState::kPending, "PENDING"},
    {StepState::kCancelPending, "CANCEL_PENDING"},
    {StepState::kRunning, "RUNNING"},
    {StepState::kCompleted, "COMPLETED"},
    {StepState::kCancelled, "CANCELLED"},
    {StepState::kFailed, "FAILED"},
    {StepState::kInterrupted, "INTERRUPTED"},
}};

constexpr std::array<std::pair<ActionOnFailure, std::string_view>, 3> kActions{{
    {ActionOnFailure::kTerminateCluster, "TERMINATE_CLUSTER"},
    {ActionOnFailure::kCancelAndWait, "CANCEL_AND_WAIT"},
    {ActionOnFailure::kContinue, "CONTINUE"},
}};

template <typename E, size_t N>
std::string_view NameOf(const std::array<std::pair<E, std::string_view>, N>& table, E value) {
  for (const auto& [e, name] : table) {
    if (e == value) return name;
  }
  return "UNKNOWN";
}

template <typename E, size_t N>
Result<E> Parse(const std::array<std::pair<E, std::string_view>, N>& table, std::string_view text,
                std::string_view what) {
  std::string expected;
  for (const auto& [e, name] : table) {
    if (name == text) return e;
    expected += (expected.empty() ? "" : ", ") + std::string(name);
  }
  return Status::InvalidArgument("'" + std::string(text) + "' is not a " + std::string(what) +
                                 " (expected one of " + expected + ")");
}

Json TimeJson(const std::optional<TimePoint>& t) {
  return t ? Json(t->time_since_epoch().count()) : Json(nullptr);
}

std::optional<TimePoint> TimeFrom(const Json& doc, const char* key) {
  if (!doc.contains(key) || !doc[key].is_number_integer()) return std::nullopt;
  return TimePoint(Micros(doc[key].get<int64_t>()));
}

Json OptText(const std::optional<std::string>& s) { return s ? Json(*s) : Json(nullptr); }

std::optional<std::string> TextFrom(const Json& doc, const char* key) {
  if (!doc.contains(key) || !doc[key].is_string()) return std::nullopt;
  return doc[key].get<std::string>();
}

// A member of the RunJobFlow request, or null.
const Json& Member(const Json& doc, std::initializer_list<const char*> path) {
  static const Json kNull;
  const Json* node = &doc;
  for (const char* key : path) {
    if (!node->is_object() || !node->contains(key)) return kNull;
    node = &(*node)[key];
  }
  return *node;
}

std::string NewId(char prefix) {
  static constexpr std::string_view kAlphabet = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ";
  thread_local std::mt19937_64 rng{std::random_device{}()};
  std::string id{prefix, '-'};
  for (int i = 0; i < 13; ++i) id += kAlphabet[rng() % kAlphabet.size()];
  return id;
}

}  // namespace

std::string_view ToString(ClusterState state) { return NameOf(kClusterStates, state); }
Result<ClusterState> ParseClusterState(std::string_view text) {
  return Parse(kClusterStates, text, "cluster state");
}
bool IsTerminal(ClusterState state) {
  return state == ClusterState::kTerminated || state == ClusterState::kTerminatedWithErrors;
}
const std::vector<ClusterState>& ActiveClusterStates() {
  static const std::vector<ClusterState> kActive{ClusterState::kStarting,
                                                 ClusterState::kBootstrapping,
                                                 ClusterState::kRunning, ClusterState::kWaiting};
  return kActive;
}

std::string_view ToString(StepState state) { return NameOf(kStepStates, state); }
Result<StepState> ParseStepState(std::string_view text) {
  return Parse(kStepStates, text, "step state");
}
bool IsTerminal(StepState state) {
  return state == StepState::kCompleted || state == StepState::kCancelled ||
         state == StepState::kFailed || state == StepState::kInterrupted;
}

std::string_view ToString(ActionOnFailure action) { return NameOf(kActions, action); }
Result<ActionOnFailure> ParseActionOnFailure(std::string_view text) {
  if (text == "TERMINATE_JOB_FLOW") return ActionOnFailure::kTerminateCluster;
  return Parse(kActions, text, "ActionOnFailure");
}

int ClusterRecord::CoreInstanceCount() const {
  const Json& groups = Member(request, {"Instances", "InstanceGroups"});
  if (groups.is_array()) {
    int count = 0;
    for (const Json& g : groups) {
      if (g.value("InstanceRole", "") == "CORE") count += g.value("InstanceCount", 0);
    }
    return std::max(count, 1);
  }
  // The uniform form: InstanceCount counts the master too.
  const Json& total = Member(request, {"Instances", "InstanceCount"});
  return total.is_number_integer() ? std::max(total.get<int>() - 1, 1) : 1;
}

int ClusterRecord::StepConcurrencyLevel() const {
  const Json& level = Member(request, {"StepConcurrencyLevel"});
  return level.is_number_integer() ? std::max(level.get<int>(), 1) : 1;
}

bool ClusterRecord::KeepAliveWhenNoSteps() const {
  const Json& keep = Member(request, {"Instances", "KeepJobFlowAliveWhenNoSteps"});
  return keep.is_boolean() && keep.get<bool>();
}

std::optional<int64_t> ClusterRecord::IdleTimeoutSeconds() const {
  const Json& idle = Member(request, {"AutoTerminationPolicy", "IdleTimeout"});
  if (!idle.is_number()) return std::nullopt;
  return idle.get<int64_t>();
}

std::vector<std::string> StepRecord::Args() const {
  std::vector<std::string> args;
  if (config.contains("Args") && config["Args"].is_array()) {
    for (const Json& a : config["Args"]) args.push_back(a.is_string() ? a.get<std::string>()
                                                                      : a.dump());
  }
  return args;
}

Json ToJson(const ClusterRecord& c) {
  return Json{{"id", c.id},
              {"name", c.name},
              {"state", ToString(c.state)},
              {"reason_code", c.reason.code},
              {"reason_message", c.reason.message},
              {"created_at", c.created_at.time_since_epoch().count()},
              {"ready_at", TimeJson(c.ready_at)},
              {"ended_at", TimeJson(c.ended_at)},
              {"request", c.request},
              {"log_uri", c.log_uri},
              {"work_dir", c.work_dir},
              {"supervisor_pid", c.supervisor_pid},
              {"supervisor_start_ticks", c.supervisor_start_ticks},
              {"heartbeat_at", TimeJson(c.heartbeat_at)},
              {"terminate_requested", c.terminate_requested},
              {"idle_since", TimeJson(c.idle_since)}};
}

Result<ClusterRecord> ClusterFromJson(const Json& doc) {
  ClusterRecord c;
  try {
    c.id = doc.at("id").get<std::string>();
    c.name = doc.value("name", "");
    ASSIGN_OR_RETURN(c.state, ParseClusterState(doc.at("state").get<std::string>()));
    c.reason = {doc.value("reason_code", ""), doc.value("reason_message", "")};
    c.created_at = TimePoint(Micros(doc.at("created_at").get<int64_t>()));
    c.ready_at = TimeFrom(doc, "ready_at");
    c.ended_at = TimeFrom(doc, "ended_at");
    c.request = doc.value("request", Json::object());
    c.log_uri = doc.value("log_uri", "");
    c.work_dir = doc.value("work_dir", "");
    c.supervisor_pid = doc.value("supervisor_pid", 0);
    c.supervisor_start_ticks = doc.value("supervisor_start_ticks", int64_t{0});
    c.heartbeat_at = TimeFrom(doc, "heartbeat_at");
    c.terminate_requested = doc.value("terminate_requested", false);
    c.idle_since = TimeFrom(doc, "idle_since");
  } catch (const Json::exception& e) {
    return Status::ParseError(std::string("stored cluster record is malformed: ") + e.what());
  }
  return c;
}

Json ToJson(const StepRecord& s) {
  return Json{{"cluster_id", s.cluster_id},
              {"id", s.id},
              {"seq", s.seq},
              {"name", s.name},
              {"action_on_failure", ToString(s.action_on_failure)},
              {"config", s.config},
              {"state", ToString(s.state)},
              {"reason_code", s.reason.code},
              {"reason_message", s.reason.message},
              {"failure_reason", OptText(s.failure_reason)},
              {"failure_message", OptText(s.failure_message)},
              {"failure_log_file", OptText(s.failure_log_file)},
              {"created_at", s.created_at.time_since_epoch().count()},
              {"started_at", TimeJson(s.started_at)},
              {"ended_at", TimeJson(s.ended_at)},
              {"pid", s.pid},
              {"exit_code", s.exit_code ? Json(*s.exit_code) : Json(nullptr)}};
}

Result<StepRecord> StepFromJson(const Json& doc) {
  StepRecord s;
  try {
    s.cluster_id = doc.at("cluster_id").get<std::string>();
    s.id = doc.at("id").get<std::string>();
    s.seq = doc.value("seq", int64_t{0});
    s.name = doc.value("name", "");
    ASSIGN_OR_RETURN(s.action_on_failure,
                     ParseActionOnFailure(doc.value("action_on_failure", "CONTINUE")));
    s.config = doc.value("config", Json::object());
    ASSIGN_OR_RETURN(s.state, ParseStepState(doc.at("state").get<std::string>()));
    s.reason = {doc.value("reason_code", ""), doc.value("reason_message", "")};
    s.failure_reason = TextFrom(doc, "failure_reason");
    s.failure_message = TextFrom(doc, "failure_message");
    s.failure_log_file = TextFrom(doc, "failure_log_file");
    s.created_at = TimePoint(Micros(doc.at("created_at").get<int64_t>()));
    s.started_at = TimeFrom(doc, "started_at");
    s.ended_at = TimeFrom(doc, "ended_at");
    s.pid = doc.value("pid", 0);
    if (doc.contains("exit_code") && doc["exit_code"].is_number_integer()) {
      s.exit_code = doc["exit_code"].get<int>();
    }
  } catch (const Json::exception& e) {
    return Status::ParseError(std::string("stored step record is malformed: ") + e.what());
  }
  return s;
}

std::string NewClusterId() { return NewId('j'); }
std::string NewStepId() { return NewId('s'); }

}  // namespace sluice::cluster
