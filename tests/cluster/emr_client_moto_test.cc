// The EMR client (HTTP, SigV4) against a real moto_server with IAM signature checks on: an IAM
// user and access key are made first, then auth is switched on; the client creates a cluster,
// adds, describes and lists steps, terminates; a wrong secret is SignatureDoesNotMatch. The
// server runs in its own process group, killed when the suite ends, or by the kernel
// (PR_SET_PDEATHSIG) if this test process dies first.
#include <fcntl.h>
#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <thread>

#include "cluster/emr_client.h"
#include "cluster/emr_http.h"
#include "storage/http_client.h"
#include "storage/sigv4.h"

extern char** environ;

namespace sluice::cluster {
namespace {

namespace fs = std::filesystem;
using ::testing::HasSubstr;
using ::testing::Not;
using Json = nlohmann::json;

// moto_server on PATH, else the bootstrap's project-local install; "" if neither exists.
std::string FindMotoServer() {
  std::stringstream path(std::getenv("PATH") ? std::getenv("PATH") : "");
  for (std::string dir; std::getline(path, dir, ':');) {
    std::string candidate = dir + "/moto_server";
    if (!dir.empty() && access(candidate.c_str(), X_OK) == 0) return candidate;
  }
  std::string local = SLUICE_SOURCE_DIR "/tools/py/bin/moto_server";
  return access(local.c_str(), X_OK) == 0 ? local : "";
}

int FreePort() {
  int fd = socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof(addr));
  socklen_t len = sizeof(addr);
  getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len);
  close(fd);
  return ntohs(addr.sin_port);
}

std::string ReadFile(const std::string& path) {
  std::ifstream in(path);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

// The text of the first <tag>...</tag>.
std::string XmlValue(const std::string& xml, const std::string& tag) {
  size_t start = xml.find("<" + tag + ">");
  size_t end = xml.find("</" + tag + ">");
  if (start == std::string::npos || end == std::string::npos) return "";
  start += tag.size() + 2;
  return xml.substr(start, end - start);
}

// One moto_server process (and its group) for the whole suite.
class MotoServer {
 public:
  ~MotoServer() { Stop(); }

  Status Start() {
    std::string binary = FindMotoServer();
    if (binary.empty()) {
      return Status::NotFound(
          "moto_server is not on PATH nor in tools/py/bin: run scripts/bootstrap.sh, which "
          "installs moto[server]");
    }
    port_ = FreePort();
    log_path_ = fs::temp_directory_path() / ("sluice-moto-" + std::to_string(getpid()) + ".log");
    RETURN_NOT_OK(Spawn(binary));
    return WaitUntilServing();
  }

  void Stop() {
    if (pid_ <= 0) return;
    kill(-pid_, SIGTERM);
    bool reaped = false;
    for (int i = 0; i < 50 && !reaped; ++i) {
      reaped = waitpid(pid_, nullptr, WNOHANG) == pid_;
      if (!reaped) std::this_thread::sleep_for(std::chrono::milliseconds(100));
    }
    kill(-pid_, SIGKILL);  // whatever of the group is left
    if (!reaped) waitpid(pid_, nullptr, 0);
    pid_ = -1;
    std::error_code ec;
    fs::remove(log_path_, ec);
  }

  std::string Endpoint() const { return "http://127.0.0.1:" + std::to_string(port_); }
  std::string Log() const { return ReadFile(log_path_); }

 private:
  Status Spawn(const std::string& binary) {
    std::string port = std::to_string(port_);
    std::vector<const char*> argv = {binary.c_str(), "-H",         "127.0.0.1",
                                     "-p",           port.c_str(), nullptr};
    pid_t parent = getpid();
    pid_ = fork();
    if (pid_ < 0) return ErrnoStatus("fork", errno);
    if (pid_ == 0) {
      setpgid(0, 0);
      prctl(PR_SET_PDEATHSIG, SIGKILL);
      if (getppid() != parent) _exit(1);
      int fd = open(log_path_.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
      dup2(fd, 1);
      dup2(fd, 2);
      execve(argv[0], const_cast<char* const*>(argv.data()), environ);
      _exit(127);
    }
    setpgid(pid_, pid_);
    return Status::OK();
  }

  Status WaitUntilServing() {
    storage::HttpClient http({std::chrono::milliseconds(500), std::chrono::milliseconds(2000)});
    for (int i = 0; i < 300; ++i) {
      if (waitpid(pid_, nullptr, WNOHANG) == pid_) {
        pid_ = -1;
        return Status::IoError("moto_server exited at start:\n" + Log());
      }
      storage::HttpRequest probe;
      probe.url = Endpoint() + "/moto-api/";
      if (http.Send(probe).ok()) return Status::OK();
      std::this_thread::sleep_for(std::chrono::milliseconds(100));
    }
    return Status::IoError("moto_server did not answer on " + Endpoint() + " in 30 s:\n" + Log());
  }

  pid_t pid_ = -1;
  int port_ = 0;
  std::string log_path_;
};

// A signed IAM query-API call, as awscli would make it.
Result<std::string> IamCall(const std::string& endpoint, const std::string& form) {
  storage::SigV4Request request;
  request.method = "POST";
  request.headers = {{"Host", endpoint.substr(std::string("http://").size())},
                     {"Content-Type", "application/x-www-form-urlencoded; charset=utf-8"}};
  request.payload_sha256 = storage::Sha256Hex(form);
  storage::Credentials bootstrap{"AKIAIOSFODNN7EXAMPLE", "bootstrap-secret", ""};
  ASSIGN_OR_RETURN(auto signature,
                   storage::SignV4(request, bootstrap, {"us-east-1", "iam", Now()}));
  storage::HttpRequest http;
  http.method = "POST";
  http.url = endpoint + "/";
  http.headers = request.headers;
  http.headers.insert(http.headers.end(), signature.headers.begin(), signature.headers.end());
  http.body = form;
  ASSIGN_OR_RETURN(storage::HttpResponse response, storage::HttpClient().Send(http));
  if (response.status != 200) {
    return Status::IoError("IAM " + form + ": HTTP " + std::to_string(response.status) + ": " +
                           response.body);
  }
  return response.body;
}

// An IAM user allowed everything, and its access key; then signature checks on for everyone.
Result<storage::Credentials> MakeUserAndEnableAuth(const std::string& endpoint) {
  const std::string version = "&Version=2010-05-08";
  RETURN_NOT_OK(IamCall(endpoint, "Action=CreateUser&UserName=sluice-test" + version).status());
  std::string policy =
      R"({"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"*","Resource":"*"}]})";
  RETURN_NOT_OK(IamCall(endpoint,
                        "Action=PutUserPolicy&UserName=sluice-test&PolicyName=all"
                        "&PolicyDocument=" +
                            storage::UriEncode(policy, true) + version)
                    .status());
  ASSIGN_OR_RETURN(std::string key,
                   IamCall(endpoint, "Action=CreateAccessKey&UserName=sluice-test" + version));
  storage::Credentials credentials{XmlValue(key, "AccessKeyId"), XmlValue(key, "SecretAccessKey"),
                                   ""};
  if (credentials.access_key_id.empty() || credentials.secret_access_key.empty()) {
    return Status::IoError("CreateAccessKey gave no key: " + key);
  }
  storage::HttpRequest reset;
  reset.method = "POST";
  reset.url = endpoint + "/moto-api/reset-auth";
  reset.body = "0";  // from now on every request is authenticated
  ASSIGN_OR_RETURN(storage::HttpResponse answer, storage::HttpClient().Send(reset));
  if (answer.status != 200) return Status::IoError("reset-auth: " + answer.body);
  return credentials;
}

// Passes calls through, but loses the answer of the first RunJobFlow (after moto acted on it).
class LoseFirstRunJobFlowAnswer : public EmrApi {
 public:
  explicit LoseFirstRunJobFlowAnswer(std::shared_ptr<EmrApi> inner) : inner_(std::move(inner)) {}
  Result<EmrReply> Call(std::string_view operation, const Json& request) override {
    Result<EmrReply> reply = inner_->Call(operation, request);
    if (operation != "RunJobFlow" || lost_) return reply;
    lost_ = true;
    return Status::IoError("connection reset while reading the answer");
  }

 private:
  std::shared_ptr<EmrApi> inner_;
  bool lost_ = false;
};

class EmrMotoTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    moto_ = new MotoServer();
    start_status_ = moto_->Start();
    if (!start_status_.ok()) return;
    Result<storage::Credentials> credentials = MakeUserAndEnableAuth(moto_->Endpoint());
    if (!credentials.ok()) {
      start_status_ = credentials.status();
      return;
    }
    credentials_ = *credentials;
  }
  static void TearDownTestSuite() {
    delete moto_;
    moto_ = nullptr;
  }
  void SetUp() override { ASSERT_TRUE(start_status_.ok()) << start_status_.ToString(); }

  static std::shared_ptr<EmrApi> Api(const storage::Credentials& credentials) {
    EmrHttpOptions options;
    options.endpoint_url = moto_->Endpoint();
    options.region = "us-east-1";
    options.credentials = credentials;
    auto api = MakeEmrHttpApi(options);
    EXPECT_TRUE(api.ok()) << api.status().ToString();
    return api.ok() ? *api : nullptr;
  }
  static EmrClient Client(std::shared_ptr<EmrApi> api) {
    EmrClientOptions options;
    options.endpoint = moto_->Endpoint();
    options.credentials_source = "the moto IAM user";
    options.backoff = {3, std::chrono::milliseconds(10), std::chrono::milliseconds(50)};
    return EmrClient(std::move(api), options);
  }
  static Json ClusterRequest(const std::string& name) {
    Json request = Json::parse(R"({
      "ReleaseLabel": "emr-6.15.0", "LogUri": "s3://salary/logs/",
      "Instances": {"MasterInstanceType": "m5.xlarge", "SlaveInstanceType": "m5.xlarge",
                    "InstanceCount": 3, "KeepJobFlowAliveWhenNoSteps": true},
      "JobFlowRole": "EMR_EC2_DefaultRole", "ServiceRole": "EMR_DefaultRole",
      "Tags": [{"Key": "team", "Value": "data"}]})");
    request["Name"] = name;
    return request;
  }

  static MotoServer* moto_;
  static Status start_status_;
  static storage::Credentials credentials_;
};

MotoServer* EmrMotoTest::moto_ = nullptr;
Status EmrMotoTest::start_status_;
storage::Credentials EmrMotoTest::credentials_;

bool HasTag(const Json& cluster, const std::string& key, const std::string& value) {
  for (const Json& tag : cluster.value("Tags", Json::array())) {
    if (tag.value("Key", "") == key && tag.value("Value", "") == value) return true;
  }
  return false;
}

TEST_F(EmrMotoTest, ClusterAndStepLifecycle) {
  EmrClient client = Client(Api(credentials_));
  Result<std::string> id = client.RunJobFlow(ClusterRequest("sluice-moto"), "run-1/create");
  ASSERT_TRUE(id.ok()) << id.status().ToString();
  EXPECT_THAT(*id, ::testing::StartsWith("j-"));

  Result<Json> cluster = client.DescribeCluster(*id);
  ASSERT_TRUE(cluster.ok()) << cluster.status().ToString();
  EXPECT_EQ((*cluster)["Name"], "sluice-moto");
  EXPECT_TRUE(HasTag(*cluster, "sluice:client-token", "run-1/create"));
  EXPECT_TRUE(HasTag(*cluster, "team", "data"));

  Result<std::vector<Json>> active = client.ListClusters({"STARTING", "RUNNING", "WAITING"});
  ASSERT_TRUE(active.ok()) << active.status().ToString();
  EXPECT_TRUE(
      std::any_of(active->begin(), active->end(), [&](const Json& c) { return c["Id"] == *id; }));

  Json steps = Json::parse(R"([{"Name": "average_salary", "ActionOnFailure": "CONTINUE",
      "HadoopJarStep": {"Jar": "command-runner.jar", "Args": ["sluice", "etl", "run"]}}])");
  Result<std::vector<std::string>> step_ids = client.AddJobFlowSteps(*id, steps);
  ASSERT_TRUE(step_ids.ok()) << step_ids.status().ToString();
  ASSERT_EQ(step_ids->size(), 1u);

  Result<Json> step = client.DescribeStep(*id, (*step_ids)[0]);
  ASSERT_TRUE(step.ok()) << step.status().ToString();
  EXPECT_EQ((*step)["Name"], "average_salary");
  EXPECT_EQ((*step)["Config"]["Args"], Json::array({"sluice", "etl", "run"}));

  Result<std::vector<Json>> listed = client.ListSteps(*id);
  ASSERT_TRUE(listed.ok()) << listed.status().ToString();
  ASSERT_EQ(listed->size(), 1u);
  EXPECT_EQ((*listed)[0]["Id"], (*step_ids)[0]);

  Result<Json> groups = client.Call("ListInstanceGroups", {{"ClusterId", *id}});
  ASSERT_TRUE(groups.ok()) << groups.status().ToString();
  EXPECT_FALSE((*groups)["InstanceGroups"].empty());

  ASSERT_TRUE(client.TerminateJobFlows({*id}).ok());
  cluster = client.DescribeCluster(*id);
  ASSERT_TRUE(cluster.ok());
  EXPECT_THAT((*cluster)["Status"]["State"].get<std::string>(), HasSubstr("TERMINAT"));
}

TEST_F(EmrMotoTest, UnknownClusterIsReportedWithItsType) {
  Result<Json> cluster = Client(Api(credentials_)).DescribeCluster("j-DOESNOTEXIST");
  ASSERT_FALSE(cluster.ok());
  EXPECT_THAT(cluster.status().message(), HasSubstr("j-DOESNOTEXIST"));
  EXPECT_EQ(cluster.status().code(), StatusCode::kNotFound) << cluster.status().ToString();
  EXPECT_NE(EmrErrorType(cluster.status()), "");
}

TEST_F(EmrMotoTest, WrongSecretIsSignatureDoesNotMatch) {
  storage::Credentials wrong = credentials_;
  wrong.secret_access_key = "not-the-secret-0123456789";
  Result<std::vector<Json>> clusters = Client(Api(wrong)).ListClusters();
  ASSERT_FALSE(clusters.ok());
  EXPECT_EQ(EmrErrorType(clusters.status()), "SignatureDoesNotMatch")
      << clusters.status().ToString();
  EXPECT_EQ(clusters.status().code(), StatusCode::kInvalidArgument);
  EXPECT_THAT(clusters.status().message(), HasSubstr("check the secret access key"));
  EXPECT_THAT(clusters.status().message(), Not(HasSubstr(wrong.secret_access_key)));
  EXPECT_THAT(clusters.status().message(), Not(HasSubstr(credentials_.secret_access_key)));
}

TEST_F(EmrMotoTest, UnknownAccessKeyIsRefused) {
  storage::Credentials unknown{"AKIAUNKNOWNUNKNOWN00", "whatever", ""};
  Result<std::vector<Json>> clusters = Client(Api(unknown)).ListClusters();
  ASSERT_FALSE(clusters.ok());
  EXPECT_EQ(EmrErrorType(clusters.status()), "InvalidClientTokenId")
      << clusters.status().ToString();
  EXPECT_THAT(clusters.status().message(), HasSubstr("does not know the access key id"));
}

TEST_F(EmrMotoTest, RunJobFlowWhoseAnswerWasLostFindsItsCluster) {
  auto flaky = std::make_shared<LoseFirstRunJobFlowAnswer>(Api(credentials_));
  EmrClient client = Client(flaky);
  Result<std::string> id = client.RunJobFlow(ClusterRequest("sluice-lost-answer"), "run-2/create");
  ASSERT_TRUE(id.ok()) << id.status().ToString();
  Result<std::vector<Json>> clusters = Client(Api(credentials_)).ListClusters();
  ASSERT_TRUE(clusters.ok());
  int named = static_cast<int>(std::count_if(clusters->begin(), clusters->end(), [](const Json& c) {
    return c["Name"] == "sluice-lost-answer";
  }));
  EXPECT_EQ(named, 1);
  ASSERT_TRUE(client.TerminateJobFlows({*id}).ok());
}

}  // namespace
}  // namespace sluice::cluster
