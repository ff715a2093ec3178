// EmrClient over a scripted in-memory EMR: retries and backoff, throttling, errors a user can
// act on, paging, and a RunJobFlow that finds the cluster a lost answer created.
#include "cluster/emr_client.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <deque>
#include <functional>
#include <map>

namespace sluice::cluster {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;
using Json = nlohmann::json;

// A tiny EMR: RunJobFlow, ListClusters (2 per page), DescribeCluster. Failures can be queued
// per operation; a queued "lost" failure lets the operation happen, then loses the answer.
class FakeEmr : public EmrApi {
 public:
  Result<EmrReply> Call(std::string_view operation, const Json& request) override {
    std::string op(operation);
    calls.emplace_back(op, request);
    auto& queue = failures[op];
    if (!queue.empty()) {
      Result<EmrReply> failure = queue.front();
      queue.pop_front();
      if (!lost_answer(failure)) return failure;
      static_cast<void>(Handle(op, request));  // the work happens; its answer is lost
      return Status::IoError("POST http://fake/: Connection reset by peer");
    }
    return Handle(op, request);
  }

  int Count(const std::string& op) const {
    return static_cast<int>(std::count_if(calls.begin(), calls.end(),
                                          [&](const auto& call) { return call.first == op; }));
  }
  void AddCluster(const std::string& id, const std::string& name, const std::string& state,
                  Json tags) {
    clusters[id] = {{"Id", id}, {"Name", name}, {"Status", {{"State", state}}}, {"Tags", tags}};
  }

  static Result<EmrReply> Lost() { return Status::Cancelled("lost"); }

  std::map<std::string, std::deque<Result<EmrReply>>> failures;
  std::function<Result<EmrReply>(const std::string&, const Json&)> handler;
  std::vector<std::pair<std::string, Json>> calls;
  std::map<std::string, Json> clusters;

 private:
  static bool lost_answer(const Result<EmrReply>& r) {
    return !r.ok() && r.status().code() == StatusCode::kCancelled;
  }

  Result<EmrReply> Handle(const std::string& op, const Json& request) {
    if (handler) return handler(op, request);
    if (op == "RunJobFlow") {
      std::string id = "j-" + std::to_string(clusters.size() + 1);
      AddCluster(id, request["Name"], "STARTING", request.value("Tags", Json::array()));
      return EmrReply::Ok({{"JobFlowId", id}});
    }
    if (op == "DescribeCluster") {
      auto it = clusters.find(request["ClusterId"]);
      if (it == clusters.end()) {
        return EmrReply::Error(
            400, "InvalidRequestException",
            "Cluster id '" + request["ClusterId"].get<std::string>() + "' is not valid.");
      }
      return EmrReply::Ok({{"Cluster", it->second}});
    }
    if (op == "ListClusters") return ListPage(request);
    return EmrReply::Ok(Json::object());
  }

  Result<EmrReply> ListPage(const Json& request) {
    std::vector<Json> matching;
    for (const auto& [id, cluster] : clusters) {
      Json states = request.value("ClusterStates", Json::array());
      bool wanted = states.empty() || std::find(states.begin(), states.end(),
                                                cluster["Status"]["State"]) != states.end();
      if (wanted)
        matching.push_back({{"Id", id}, {"Name", cluster["Name"]}, {"Status", cluster["Status"]}});
    }
    size_t start =
        request.contains("Marker") ? std::stoul(request["Marker"].get<std::string>()) : 0;
    Json page = {{"Clusters", Json::array()}};
    for (size_t i = start; i < matching.size() && i < start + 2; ++i)
      page["Clusters"].push_back(matching[i]);
    if (start + 2 < matching.size()) page["Marker"] = std::to_string(start + 2);
    return EmrReply::Ok(page);
  }
};

class EmrClientTest : public ::testing::Test {
 protected:
  EmrClient Client() {
    EmrClientOptions options;
    options.endpoint = "http://emr.test";
    options.credentials_source = "profile sluice in /home/me/aws-credentials";
    options.backoff = {3, std::chrono::milliseconds(1), std::chrono::milliseconds(2)};
    return EmrClient(fake_, options);
  }
  void Fail(const std::string& op, int times, Result<EmrReply> failure) {
    for (int i = 0; i < times; ++i) fake_->failures[op].push_back(failure);
  }

  std::shared_ptr<FakeEmr> fake_ = std::make_shared<FakeEmr>();
};

Result<EmrReply> Throttled() {
  return EmrReply::Error(400, "ThrottlingException", "Rate exceeded");
}
Result<EmrReply> ServerError() { return EmrReply::Error(500, "InternalServerError", "oops"); }
Result<EmrReply> Dropped() { return Status::IoError("POST http://emr.test/: Connection refused"); }

TEST_F(EmrClientTest, ThrottlingIsRetried) {
  fake_->AddCluster("j-1", "c", "WAITING", Json::array());
  Fail("DescribeCluster", 2, Throttled());
  Result<Json> cluster = Client().DescribeCluster("j-1");
  ASSERT_TRUE(cluster.ok()) << cluster.status().ToString();
  EXPECT_EQ((*cluster)["Id"], "j-1");
  EXPECT_EQ(fake_->Count("DescribeCluster"), 3);
}

TEST_F(EmrClientTest, EveryThrottlingNameAnd429AreRetried) {
  for (const char* type :
       {"ThrottledException", "RequestLimitExceeded", "TooManyRequestsException"}) {
    Fail("ListClusters", 1, EmrReply::Error(400, type, "slow down"));
  }
  Fail("ListClusters", 1, EmrReply::Error(429, "", ""));
  EmrClientOptions options;
  options.backoff = {5, std::chrono::milliseconds(1), std::chrono::milliseconds(1)};
  Result<std::vector<Json>> clusters = EmrClient(fake_, options).ListClusters();
  ASSERT_TRUE(clusters.ok()) << clusters.status().ToString();
  EXPECT_EQ(fake_->Count("ListClusters"), 5);
}

TEST_F(EmrClientTest, ServerErrorsAndDroppedConnectionsAreRetried) {
  Fail("ListClusters", 1, ServerError());
  Fail("ListClusters", 1, Dropped());
  ASSERT_TRUE(Client().ListClusters().ok());
  EXPECT_EQ(fake_->Count("ListClusters"), 3);
}

TEST_F(EmrClientTest, GivesUpAfterTheLastAttempt) {
  Fail("ListClusters", 5, EmrReply::Error(503, "ServiceUnavailable", "down for maintenance"));
  Result<std::vector<Json>> clusters = Client().ListClusters();
  ASSERT_FALSE(clusters.ok());
  EXPECT_EQ(fake_->Count("ListClusters"), 3);
  EXPECT_EQ(clusters.status().code(), StatusCode::kIoError);
  EXPECT_EQ(clusters.status().message(),
            "EMR ListClusters at http://emr.test: ServiceUnavailable: down for maintenance "
            "(after 3 attempts)");
  EXPECT_EQ(EmrErrorType(clusters.status()), "ServiceUnavailable");
}

TEST_F(EmrClientTest, RequestErrorsAreNotRetried) {
  Fail("TerminateJobFlows", 1, EmrReply::Error(400, "ValidationException", "JobFlowIds is empty"));
  Status status = Client().TerminateJobFlows({});
  EXPECT_EQ(status.code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(fake_->Count("TerminateJobFlows"), 1);
  EXPECT_EQ(EmrErrorType(status), "ValidationException");
}

TEST_F(EmrClientTest, UnknownClusterIsNotFoundWithItsType) {
  Result<Json> cluster = Client().DescribeCluster("j-NOPE");
  ASSERT_FALSE(cluster.ok());
  EXPECT_EQ(cluster.status().code(), StatusCode::kNotFound);
  EXPECT_EQ(cluster.status().message(),
            "EMR DescribeCluster at http://emr.test: InvalidRequestException: Cluster id 'j-NOPE' "
            "is not valid.");
  EXPECT_EQ(EmrErrorType(cluster.status().WithContext("task create_cluster")),
            "InvalidRequestException");
}

TEST_F(EmrClientTest, ErrorTypeIsFoundWhateverTheEndpointIsCalled) {
  EmrClientOptions options;
  options.endpoint = "the local cluster service (connection emr_default)";
  options.backoff = {1, std::chrono::milliseconds(0), std::chrono::milliseconds(0)};
  EmrClient client(fake_, options);
  Status missing = client.DescribeCluster("j-X").status();
  EXPECT_EQ(EmrErrorType(missing), "InvalidRequestException") << missing.ToString();
  Fail("DescribeCluster", 1, Dropped());
  Status dropped = client.DescribeCluster("j-X").status();
  EXPECT_EQ(EmrErrorType(dropped), "") << dropped.ToString();
  EXPECT_EQ(EmrErrorType(Status::IoError("EMR is down: Type: x")), "");
  EXPECT_EQ(EmrErrorType(Status::OK()), "");
}

TEST_F(EmrClientTest, TransportFailuresHaveNoEmrType) {
  Fail("DescribeStep", 3, Dropped());
  Result<Json> step = Client().DescribeStep("j-1", "s-1");
  ASSERT_FALSE(step.ok());
  EXPECT_EQ(step.status().code(), StatusCode::kIoError);
  EXPECT_THAT(step.status().message(), HasSubstr("EMR DescribeStep at http://emr.test failed: "));
  EXPECT_THAT(step.status().message(), HasSubstr("Connection refused"));
  EXPECT_EQ(EmrErrorType(step.status()), "");
}

TEST_F(EmrClientTest, SignatureErrorsHintAtTheSecretAndAreNotRetried) {
  Fail("ListClusters", 1, EmrReply::Error(403, "SignatureDoesNotMatch", "The request signature"));
  Result<std::vector<Json>> clusters = Client().ListClusters();
  ASSERT_FALSE(clusters.ok());
  EXPECT_EQ(fake_->Count("ListClusters"), 1);
  EXPECT_EQ(EmrErrorType(clusters.status()), "SignatureDoesNotMatch");
  EXPECT_THAT(
      clusters.status().message(),
      HasSubstr("check the secret access key of profile sluice in /home/me/aws-credentials"));
  EXPECT_THAT(clusters.status().message(), HasSubstr("$SLUICE_HOME/aws-credentials"));
}

TEST_F(EmrClientTest, UnknownKeyHintsAtTheAccessKey) {
  Fail("ListClusters", 1, EmrReply::Error(400, "UnrecognizedClientException", "invalid token"));
  Result<std::vector<Json>> clusters = Client().ListClusters();
  ASSERT_FALSE(clusters.ok());
  EXPECT_EQ(clusters.status().code(), StatusCode::kInvalidArgument);
  EXPECT_THAT(clusters.status().message(), HasSubstr("does not know the access key id"));
}

TEST_F(EmrClientTest, ListClustersReadsEveryPage) {
  for (int i = 1; i <= 5; ++i) fake_->AddCluster("j-" + std::to_string(i), "c", "WAITING", {});
  fake_->AddCluster("j-9", "c", "TERMINATED", {});
  Result<std::vector<Json>> clusters = Client().ListClusters({"WAITING"});
  ASSERT_TRUE(clusters.ok());
  EXPECT_EQ(clusters->size(), 5u);
  ASSERT_EQ(fake_->Count("ListClusters"), 3);
  EXPECT_FALSE(fake_->calls[0].second.contains("Marker"));
  EXPECT_EQ(fake_->calls[1].second["Marker"], "2");
  EXPECT_EQ(fake_->calls[2].second["ClusterStates"], Json::array({"WAITING"}));
}

TEST_F(EmrClientTest, ListStepsReadsEveryPageAndPassesStates) {
  fake_->handler = [](const std::string& op, const Json& request) -> Result<EmrReply> {
    if (!request.contains("Marker"))
      return EmrReply::Ok({{"Steps", {{{"Id", "s-1"}}}}, {"Marker", "m"}});
    return EmrReply::Ok({{"Steps", {{{"Id", "s-2"}}}}});
  };
  Result<std::vector<Json>> steps = Client().ListSteps("j-1", {"RUNNING", "PENDING"});
  ASSERT_TRUE(steps.ok());
  ASSERT_EQ(steps->size(), 2u);
  EXPECT_EQ((*steps)[1]["Id"], "s-2");
  EXPECT_EQ(fake_->calls[1].second["ClusterId"], "j-1");
  EXPECT_EQ(fake_->calls[1].second["StepStates"], Json::array({"RUNNING", "PENDING"}));
}

TEST_F(EmrClientTest, ARepeatedMarkerStopsPaging) {
  fake_->handler = [](const std::string&, const Json&) -> Result<EmrReply> {
    return EmrReply::Ok({{"Clusters", Json::array()}, {"Marker", "same"}});
  };
  Result<std::vector<Json>> clusters = Client().ListClusters();
  ASSERT_FALSE(clusters.ok());
  EXPECT_EQ(fake_->Count("ListClusters"), 2);
}

TEST_F(EmrClientTest, RunJobFlowTagsTheClusterWithTheClientToken) {
  Json request = {
      {"Name", "salary"},
      {"Tags",
       {{{"Key", "team"}, {"Value", "data"}}, {{"Key", "sluice:client-token"}, {"Value", "old"}}}}};
  Result<std::string> id = Client().RunJobFlow(request, "run-1/create_cluster");
  ASSERT_TRUE(id.ok()) << id.status().ToString();
  Json tags = fake_->clusters[*id]["Tags"];
  EXPECT_EQ(tags, Json::parse(R"([{"Key":"team","Value":"data"},
                                 {"Key":"sluice:client-token","Value":"run-1/create_cluster"}])"));
}

TEST_F(EmrClientTest, RunJobFlowFindsTheClusterALostAnswerCreated) {
  fake_->AddCluster("j-other", "salary", "WAITING",
                    Json::parse(R"([{"Key":"sluice:client-token","Value":"another-run"}])"));
  Fail("RunJobFlow", 1, FakeEmr::Lost());
  Result<std::string> id = Client().RunJobFlow({{"Name", "salary"}}, "run-1");
  ASSERT_TRUE(id.ok()) << id.status().ToString();
  EXPECT_EQ(fake_->Count("RunJobFlow"), 1);
  EXPECT_EQ(fake_->clusters.size(), 2u);
  EXPECT_EQ(fake_->clusters[*id]["Tags"][0]["Value"], "run-1");
  EXPECT_GE(fake_->Count("ListClusters"), 1);
}

TEST_F(EmrClientTest, RunJobFlowSendsAgainWhenNoClusterWasCreated) {
  Fail("RunJobFlow", 1, ServerError());
  Result<std::string> id = Client().RunJobFlow({{"Name", "salary"}}, "run-1");
  ASSERT_TRUE(id.ok()) << id.status().ToString();
  EXPECT_EQ(fake_->Count("RunJobFlow"), 2);
  EXPECT_EQ(fake_->Count("ListClusters"), 1);
  EXPECT_EQ(fake_->clusters.size(), 1u);
}

TEST_F(EmrClientTest, RunJobFlowLooksAfterTheLastAttemptToo) {
  EmrClientOptions options;
  options.backoff = {1, std::chrono::milliseconds(0), std::chrono::milliseconds(0)};
  Fail("RunJobFlow", 1, FakeEmr::Lost());
  Result<std::string> id = EmrClient(fake_, options).RunJobFlow({{"Name", "salary"}}, "run-1");
  ASSERT_TRUE(id.ok()) << id.status().ToString();
  EXPECT_EQ(fake_->Count("RunJobFlow"), 1);
}

TEST_F(EmrClientTest, RunJobFlowGivesUpAfterItsAttemptsWhenNothingWasCreated) {
  Fail("RunJobFlow", 3, ServerError());
  Result<std::string> id = Client().RunJobFlow({{"Name", "salary"}}, "run-1");
  ASSERT_FALSE(id.ok());
  EXPECT_EQ(fake_->Count("RunJobFlow"), 3);
  EXPECT_EQ(fake_->Count("ListClusters"), 3);
  EXPECT_THAT(id.status().message(), HasSubstr("(after 3 attempts)"));
  EXPECT_TRUE(fake_->clusters.empty());
}

TEST_F(EmrClientTest, RunJobFlowRetriesThrottlingWithoutLooking) {
  Fail("RunJobFlow", 2, Throttled());
  ASSERT_TRUE(Client().RunJobFlow({{"Name", "salary"}}, "run-1").ok());
  EXPECT_EQ(fake_->Count("RunJobFlow"), 3);
  EXPECT_EQ(fake_->Count("ListClusters"), 0);
}

TEST_F(EmrClientTest, RunJobFlowDoesNotRepeatARefusal) {
  Fail("RunJobFlow", 1, EmrReply::Error(400, "ValidationException", "ReleaseLabel is invalid"));
  Result<std::string> id = Client().RunJobFlow({{"Name", "salary"}}, "run-1");
  ASSERT_FALSE(id.ok());
  EXPECT_EQ(fake_->Count("RunJobFlow"), 1);
  EXPECT_EQ(EmrErrorType(id.status()), "ValidationException");
  EXPECT_FALSE(Client().RunJobFlow({{"NoName", 1}}, "t").ok());
  EXPECT_FALSE(Client().RunJobFlow({{"Name", "x"}}, "").ok());
}

TEST_F(EmrClientTest, RunJobFlowGivesUpWhenTheSearchFails) {
  Fail("RunJobFlow", 1, Dropped());
  Fail("ListClusters", 3, EmrReply::Error(403, "AccessDeniedException", "no ListClusters"));
  Result<std::string> id = Client().RunJobFlow({{"Name", "salary"}}, "run-1");
  ASSERT_FALSE(id.ok());
  EXPECT_EQ(fake_->Count("RunJobFlow"), 1);
  EXPECT_THAT(id.status().message(), HasSubstr("could not check whether the cluster was created"));
}

TEST_F(EmrClientTest, AddJobFlowStepsRetriesOnlyThrottling) {
  fake_->handler = [](const std::string&, const Json& request) -> Result<EmrReply> {
    return EmrReply::Ok({{"StepIds", {"s-1", "s-2"}}});
  };
  Json steps = Json::parse(R"([{"Name":"a"},{"Name":"b"}])");
  Fail("AddJobFlowSteps", 1, Throttled());
  Result<std::vector<std::string>> ids = Client().AddJobFlowSteps("j-1", steps);
  ASSERT_TRUE(ids.ok()) << ids.status().ToString();
  EXPECT_EQ(*ids, (std::vector<std::string>{"s-1", "s-2"}));
  EXPECT_EQ(fake_->calls.back().second, (Json{{"JobFlowId", "j-1"}, {"Steps", steps}}));
  Fail("AddJobFlowSteps", 1, ServerError());
  EXPECT_FALSE(Client().AddJobFlowSteps("j-1", steps).ok());
  EXPECT_EQ(fake_->Count("AddJobFlowSteps"), 3);
  EXPECT_EQ(Client().AddJobFlowSteps("j-1", Json::object()).status().code(),
            StatusCode::kInvalidArgument);
}

TEST_F(EmrClientTest, StepCallsSendEmrShapes) {
  fake_->handler = [](const std::string& op, const Json&) -> Result<EmrReply> {
    if (op == "DescribeStep") return EmrReply::Ok({{"Step", {{"Id", "s-1"}}}});
    if (op == "CancelSteps") {
      return EmrReply::Ok(
          {{"CancelStepsInfoList", {{{"StepId", "s-1"}, {"Status", "SUBMITTED"}}}}});
    }
    return EmrReply::Ok({{"InstanceGroups", Json::array()}});
  };
  EmrClient client = Client();
  EXPECT_EQ(client.DescribeStep("j-1", "s-1").ValueOr({})["Id"], "s-1");
  EXPECT_EQ(fake_->calls.back().second, (Json{{"ClusterId", "j-1"}, {"StepId", "s-1"}}));
  EXPECT_EQ(client.CancelSteps("j-1", {"s-1"}).ValueOr({})[0]["Status"], "SUBMITTED");
  EXPECT_EQ(fake_->calls.back().second, (Json{{"ClusterId", "j-1"}, {"StepIds", {"s-1"}}}));
  EXPECT_TRUE(client.Call("ListInstanceGroups", {{"ClusterId", "j-1"}}).ok());
  EXPECT_EQ(fake_->calls.back().first, "ListInstanceGroups");
  ASSERT_TRUE(client.TerminateJobFlows({"j-1", "j-2"}).ok());
  EXPECT_EQ(fake_->calls.back().second, (Json{{"JobFlowIds", {"j-1", "j-2"}}}));
}

TEST_F(EmrClientTest, AnswersMissingTheirFieldAreErrors) {
  fake_->handler = [](const std::string&, const Json&) -> Result<EmrReply> {
    return EmrReply::Ok(Json::object());
  };
  EXPECT_EQ(Client().DescribeStep("j-1", "s-1").status().code(), StatusCode::kIoError);
  EXPECT_FALSE(Client().RunJobFlow({{"Name", "x"}}, "t").ok());
}

}  // namespace
}  // namespace sluice::cluster
