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

// The same DAG file runs against an EMR-API endpoint over HTTP by changing the connection
// only: here emr_default points at this server, signed with the home's credentials.
TEST_F(ServerProcess, APipelineReachesTheServerThroughAnAwsConnection) {
  std::filesystem::create_directories(home_ + "/dags");
  std::ofstream(home_ + "/dags/remote.yml") << R"(dag_id: remote
schedule: null
start_date: 2026-11-01
tasks:
  - id: create_cluster
    operator: cluster_create
    cluster:
      Name: remote
      Instances: {InstanceCount: 3, KeepJobFlowAliveWhenNoSteps: true}
      LogUri: ")" + home_ + R"(/logs/"
  - id: submit_step
    operator: cluster_add_steps
    upstream: [create_cluster]
    cluster_id: "{{ xcom('create_cluster') }}"
    steps:
      - Name: hello
        HadoopJarStep: {Jar: command-runner.jar, Args: [bash, -c, "echo hello {{ ds }}"]}
  - id: watch_step
    operator: cluster_step_sensor
    upstream: [submit_step]
    cluster_id: "{{ xcom('create_cluster') }}"
    step_id: "{{ xcom('submit_step')[0] }}"
    poke_interval: 1s
  - id: terminate_cluster
    operator: cluster_terminate
    upstream: [watch_step]
    teardown_of: create_cluster
    cluster_id: "{{ xcom('create_cluster') }}"
)";
  std::string conn = "SLUICE_CONN_EMR_DEFAULT='{\"type\": \"aws\", \"endpoint_url\": \"" +
                     Endpoint() + "\", \"profile\": \"sluice\"}' ";
  std::string sluice = AwsEnv() + conn + "SLUICE_HOME='" + home_ + "' " + SLUICE_BINARY;
  std::string out;
  ASSERT_EQ(Shell(sluice + " dags test remote 2026-11-20", &out), 0) << out;
  ASSERT_EQ(Shell(sluice + " clusters list --output json", &out), 0) << out;
  Json clusters = Parse(out);
  ASSERT_EQ(clusters.size(), 1u) << out;
  std::string id = clusters[0]["id"];
  ASSERT_EQ(Shell(sluice + " steps list " + id + " --output json", &out), 0) << out;
  Json steps = Parse(out);
  ASSERT_EQ(steps.size(), 1u);
  EXPECT_EQ(steps[0]["state"], "COMPLETED");
  std::string step = steps[0]["id"];
  EXPECT_EQ(ReadFile(home_ + "/logs/" + id + "/steps/" + step + "/stdout"), "hello 2026-11-20\n");
  EXPECT_TRUE(WaitFor([&] {
    Shell(sluice + " clusters describe " + id, &out);
    return Parse(out)["Status"]["State"] == "TERMINATED";
  }, 10)) << out;
  // A wrong secret in the connection is reported with the EMR error and a hint.
  std::string bad = "SLUICE_CONN_EMR_DEFAULT='{\"type\": \"aws\", \"endpoint_url\": \"" +
                    Endpoint() + "\", \"access_key_id\": \"SLUICEWRONGKEY\", "
                    "\"secret_access_key\": \"nope\"}' SLUICE_HOME='" + home_ + "' ";
  EXPECT_NE(Shell(bad + SLUICE_BINARY + " clusters list", &out), 0);
  EXPECT_NE(out.find("UnrecognizedClientException"), std::string::npos) << out;
  EXPECT_EQ(out.find("nope"), std::string::npos) << out;
}

}  // namespace
}  // namespace sluice::web::testing
