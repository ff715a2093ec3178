// A real `sluice server` process on a free loopback port with its own SLUICE_HOME, and the
// AWS peers (awscli, boto3) pointed at it with the home's local credentials.
#pragma once

#include <gtest/gtest.h>
#include <signal.h>
#include <stdlib.h>
#include <sys/wait.h>
#include <fcntl.h>
#include <unistd.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <functional>
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

class ServerProcess : public ::testing::Test {
 protected:
  void SetUp() override {
    std::string pattern = ::testing::TempDir() + "sluice_server_XXXXXX";
    home_ = mkdtemp(pattern.data());
    std::string log = home_ + "/server.out";
    pid_ = fork();
    if (pid_ == 0) {
      setenv("SLUICE_HOME", home_.c_str(), 1);
      int fd = open(log.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
      dup2(fd, 1);
      dup2(fd, 2);
      std::filesystem::create_directories(home_ + "/dags");
      for (const auto& [name, text] : dags_) std::ofstream(home_ + "/dags/" + name) << text;
      execl(SLUICE_BINARY, SLUICE_BINARY, command_.c_str(), "--port", "0", nullptr);
      _exit(127);
    }
    std::regex listening("listening on http://127\\.0\\.0\\.1:([0-9]+)");
    for (int i = 0; i < 200 && port_ == 0; ++i) {
      std::smatch m;
      std::string out = ReadFile(log);
      if (std::regex_search(out, m, listening)) port_ = std::stoi(m[1]);
      std::this_thread::sleep_for(std::chrono::milliseconds(25));
    }
    ASSERT_GT(port_, 0) << "the server did not start: " << ReadFile(log);
  }

  void TearDown() override {
    if (pid_ > 0) {
      kill(pid_, SIGTERM);
      int status = 0;
      waitpid(pid_, &status, 0);
      EXPECT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0) << "server did not stop cleanly";
    }
    std::filesystem::remove_all(home_);
  }

  std::string Endpoint() const { return "http://127.0.0.1:" + std::to_string(port_); }

  // Environment for AWS peers: the home's credentials file, profile `sluice`.
  std::string AwsEnv() const {
    return "AWS_SHARED_CREDENTIALS_FILE='" + home_ + "/aws-credentials' AWS_PROFILE=sluice "
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

  static bool WaitFor(const std::function<bool()>& done, double seconds) {
    auto deadline = std::chrono::steady_clock::now() + std::chrono::duration<double>(seconds);
    while (std::chrono::steady_clock::now() < deadline) {
      if (done()) return true;
      std::this_thread::sleep_for(std::chrono::milliseconds(100));
    }
    return done();
  }

  std::string command_ = "server";  // or "standalone"
  std::vector<std::pair<std::string, std::string>> dags_;  // DAG files written before start
  std::string home_;
  pid_t pid_ = -1;
  int port_ = 0;
};

}  // namespace sluice::web::testing
