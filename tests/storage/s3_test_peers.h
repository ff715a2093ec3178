// Real S3 implementations for the S3 tests, each a child process on 127.0.0.1 that the test
// starts and stops itself: moto_server (with IAM SigV4 checks switched on) and s3rver (npm).
// A missing peer is a failure that says to run scripts/bootstrap.sh, never a silent skip.
// Children run in their own process group, killed when the peer is destroyed or, should the
// test die first, by the kernel (PR_SET_PDEATHSIG).
#pragma once

#include <fcntl.h>
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
#include <map>
#include <memory>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include "common/status.h"
#include "storage/http_client.h"
#include "storage/s3_client.h"
#include "storage/sigv4.h"

extern char** environ;

namespace sluice::testing {

inline int FreePort() {
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

inline std::string ReadWholeFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

// `name` on PATH, else `fallback` if executable; "" if neither.
inline std::string FindProgram(const std::string& name, const std::string& fallback = "") {
  std::stringstream path(std::getenv("PATH") ? std::getenv("PATH") : "");
  for (std::string dir; std::getline(path, dir, ':');) {
    std::string candidate = dir + "/" + name;
    if (!dir.empty() && access(candidate.c_str(), X_OK) == 0) return candidate;
  }
  return !fallback.empty() && access(fallback.c_str(), X_OK) == 0 ? fallback : "";
}

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

// A server child process with its output in a log file.
class ServerProcess {
 public:
  ~ServerProcess() { Stop(); }

  Status Spawn(const std::vector<std::string>& argv, const std::string& log_name) {
    log_path_ = std::filesystem::temp_directory_path() /
                (log_name + "-" + std::to_string(getpid()) + ".log");
    std::vector<char*> args;
    for (const auto& a : argv) args.push_back(const_cast<char*>(a.c_str()));
    args.push_back(nullptr);
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
      execve(args[0], args.data(), environ);
      _exit(127);
    }
    setpgid(pid_, pid_);
    return Status::OK();
  }

  // Polls `url` until anything answers (any HTTP status).
  Status WaitUntilServing(const std::string& url, const std::string& what) {
    storage::HttpClient http({std::chrono::milliseconds(500), std::chrono::milliseconds(2000)});
    for (int i = 0; i < 300; ++i) {
      if (waitpid(pid_, nullptr, WNOHANG) == pid_) {
        pid_ = -1;
        return Status::IoError(what + " exited at start:\n" + Log());
      }
      storage::HttpRequest probe;
      probe.url = url;
      if (http.Send(probe).ok()) return Status::OK();
      std::this_thread::sleep_for(std::chrono::milliseconds(100));
    }
    return Status::IoError(what + " did not answer on " + url + " in 30 s:\n" + Log());
  }

  void Stop() {
    if (getenv("SLUICE_KEEP_PEER_LOGS")) fprintf(stderr, "%s\n", Log().c_str());
    if (pid_ <= 0) return;
    kill(-pid_, SIGTERM);
    bool reaped = false;
    for (int i = 0; i < 50 && !reaped; ++i) {
      reaped = waitpid(pid_, nullptr, WNOHANG) == pid_;
      if (!reaped) std::this_thread::sleep_for(std::chrono::milliseconds(100));
    }
    kill(-pid_, SIGKILL);
    if (!reaped) waitpid(pid_, nullptr, 0);
    pid_ = -1;
    std::error_code ec;
    std::filesystem::remove(log_path_, ec);
  }

  std::string Log() const { return ReadWholeFile(log_path_); }

 private:
  pid_t pid_ = -1;
  std::string log_path_;
};

// The text of the first <tag>...</tag>.
inline std::string XmlValueOf(const std::string& xml, const std::string& tag) {
  size_t start = xml.find("<" + tag + ">");
  size_t end = xml.find("</" + tag + ">");
  if (start == std::string::npos || end == std::string::npos) return "";
  start += tag.size() + 2;
  return xml.substr(start, end - start);
}

// moto_server, by default with IAM checks on: every request must be signed by a key moto
// issued. Without them (with_auth false) any key is accepted: moto's own signature check reads
// '/' in query values differently from AWS, so listings by folder prefix need it off.
class MotoS3 {
 public:
  Status Start(bool with_auth = true) {
    std::string binary = FindProgram("moto_server", SLUICE_SOURCE_DIR "/tools/py/bin/moto_server");
    if (binary.empty()) {
      return Status::NotFound(
          "moto_server is not on PATH nor in tools/py/bin: run scripts/bootstrap.sh, which "
          "installs moto[server]");
    }
    port_ = FreePort();
    RETURN_NOT_OK(
        process_.Spawn({binary, "-H", "127.0.0.1", "-p", std::to_string(port_)}, "sluice-moto-s3"));
    RETURN_NOT_OK(process_.WaitUntilServing(Endpoint() + "/moto-api/", "moto_server"));
    if (!with_auth) {
      credentials_ = {"AKIDMOTONOAUTH", "moto-accepts-any-secret", ""};
      return Status::OK();
    }
    ASSIGN_OR_RETURN(credentials_, MakeUserAndEnableAuth());
    return Status::OK();
  }
  void Stop() { process_.Stop(); }

  std::string Endpoint() const { return "http://127.0.0.1:" + std::to_string(port_); }
  int port() const { return port_; }
  const storage::Credentials& credentials() const { return credentials_; }
  // A SLUICE_CONN_AWS_DEFAULT value pointing at this server.
  std::string ConnectionJson() const {
    return R"({"endpoint_url": ")" + Endpoint() +
           R"(", "region": "us-east-1", "access_key_id": ")" + credentials_.access_key_id +
           R"(", "secret_access_key": ")" + credentials_.secret_access_key + R"("})";
  }
  std::string Log() const { return process_.Log(); }

 private:
  // A signed IAM query-API call, as awscli would make it, while auth is still off.
  Result<std::string> IamCall(const std::string& form) {
    storage::SigV4Request request;
    request.method = "POST";
    request.headers = {{"Host", "127.0.0.1:" + std::to_string(port_)},
                       {"Content-Type", "application/x-www-form-urlencoded; charset=utf-8"}};
    request.payload_sha256 = storage::Sha256Hex(form);
    storage::Credentials bootstrap{"AKIAIOSFODNN7EXAMPLE", "bootstrap-secret", ""};
    ASSIGN_OR_RETURN(auto signature,
                     storage::SignV4(request, bootstrap, {"us-east-1", "iam", Now()}));
    storage::HttpRequest http;
    http.method = "POST";
    http.url = Endpoint() + "/";
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

  Result<storage::Credentials> MakeUserAndEnableAuth() {
    const std::string version = "&Version=2010-05-08";
    RETURN_NOT_OK(IamCall("Action=CreateUser&UserName=sluice-s3" + version).status());
    std::string policy =
        R"({"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"*","Resource":"*"}]})";
    RETURN_NOT_OK(IamCall("Action=PutUserPolicy&UserName=sluice-s3&PolicyName=all&PolicyDocument=" +
                          storage::UriEncode(policy, true) + version)
                      .status());
    ASSIGN_OR_RETURN(std::string key,
                     IamCall("Action=CreateAccessKey&UserName=sluice-s3" + version));
    storage::Credentials credentials{XmlValueOf(key, "AccessKeyId"),
                                     XmlValueOf(key, "SecretAccessKey"), ""};
    if (credentials.access_key_id.empty() || credentials.secret_access_key.empty()) {
      return Status::IoError("CreateAccessKey gave no key: " + key);
    }
    storage::HttpRequest reset;
    reset.method = "POST";
    reset.url = Endpoint() + "/moto-api/reset-auth";
    reset.body = "0";  // from now on every request is authenticated
    ASSIGN_OR_RETURN(storage::HttpResponse answer, storage::HttpClient().Send(reset));
    if (answer.status != 200) return Status::IoError("reset-auth: " + answer.body);
    return credentials;
  }

  ServerProcess process_;
  int port_ = 0;
  storage::Credentials credentials_;
};

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
