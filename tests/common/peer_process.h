// A server a test starts as a child process (moto_server, s3rver, ...): found on PATH or in the
// bootstrap's tools folder, its output kept in a log file, waited for until it answers HTTP, and
// killed with its process group when stopped or, should the test die first, by the kernel.
#pragma once

#include <fcntl.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include "common/status.h"
#include "storage/http_client.h"

extern char** environ;

namespace sluice::testing {

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

}  // namespace sluice::testing
