// The EMR-compatible API of `sluice server` driven by real AWS clients: awscli's emr commands
// and boto3, signing with the home's local credentials; bad signatures refused as AWS does.
#include <nlohmann/json.hpp>

#include "server_process.h"

namespace sluice::web::testing {
namespace {

using Json = nlohmann::json;

Json Parse(const std::string& text) {
  Json j = Json::parse(text, nullptr, false);
  EXPECT_FALSE(j.is_discarded()) << text;
  return j;
}

TEST_F(ServerProcess, AwsCliDrivesAClusterThroughItsLife) {
  std::string out;
  ASSERT_EQ(AwsEmr("create-cluster --name cli --release-label sluice-local "
                   "--instance-groups InstanceGroupType=MASTER,InstanceCount=1,InstanceType=m5."
                   "xlarge InstanceGroupType=CORE,InstanceCount=3,InstanceType=m5.xlarge "
                   "--log-uri " + home_ + "/logs/",
                   &out), 0) << out;
  std::string id = Parse(out)["ClusterId"];
  ASSERT_EQ(AwsEmr("add-steps --cluster-id " + id +
                       " --steps 'Type=CUSTOM_JAR,Name=hello,Jar=command-runner.jar,"
                       "ActionOnFailure=CONTINUE,Args=[bash,-c,echo threads=$SLUICE_THREADS]'",
                   &out), 0) << out;
  std::string step = Parse(out)["StepIds"][0];
  ASSERT_TRUE(WaitFor([&] {
    AwsEmr("describe-step --cluster-id " + id + " --step-id " + step, &out);
    return Parse(out)["Step"]["Status"]["State"] == "COMPLETED";
  }, 30)) << out;
  EXPECT_EQ(ReadFile(home_ + "/logs/" + id + "/steps/" + step + "/stdout"), "threads=3\n");
  ASSERT_EQ(AwsEmr("list-steps --cluster-id " + id, &out), 0) << out;
  EXPECT_EQ(Parse(out)["Steps"][0]["Id"], step);
  // describe-cluster also calls ListInstanceGroups and ListBootstrapActions.
  ASSERT_EQ(AwsEmr("describe-cluster --cluster-id " + id, &out), 0) << out;
  Json cluster = Parse(out)["Cluster"];
  EXPECT_EQ(cluster["Status"]["State"], "WAITING");
  EXPECT_EQ(cluster["InstanceGroups"].size(), 2u);
  ASSERT_EQ(AwsEmr("terminate-clusters --cluster-ids " + id, &out), 0) << out;
  ASSERT_TRUE(WaitFor([&] {
    AwsEmr("describe-cluster --cluster-id " + id, &out);
    return Parse(out)["Cluster"]["Status"]["State"] == "TERMINATED";
  }, 20)) << out;
  ASSERT_EQ(AwsEmr("list-clusters --cluster-states TERMINATED", &out), 0) << out;
  EXPECT_EQ(Parse(out)["Clusters"][0]["Id"], id);
}

TEST_F(ServerProcess, Boto3RunsAJobFlowWithSteps) {
  std::string script = home_ + "/boto.py";
  std::ofstream(script) << R"py(
import sys, time, boto3
emr = boto3.client("emr", endpoint_url=sys.argv[1])
flow = emr.run_job_flow(
    Name="boto", ReleaseLabel="sluice-local", LogUri=sys.argv[2],
    Instances={"InstanceGroups": [{"InstanceRole": "MASTER", "InstanceCount": 1,
                                   "InstanceType": "m5.xlarge"}],
               "KeepJobFlowAliveWhenNoSteps": False},
    Steps=[{"Name": "fail", "ActionOnFailure": "TERMINATE_CLUSTER",
            "HadoopJarStep": {"Jar": "command-runner.jar",
                              "Args": ["bash", "-c", "echo broken >&2; exit 4"]}}])
cid = flow["JobFlowId"]
for _ in range(300):
    c = emr.describe_cluster(ClusterId=cid)["Cluster"]
    if c["Status"]["State"].startswith("TERMINATED"):
        break
    time.sleep(0.1)
step = emr.list_steps(ClusterId=cid)["Steps"][0]
print(c["Status"]["State"], c["Status"]["StateChangeReason"]["Code"],
      step["Status"]["State"], step["Status"]["FailureDetails"]["Message"])
try:
    emr.describe_cluster(ClusterId="j-NOTACLUSTER00")
except emr.exceptions.InvalidRequestException as e:
    print("InvalidRequestException")
)py";
  std::string out;
  ASSERT_EQ(Shell(AwsEnv() + PeerBin("python3") + " " + script + " " + Endpoint() + " " +
                      home_ + "/logs/",
                  &out), 0) << out;
  EXPECT_EQ(out, "TERMINATED_WITH_ERRORS STEP_FAILURE FAILED broken\nInvalidRequestException\n");
}

TEST_F(ServerProcess, BadSignaturesAreRefusedAsAwsDoes) {
  std::string out;
  std::string key = ReadFile(home_ + "/aws-credentials");
  key = key.substr(key.find("aws_access_key_id = ") + 20);
  key = key.substr(0, key.find('\n'));
  std::string wrong = "AWS_SHARED_CREDENTIALS_FILE=/dev/null AWS_CONFIG_FILE=/dev/null "
                      "AWS_ACCESS_KEY_ID=" + key + " AWS_SECRET_ACCESS_KEY=not-the-secret " +
                      PeerBin("aws") + " emr list-clusters --region us-east-1 --endpoint-url " +
                      Endpoint();
  EXPECT_NE(Shell(wrong, &out), 0);
  EXPECT_NE(out.find("SignatureDoesNotMatch"), std::string::npos) << out;
  EXPECT_EQ(out.find("not-the-secret"), std::string::npos) << "a secret was echoed: " << out;
  std::string unsigned_call = "curl -s -X POST -H 'X-Amz-Target: ElasticMapReduce.ListClusters' "
                              "-H 'Content-Type: application/x-amz-json-1.1' -d '{}' " +
                              Endpoint() + "/";
  ASSERT_EQ(Shell(unsigned_call, &out), 0);
  EXPECT_EQ(Parse(out)["__type"], "MissingAuthenticationTokenException") << out;
}

}  // namespace
}  // namespace sluice::web::testing
