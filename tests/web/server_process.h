// A real `sluice server` process on a free loopback port with its own SLUICE_HOME, the AWS
// peers (awscli, boto3) pointed at it with the home's local credentials, the `sluice` CLI on
// the same home, and an HTTP client for the REST API (basic auth, tokens, cookies).
#pragma once

#include <fcntl.h>
#include <gtest/gtest.h>
#include <httplib.h>
#include <signal.h>
#include <stdlib.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <functional>
#include <nlohmann/json.hpp>
#include <regex>
#include <sstream>
#include <string>
#include <thread>
#include <utility>
#include <vector>

namespace sluice::web::testing {

inline std::string ReadFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

// The Python test peers: the image's, or the ones scripts/bootstrap.sh put in tools/py.
inline std::string PeerBin(const std::string& name) {
  std::string local = std::string(SLUICE_SOURCE_DIR) + "/tools/py/bin/" + name;
  if (std::filesystem::exists(local)) return local;
  return name;
}

// An HTTP exchange with the server: what came back (status -1 when no answer came).
struct HttpReply {
  int status = -1;
  std::string body;
  httplib::Headers headers;
  std::string Header(const std::string& name) const {
    auto it = headers.find(name);
    return it == headers.end() ? "" : it->second;
  }
};

// The run `sluice dags test hello 2026-11-20` makes in ApiServer's home.
inline constexpr const char* kHelloRun = "manual__2026-11-20T00:00:00+00:00";

class ServerProcess : public ::testing::Test {
 protected:
  void SetUp() override {
    std::string pattern = ::testing::TempDir() + "sluice_server_XXXXXX";
    home_ = mkdtemp(pattern.data());
    std::filesystem::create_directories(home_ + "/dags");
    for (const auto& [name, text] : dags_) std::ofstream(home_ + "/dags/" + name) << text;
    if (!config_.empty()) std::ofstream(home_ + "/sluice.yml") << config_;
    StartServer();
  }

  void TearDown() override {
    StopServer();
    std::filesystem::remove_all(home_);
  }

  // Starts the server (again) on a free port and waits until it listens.
  void StartServer() {
    std::string log = home_ + "/server.out";
    std::filesystem::remove(log);  // not to read the port of a previous start
    port_ = 0;
    pid_ = Spawn({command_, "--port", "0"}, log);
    std::regex listening("listening on http://127\\.0\\.0\\.1:([0-9]+)");
    for (int i = 0; i < 200 && port_ == 0; ++i) {
      std::smatch m;
      std::string out = ReadFile(log);
      if (std::regex_search(out, m, listening)) port_ = std::stoi(m[1]);
      std::this_thread::sleep_for(std::chrono::milliseconds(25));
    }
    ASSERT_GT(port_, 0) << "the server did not start: " << ReadFile(log);
  }

  // SIGTERM, and expects a clean exit.
  void StopServer() {
    if (pid_ <= 0) return;
    kill(pid_, SIGTERM);
    int status = 0;
    waitpid(pid_, &status, 0);
    pid_ = -1;
    EXPECT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0) << "server did not stop cleanly";
  }

  // Starts `sluice <args>` on this home in the background, its output in `log`.
  pid_t Spawn(const std::vector<std::string>& args, const std::string& log) {
    pid_t pid = fork();
    if (pid == 0) {
      setenv("SLUICE_HOME", home_.c_str(), 1);
      int fd = open(log.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
      dup2(fd, 1);
      dup2(fd, 2);
      std::vector<char*> argv{const_cast<char*>(SLUICE_BINARY)};
      for (const auto& a : args) argv.push_back(const_cast<char*>(a.c_str()));
      argv.push_back(nullptr);
      execv(SLUICE_BINARY, argv.data());
      _exit(127);
    }
    return pid;
  }

  std::string Endpoint() const { return "http://127.0.0.1:" + std::to_string(port_); }

  // Environment for AWS peers: the home's credentials file, profile `sluice`.
  std::string AwsEnv() const {
    return "AWS_SHARED_CREDENTIALS_FILE='" + home_ +
           "/aws-credentials' AWS_PROFILE=sluice "
           "AWS_DEFAULT_REGION=us-east-1 AWS_CONFIG_FILE=/dev/null "
           "AWS_ACCESS_KEY_ID= AWS_SECRET_ACCESS_KEY= ";
  }

  // Runs a shell command; returns its exit code, stdout+stderr in *output.
  static int Shell(const std::string& cmd, std::string* output) {
    FILE* p = popen((cmd + " 2>&1").c_str(), "r");
    std::string out;
    char buf[4096];
    while (size_t n = fread(buf, 1, sizeof buf, p)) out.append(buf, n);
    int status = pclose(p);
    *output = out;
    return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  }

  // `aws emr <args> --endpoint-url ... --output json`.
  int AwsEmr(const std::string& args, std::string* output) {
    return Shell(AwsEnv() + PeerBin("aws") + " emr " + args + " --endpoint-url " + Endpoint() +
                     " --output json",
                 output);
  }

  // Runs `sluice <args>` on this server's home; returns the exit code, output in *output.
  int Sluice(const std::string& args, std::string* output = nullptr) {
    std::string out;
    int rc = Shell("SLUICE_HOME='" + home_ + "' '" + SLUICE_BINARY + "' " + args, &out);
    if (output) *output = out;
    return rc;
  }

  // `sluice users create`; fails the test if it cannot.
  void CreateUser(const std::string& name, const std::string& password, const std::string& role) {
    std::string out;
    ASSERT_EQ(
        Sluice("users create --username " + name + " --password " + password + " --role " + role,
               &out),
        0)
        << out;
  }

  using Reply = HttpReply;

  // `headers` may carry Authorization, Cookie, X-CSRF-Token, Accept...
  Reply Http(const std::string& method, const std::string& path, const std::string& body = "",
             httplib::Headers headers = {}, const std::string& content_type = "application/json") {
    httplib::Client client("127.0.0.1", port_);
    client.set_read_timeout(30, 0);
    const char* type = content_type.c_str();
    auto send = [&]() -> httplib::Result {
      if (method == "POST") return client.Post(path.c_str(), headers, body, type);
      if (method == "PATCH") return client.Patch(path.c_str(), headers, body, type);
      if (method == "PUT") return client.Put(path.c_str(), headers, body, type);
      if (method == "DELETE") return client.Delete(path.c_str(), headers, body, type);
      return client.Get(path.c_str(), headers);
    };
    httplib::Result r = send();
    Reply reply;
    if (!r) return reply;
    reply.status = r->status;
    reply.body = r->body;
    reply.headers = r->headers;
    return reply;
  }

  static httplib::Headers Basic(const std::string& user, const std::string& password) {
    return {httplib::make_basic_authentication_header(user, password)};
  }

  static bool WaitFor(const std::function<bool()>& done, double seconds) {
    auto deadline = std::chrono::steady_clock::now() + std::chrono::duration<double>(seconds);
    while (std::chrono::steady_clock::now() < deadline) {
      if (done()) return true;
      std::this_thread::sleep_for(std::chrono::milliseconds(100));
    }
    return done();
  }

  std::string command_ = "server";                         // or "standalone"
  std::vector<std::pair<std::string, std::string>> dags_;  // DAG files written before start
  std::string config_;  // sluice.yml written before start, if not empty
  std::string home_;
  pid_t pid_ = -1;
  int port_ = 0;
};

// A server whose home has a small DAG (`hello`: begin >> say >> done) that has run once with
// `sluice dags test` (run kHelloRun), a DAG file that does not load, and one user per role
// (admin, op, viewer; password "<name>-password").
class ApiServer : public ServerProcess {
 protected:
  ApiServer() {
    dags_.push_back({"hello.yml",
                     "dag_id: hello\ndescription: Says hello\nschedule: \"@daily\"\n"
                     "start_date: 2026-11-01\ntags: [demo]\ntasks:\n"
                     "  - {id: begin, operator: empty}\n"
                     "  - {id: say, operator: bash, upstream: [begin], "
                     "bash: \"echo hello {{ ds }}; echo caf\u00e9\"}\n"
                     "  - {id: done, operator: empty, upstream: [say]}\n"});
    dags_.push_back({"broken.yml", "dag_id: broken\ntasks: [\n"});
  }

  void SetUp() override {
    ServerProcess::SetUp();
    if (HasFatalFailure()) return;
    std::string out;
    ASSERT_EQ(Sluice("dags test hello 2026-11-20", &out), 0) << out;
    for (const char* role : {"admin", "op", "viewer"}) {
      CreateUser(role, std::string(role) + "-password", role);
    }
  }

  static httplib::Headers As(const std::string& user) { return Basic(user, user + "-password"); }

  // GET `path` as `user`; expects 200 and JSON.
  nlohmann::json GetJson(const std::string& path, const std::string& user = "viewer") {
    Reply r = Http("GET", path, "", As(user));
    EXPECT_EQ(r.status, 200) << path << ": " << r.body;
    nlohmann::json j = nlohmann::json::parse(r.body, nullptr, false);
    EXPECT_FALSE(j.is_discarded()) << path << ": " << r.body;
    return j;
  }

  static std::string RunPath(const std::string& run = kHelloRun) {
    return "/api/v1/dags/hello/dagRuns/" + httplib::detail::encode_query_param(run);
  }
};

}  // namespace sluice::web::testing
