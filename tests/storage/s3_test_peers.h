// Real S3 implementations for the S3 tests, each a child process on 127.0.0.1 that the test
// starts and stops itself: moto_server (moto_server.h, with IAM SigV4 checks switched on) and
// s3rver (npm); a client for them, test bytes, and running the sluice binary.
// A missing peer is a failure that says to run scripts/bootstrap.sh, never a silent skip.
#pragma once

#include <fcntl.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

#include <filesystem>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "common/status.h"
#include "loopback.h"
#include "moto_server.h"
#include "peer_process.h"
#include "storage/s3_client.h"

namespace sluice::testing {

// The S3 tests' name for moto_server.
using MotoS3 = MotoServer;

// The environment of this process with `extra` set on top (empty value: unset).
inline std::vector<std::string> EnvWith(const std::map<std::string, std::string>& extra) {
  std::vector<std::string> env;
  for (char** e = environ; *e; ++e) {
    std::string entry(*e);
    std::string name = entry.substr(0, entry.find('='));
    if (!extra.count(name)) env.push_back(entry);
  }
  for (const auto& [name, value] : extra) {
    if (!value.empty()) env.push_back(name + "=" + value);
  }
  return env;
}

// A command run to completion: exit code, stdout and stderr (stdout may be binary).
struct CommandResult {
  int exit_code = -1;
  std::string out;
  std::string err;
};

inline CommandResult RunCommand(const std::vector<std::string>& argv,
                                const std::map<std::string, std::string>& env = {}) {
  auto tmp = std::filesystem::temp_directory_path();
  std::string out_path = tmp / ("sluice-cmd-out-" + std::to_string(getpid()));
  std::string err_path = tmp / ("sluice-cmd-err-" + std::to_string(getpid()));
  std::vector<std::string> env_strings = EnvWith(env);
  std::vector<char*> envp;
  for (auto& e : env_strings) envp.push_back(e.data());
  envp.push_back(nullptr);
  std::vector<char*> args;
  for (const auto& a : argv) args.push_back(const_cast<char*>(a.c_str()));
  args.push_back(nullptr);
  CommandResult result;
  pid_t pid = fork();
  if (pid == 0) {
    setpgid(0, 0);
    prctl(PR_SET_PDEATHSIG, SIGKILL);
    int out = open(out_path.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
    int err = open(err_path.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
    int in = open("/dev/null", O_RDONLY);
    dup2(in, 0);
    dup2(out, 1);
    dup2(err, 2);
    execve(args[0], args.data(), envp.data());
    _exit(127);
  }
  int status = 0;
  waitpid(pid, &status, 0);
  result.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
  result.out = ReadWholeFile(out_path);
  result.err = ReadWholeFile(err_path);
  std::filesystem::remove(out_path);
  std::filesystem::remove(err_path);
  return result;
}

// s3rver (npm, in tools/npm) on a temporary folder. Its credentials are S3RVER/S3RVER (it
// checks that the access key exists, not SigV4 signatures); with --service-endpoint localhost
// it also serves virtual-host requests to <bucket>.s3.localhost.
class S3rver {
 public:
  ~S3rver() {
    process_.Stop();
    std::error_code ec;
    if (!dir_.empty()) std::filesystem::remove_all(dir_, ec);
  }

  Status Start() {
    std::string script = SLUICE_SOURCE_DIR "/tools/npm/node_modules/s3rver/bin/s3rver.js";
    std::string node = FindProgram("node");
    if (node.empty() || access(script.c_str(), R_OK) != 0) {
      return Status::NotFound(
          "s3rver is not installed in tools/npm (or node is missing): run scripts/bootstrap.sh, "
          "which installs the npm test peers");
    }
    std::string tmpl = (std::filesystem::temp_directory_path() / "sluice-s3rver-XXXXXX").string();
    if (!mkdtemp(tmpl.data())) return ErrnoStatus("mkdtemp", errno);
    dir_ = tmpl;
    port_ = FreePort();
    // s3rver pages listings with a cipher OpenSSL 3 keeps in its legacy provider.
    RETURN_NOT_OK(
        process_.Spawn({node, "--openssl-legacy-provider", script, "-d", dir_, "-a", "127.0.0.1",
                        "-p", std::to_string(port_), "--service-endpoint", "localhost", "--silent"},
                       "sluice-s3rver"));
    return process_.WaitUntilServing(Endpoint() + "/", "s3rver");
  }

  std::string Endpoint() const { return "http://127.0.0.1:" + std::to_string(port_); }
  // Virtual-host requests go to <bucket>.s3.localhost, which libcurl resolves to loopback.
  std::string VirtualHostEndpoint() const { return "http://s3.localhost:" + std::to_string(port_); }
  storage::Credentials credentials() const { return {"S3RVER", "S3RVER", ""}; }
  std::string Log() const { return process_.Log(); }

 private:
  ServerProcess process_;
  std::string dir_;
  int port_ = 0;
};

inline std::shared_ptr<storage::S3Client> MakeClient(const std::string& endpoint,
                                                     const storage::Credentials& credentials,
                                                     storage::S3ClientOptions options = {}) {
  options.endpoint_url = endpoint;
  options.credentials = credentials;
  options.credentials_source = "the test's IAM user";
  options.backoff = {4, std::chrono::milliseconds(10), std::chrono::milliseconds(100)};
  auto client = storage::S3Client::Make(options);
  return client.ok() ? *client : nullptr;
}

// Deterministic bytes that do not start with '<' (so never look like an XML error answer).
inline std::string TestBytes(size_t size, uint64_t seed) {
  std::string out(size, '\0');
  uint64_t x = seed * 0x9E3779B97F4A7C15ull + 1;
  for (size_t i = 0; i < size; ++i) {
    x ^= x << 13;
    x ^= x >> 7;
    x ^= x << 17;
    out[i] = static_cast<char>(x & 0xFF);
  }
  if (!out.empty()) out[0] = 'x';
  return out;
}

}  // namespace sluice::testing
