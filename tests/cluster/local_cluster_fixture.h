// A local cluster service over a fresh SLUICE_HOME, whose supervisors are real
// `sluice clusters agent` processes: what the local service tests drive.
#pragma once

#include <gtest/gtest.h>
#include <signal.h>
#include <stdlib.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <functional>
#include <sstream>
#include <thread>

#include "cluster/local_emr_service.h"
#include "orchestrator/emr_connect.h"
#include "orchestrator/sqlite_store.h"

namespace sluice::cluster::testing {

using Json = nlohmann::json;

class LocalClusterTest : public ::testing::Test {
 protected:
  void SetUp() override {
    std::string pattern = ::testing::TempDir() + "sluice_clusters_XXXXXX";
    home_.path = mkdtemp(pattern.data());
    home_.config_path = home_.path + "/sluice.yml";
    home_.db_path = home_.path + "/sluice.db";
    auto store = orchestrator::SqliteStore::Open(home_.db_path);
    ASSERT_TRUE(store.ok()) << store.status().ToString();
    store_ = std::move(*store);
    ASSERT_TRUE(store_->Init().ok());
    service_ = orchestrator::MakeLocalEmrService(home_, store_.get(), SLUICE_BINARY);
  }

  void TearDown() override {
    // Supervisors still running are told to stop; the record's removal also stops them.
    auto live = store_->ListClusters(ActiveClusterStates());
    if (live.ok()) {
      for (const auto& c : *live) Call("TerminateJobFlows", {{"JobFlowIds", {c.id}}});
      for (const auto& c : *live) WaitFor([&] { return Terminal(c.id); }, 20);
    }
    if (!getenv("KEEP_HOME")) std::filesystem::remove_all(home_.path);
  }

  EmrReply Call(const std::string& op, const Json& request) {
    auto reply = service_->Call(op, request);
    EXPECT_TRUE(reply.ok()) << reply.status().ToString();
    return reply.ok() ? *reply : EmrReply::Error(599, "TransportError", reply.status().message());
  }

  // A RunJobFlow request with CORE instances and the given steps.
  Json ClusterRequest(Json steps = Json::array(), bool keep_alive = true) {
    return Json{{"Name", "test"},
                {"ReleaseLabel", "sluice-local"},
                {"LogUri", "file://" + home_.path + "/logs/"},
                {"Instances",
                 {{"InstanceGroups",
                   {{{"InstanceRole", "MASTER"}, {"InstanceCount", 1}},
                    {{"InstanceRole", "CORE"}, {"InstanceCount", 2}}}},
                  {"KeepJobFlowAliveWhenNoSteps", keep_alive}}},
                {"Steps", steps}};
  }

  static Json Step(const std::string& name, const std::string& script,
                   const std::string& on_failure = "CONTINUE") {
    return Json{{"Name", name},
                {"ActionOnFailure", on_failure},
                {"HadoopJarStep",
                 {{"Jar", "command-runner.jar"}, {"Args", {"bash", "-c", script}}}}};
  }

  std::string RunCluster(const Json& request) {
    EmrReply reply = Call("RunJobFlow", request);
    EXPECT_TRUE(reply.ok()) << reply.body.dump();
    return reply.body.value("JobFlowId", "");
  }

  Json Cluster(const std::string& id) {
    return Call("DescribeCluster", {{"ClusterId", id}}).body["Cluster"];
  }
  std::string ClusterState(const std::string& id) {
    return Cluster(id)["Status"]["State"].get<std::string>();
  }
  Json StepOf(const std::string& cluster_id, const std::string& step_id) {
    return Call("DescribeStep", {{"ClusterId", cluster_id}, {"StepId", step_id}}).body["Step"];
  }
  std::string StepState(const std::string& cluster_id, const std::string& step_id) {
    return StepOf(cluster_id, step_id)["Status"]["State"].get<std::string>();
  }
  bool Terminal(const std::string& id) {
    std::string s = ClusterState(id);
    return s == "TERMINATED" || s == "TERMINATED_WITH_ERRORS";
  }
  std::vector<std::string> StepIds(const std::string& cluster_id) {
    std::vector<std::string> ids;
    EmrReply reply = Call("ListSteps", {{"ClusterId", cluster_id}});
    for (const auto& s : reply.body["Steps"]) {
      ids.insert(ids.begin(), s["Id"].get<std::string>());  // listed newest first
    }
    return ids;
  }

  // Polls until `done` or `seconds` pass; returns whether it became true.
  static bool WaitFor(const std::function<bool()>& done, double seconds) {
    auto deadline = std::chrono::steady_clock::now() + std::chrono::duration<double>(seconds);
    while (std::chrono::steady_clock::now() < deadline) {
      if (done()) return true;
      std::this_thread::sleep_for(std::chrono::milliseconds(50));
    }
    return done();
  }

  static std::string ReadFile(const std::string& path) {
    std::ifstream in(path);
    std::stringstream ss;
    ss << in.rdbuf();
    return ss.str();
  }

  orchestrator::SluiceHome home_;
  std::unique_ptr<orchestrator::SqliteStore> store_;
  std::unique_ptr<LocalEmrService> service_;
};

}  // namespace sluice::cluster::testing
