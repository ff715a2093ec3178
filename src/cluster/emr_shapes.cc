#include "cluster/emr_shapes.h"

#include "storage/object_store.h"

namespace sluice::cluster {

namespace {

using Json = nlohmann::json;

Json EpochSeconds(TimePoint t) {
  return static_cast<double>(t.time_since_epoch().count()) / 1e6;
}

void PutTime(Json* obj, const char* key, const std::optional<TimePoint>& t) {
  if (t) (*obj)[key] = EpochSeconds(*t);
}

Json ReasonShape(const StateReason& reason) {
  Json out = Json::object();
  if (!reason.code.empty()) out["Code"] = reason.code;
  if (!reason.message.empty()) out["Message"] = reason.message;
  return out;
}

Json ClusterStatusShape(const ClusterRecord& c) {
  Json timeline{{"CreationDateTime", EpochSeconds(c.created_at)}};
  PutTime(&timeline, "ReadyDateTime", c.ready_at);
  PutTime(&timeline, "EndDateTime", c.ended_at);
  return Json{{"State", ToString(c.state)},
              {"StateChangeReason", ReasonShape(c.reason)},
              {"Timeline", timeline}};
}

Json RequestMember(const ClusterRecord& c, const char* key, Json fallback) {
  return c.request.contains(key) ? c.request[key] : fallback;
}

// Running instances: the whole cluster while it lives, none once it has ended.
int Running(const ClusterRecord& c, int requested) {
  return (IsTerminal(c.state) || c.state == ClusterState::kStarting) ? 0 : requested;
}

Json StepStatusShape(const StepRecord& s) {
  Json timeline{{"CreationDateTime", EpochSeconds(s.created_at)}};
  PutTime(&timeline, "StartDateTime", s.started_at);
  PutTime(&timeline, "EndDateTime", s.ended_at);
  Json status{{"State", ToString(s.state)},
              {"StateChangeReason", ReasonShape(s.reason)},
              {"Timeline", timeline}};
  if (s.failure_reason || s.failure_message || s.failure_log_file) {
    Json details = Json::object();
    if (s.failure_reason) details["Reason"] = *s.failure_reason;
    if (s.failure_message) details["Message"] = *s.failure_message;
    if (s.failure_log_file) details["LogFile"] = *s.failure_log_file;
    status["FailureDetails"] = details;
  }
  return status;
}

Json StepConfigShape(const StepRecord& s) {
  return Json{{"Jar", s.config.value("Jar", "command-runner.jar")},
              {"Properties", s.config.value("Properties", Json::object())},
              {"Args", s.Args()}};
}

}  // namespace

Json ClusterArn(const std::string& cluster_id) {
  return "arn:aws:elasticmapreduce:us-east-1:000000000000:cluster/" + cluster_id;
}

Json DescribeClusterShape(const ClusterRecord& c) {
  Json out{{"Id", c.id},
           {"Name", c.name},
           {"Status", ClusterStatusShape(c)},
           {"ClusterArn", ClusterArn(c.id)},
           {"Ec2InstanceAttributes", Json::object()},
           {"InstanceCollectionType", "INSTANCE_GROUP"},
           {"ReleaseLabel", RequestMember(c, "ReleaseLabel", "sluice-local")},
           {"AutoTerminate", !c.KeepAliveWhenNoSteps()},
           {"TerminationProtected", false},
           {"VisibleToAllUsers", RequestMember(c, "VisibleToAllUsers", true)},
           {"Applications", RequestMember(c, "Applications", Json::array())},
           {"Tags", RequestMember(c, "Tags", Json::array())},
           {"Configurations", RequestMember(c, "Configurations", Json::array())},
           {"NormalizedInstanceHours", 0},
           {"MasterPublicDnsName", "localhost"},
           {"StepConcurrencyLevel", c.StepConcurrencyLevel()}};
  if (!c.log_uri.empty()) out["LogUri"] = c.log_uri;
  if (c.request.contains("ServiceRole")) out["ServiceRole"] = c.request["ServiceRole"];
  if (auto idle = c.IdleTimeoutSeconds()) out["AutoTerminationPolicy"] = {{"IdleTimeout", *idle}};
  return out;
}

Json ClusterSummaryShape(const ClusterRecord& c) {
  return Json{{"Id", c.id},
              {"Name", c.name},
              {"Status", ClusterStatusShape(c)},
              {"NormalizedInstanceHours", 0},
              {"ClusterArn", ClusterArn(c.id)}};
}

Json StepShape(const StepRecord& s) {
  return Json{{"Id", s.id},
              {"Name", s.name},
              {"Config", StepConfigShape(s)},
              {"ActionOnFailure", ToString(s.action_on_failure)},
              {"Status", StepStatusShape(s)}};
}

Json StepSummaryShape(const StepRecord& s) { return StepShape(s); }

Json InstanceGroupsShape(const ClusterRecord& c) {
  Json groups = Json::array();
  const Json& instances = c.request.value("Instances", Json::object());
  auto add = [&](const std::string& role, int count, const Json& source) {
    groups.push_back({{"Id", "ig-" + c.id.substr(2) + std::to_string(groups.size())},
                      {"Name", source.value("Name", role)},
                      {"Market", source.value("Market", "ON_DEMAND")},
                      {"InstanceGroupType", role},
                      {"InstanceType", source.value("InstanceType", "local")},
                      {"RequestedInstanceCount", count},
                      {"RunningInstanceCount", Running(c, count)},
                      {"Status", {{"State", IsTerminal(c.state) ? "TERMINATED" : "RUNNING"}}}});
  };
  if (instances.contains("InstanceGroups") && instances["InstanceGroups"].is_array()) {
    for (const Json& g : instances["InstanceGroups"]) {
      add(g.value("InstanceRole", "CORE"), g.value("InstanceCount", 1), g);
    }
  } else {
    add("MASTER", 1, Json{{"InstanceType", instances.value("MasterInstanceType", "local")}});
    int cores = instances.value("InstanceCount", 1) - 1;
    if (cores > 0) {
      add("CORE", cores, Json{{"InstanceType", instances.value("SlaveInstanceType", "local")}});
    }
  }
  return groups;
}

Json BootstrapActionsShape(const ClusterRecord& c) {
  Json out = Json::array();
  for (const Json& action : c.request.value("BootstrapActions", Json::array())) {
    const Json& script = action.value("ScriptBootstrapAction", Json::object());
    out.push_back({{"Name", action.value("Name", "")},
                   {"ScriptPath", script.value("Path", "")},
                   {"Args", script.value("Args", Json::array())}});
  }
  return out;
}

std::string StepLogFolder(const ClusterRecord& c, const std::string& step_id) {
  if (c.log_uri.empty()) return "";
  return storage::JoinUri(storage::JoinUri(c.log_uri, c.id), "steps/" + step_id + "/");
}

}  // namespace sluice::cluster
