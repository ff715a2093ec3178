// The local cluster service with real supervisor processes: EMR's cluster and step state
// machines, ActionOnFailure, cancel, terminate, idle timeout, a dying supervisor, and the
// API's error shapes.
#include <signal.h>

#include "local_cluster_fixture.h"

namespace sluice::cluster::testing {
namespace {

TEST_F(LocalClusterTest, StepsRunInOrderAndTheClusterEndsWhenNotKeptAlive) {
  std::string id = RunCluster(ClusterRequest(
      {Step("one", "echo first; echo to-stderr >&2"), Step("two", "echo threads=$SLUICE_THREADS")},
      /*keep_alive=*/false));
  ASSERT_FALSE(id.empty());
  ASSERT_TRUE(WaitFor([&] { return Terminal(id); }, 20)) << Cluster(id).dump();
  Json cluster = Cluster(id);
  EXPECT_EQ(cluster["Status"]["State"], "TERMINATED");
  EXPECT_EQ(cluster["Status"]["StateChangeReason"]["Code"], "ALL_STEPS_COMPLETED");
  EXPECT_TRUE(cluster["Status"]["Timeline"].contains("EndDateTime"));
  std::vector<std::string> steps = StepIds(id);
  ASSERT_EQ(steps.size(), 2u);
  for (const auto& s : steps) EXPECT_EQ(StepState(id, s), "COMPLETED");
  // The second started after the first ended (concurrency 1).
  EXPECT_GE(StepOf(id, steps[1])["Status"]["Timeline"]["StartDateTime"].get<double>(),
            StepOf(id, steps[0])["Status"]["Timeline"]["EndDateTime"].get<double>());
  std::string logs = home_.path + "/logs/" + id + "/steps/";
  EXPECT_EQ(ReadFile(logs + steps[0] + "/stdout"), "first\n");
  EXPECT_EQ(ReadFile(logs + steps[0] + "/stderr"), "to-stderr\n");
  // Two CORE instances: the step's engine gets two threads.
  EXPECT_EQ(ReadFile(logs + steps[1] + "/stdout"), "threads=2\n");
}

TEST_F(LocalClusterTest, AFailedStepWithTerminateClusterEndsTheClusterWithErrors) {
  std::string id = RunCluster(ClusterRequest(
      {Step("bad", "echo 'the input is missing' >&2; exit 3", "TERMINATE_CLUSTER"),
       Step("never", "echo should not run")}));
  ASSERT_TRUE(WaitFor([&] { return Terminal(id); }, 20));
  Json cluster = Cluster(id);
  EXPECT_EQ(cluster["Status"]["State"], "TERMINATED_WITH_ERRORS");
  EXPECT_EQ(cluster["Status"]["StateChangeReason"]["Code"], "STEP_FAILURE");
  std::vector<std::string> steps = StepIds(id);
  Json failed = StepOf(id, steps[0]);
  EXPECT_EQ(failed["Status"]["State"], "FAILED");
  Json details = failed["Status"]["FailureDetails"];
  EXPECT_EQ(details["Message"], "the input is missing");
  EXPECT_EQ(details["LogFile"], "file://" + home_.path + "/logs/" + id + "/steps/" + steps[0] +
                                    "/stderr");
  EXPECT_EQ(StepState(id, steps[1]), "CANCELLED");
}

TEST_F(LocalClusterTest, CancelAndWaitKeepsTheClusterAndTakesNewSteps) {
  std::string id = RunCluster(ClusterRequest(
      {Step("bad", "exit 1", "CANCEL_AND_WAIT"), Step("skipped", "echo no")}));
  ASSERT_TRUE(WaitFor([&] { return ClusterState(id) == "WAITING"; }, 20));
  std::vector<std::string> steps = StepIds(id);
  EXPECT_EQ(StepState(id, steps[0]), "FAILED");
  EXPECT_EQ(StepState(id, steps[1]), "CANCELLED");
  EmrReply added = Call("AddJobFlowSteps", {{"JobFlowId", id}, {"Steps", {Step("ok", "true")}}});
  ASSERT_TRUE(added.ok()) << added.body.dump();
  std::string step = added.body["StepIds"][0];
  EXPECT_TRUE(WaitFor([&] { return StepState(id, step) == "COMPLETED"; }, 20));
}

TEST_F(LocalClusterTest, TerminateStopsARunningStep) {
  std::string id = RunCluster(ClusterRequest({Step("long", "sleep 60")}));
  std::string step = StepIds(id)[0];
  ASSERT_TRUE(WaitFor([&] { return StepState(id, step) == "RUNNING"; }, 20));
  EXPECT_EQ(ClusterState(id), "RUNNING");
  ASSERT_TRUE(Call("TerminateJobFlows", {{"JobFlowIds", {id}}}).ok());
  ASSERT_TRUE(WaitFor([&] { return Terminal(id); }, 15));
  Json cluster = Cluster(id);
  EXPECT_EQ(cluster["Status"]["State"], "TERMINATED");
  EXPECT_EQ(cluster["Status"]["StateChangeReason"]["Code"], "USER_REQUEST");
  EXPECT_EQ(StepState(id, step), "CANCELLED");
  // A terminated cluster takes no more steps.
  EmrReply refused = Call("AddJobFlowSteps", {{"JobFlowId", id}, {"Steps", {Step("x", "true")}}});
  EXPECT_EQ(refused.http_status, 400);
  EXPECT_EQ(refused.error_type(), "ValidationException");
}

TEST_F(LocalClusterTest, CancelStepsStopsARunningStepAndDropsAPendingOne) {
  std::string id = RunCluster(ClusterRequest({Step("long", "sleep 60"), Step("next", "true")}));
  std::vector<std::string> steps = StepIds(id);
  ASSERT_TRUE(WaitFor([&] { return StepState(id, steps[0]) == "RUNNING"; }, 20));
  EmrReply reply = Call("CancelSteps", {{"ClusterId", id}, {"StepIds", {steps[1], steps[0]}}});
  ASSERT_TRUE(reply.ok());
  EXPECT_EQ(reply.body["CancelStepsInfoList"][0]["Status"], "SUBMITTED");
  EXPECT_EQ(StepState(id, steps[1]), "CANCELLED");
  EXPECT_TRUE(WaitFor([&] { return StepState(id, steps[0]) == "CANCELLED"; }, 15));
  EXPECT_TRUE(WaitFor([&] { return ClusterState(id) == "WAITING"; }, 5));
}

TEST_F(LocalClusterTest, StepConcurrencyLevelRunsStepsSideBySide) {
  Json request = ClusterRequest({Step("a", "sleep 1"), Step("b", "sleep 1")});
  request["StepConcurrencyLevel"] = 2;
  std::string id = RunCluster(request);
  std::vector<std::string> steps = StepIds(id);
  EXPECT_TRUE(WaitFor([&] {
    return StepState(id, steps[0]) == "RUNNING" && StepState(id, steps[1]) == "RUNNING";
  }, 20));
}

TEST_F(LocalClusterTest, AnIdleClusterTerminatesAfterItsIdleTimeout) {
  Json request = ClusterRequest({Step("quick", "true")});
  request["AutoTerminationPolicy"] = {{"IdleTimeout", 1}};
  std::string id = RunCluster(request);
  ASSERT_TRUE(WaitFor([&] { return Terminal(id); }, 20));
  Json status = Cluster(id)["Status"];
  EXPECT_EQ(status["State"], "TERMINATED");
  EXPECT_NE(status["StateChangeReason"]["Message"].get<std::string>().find("IdleTimeout"),
            std::string::npos);
}

TEST_F(LocalClusterTest, ADeadSupervisorEndsItsClusterAndInterruptsItsStep) {
  std::string id = RunCluster(ClusterRequest({Step("long", "echo $$ > pid; sleep 60")}));
  std::string step = StepIds(id)[0];
  ASSERT_TRUE(WaitFor([&] { return StepState(id, step) == "RUNNING"; }, 20));
  auto record = store_->GetCluster(id);
  ASSERT_TRUE(record.ok());
  ASSERT_GT(record->supervisor_pid, 0);
  int step_pid = (*store_->GetStep(id, step)).pid;
  kill(record->supervisor_pid, SIGKILL);
  ASSERT_TRUE(WaitFor([&] { return Terminal(id); }, 10));
  EXPECT_EQ(ClusterState(id), "TERMINATED_WITH_ERRORS");
  EXPECT_EQ(StepState(id, step), "INTERRUPTED");
  // The step's process died with its supervisor.
  EXPECT_TRUE(WaitFor([&] { return kill(step_pid, 0) != 0; }, 5));
}

TEST_F(LocalClusterTest, ErrorsHaveEmrShapes) {
  EmrReply unknown = Call("DescribeCluster", {{"ClusterId", "j-NOSUCHCLUSTER"}});
  EXPECT_EQ(unknown.http_status, 400);
  EXPECT_EQ(unknown.error_type(), "InvalidRequestException");
  EXPECT_NE(unknown.error_message().find("j-NOSUCHCLUSTER"), std::string::npos);
  EmrReply no_name = Call("RunJobFlow", {{"Instances", Json::object()}});
  EXPECT_EQ(no_name.error_type(), "ValidationException");
  Json jar = ClusterRequest({Step("x", "true")});
  jar["Steps"][0]["HadoopJarStep"]["Jar"] = "s3://bucket/app.jar";
  EmrReply bad_jar = Call("RunJobFlow", jar);
  EXPECT_EQ(bad_jar.error_type(), "ValidationException");
  EXPECT_NE(bad_jar.error_message().find("command-runner.jar"), std::string::npos);
  EmrReply op = Call("PutAutoScalingPolicy", Json::object());
  EXPECT_EQ(op.error_type(), "UnknownOperationException");
}

TEST_F(LocalClusterTest, ListsClustersByStateAndDescribesInstanceGroups) {
  std::string id = RunCluster(ClusterRequest());
  ASSERT_TRUE(WaitFor([&] { return ClusterState(id) == "WAITING"; }, 20));
  Json waiting = Call("ListClusters", {{"ClusterStates", {"WAITING"}}}).body["Clusters"];
  ASSERT_EQ(waiting.size(), 1u);
  EXPECT_EQ(waiting[0]["Id"], id);
  EXPECT_TRUE(Call("ListClusters", {{"ClusterStates", {"TERMINATED"}}}).body["Clusters"].empty());
  Json groups = Call("ListInstanceGroups", {{"ClusterId", id}}).body["InstanceGroups"];
  ASSERT_EQ(groups.size(), 2u);
  EXPECT_EQ(groups[1]["InstanceGroupType"], "CORE");
  EXPECT_EQ(groups[1]["RunningInstanceCount"], 2);
  EXPECT_TRUE(Call("ListBootstrapActions", {{"ClusterId", id}}).ok());
}

}  // namespace
}  // namespace sluice::cluster::testing
