// A temporary SLUICE_HOME driven through the real `sluice` binary (SLUICE_BINARY): DAG files
// and sluice.yml written into it, commands run with their exit code and output, and the
// metadata DB read back. Shared by the process tests of pools, depends_on_past and etl.
#pragma once

#include <fcntl.h>
#include <gtest/gtest.h>
#include <signal.h>
#include <stdlib.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <functional>
#include <map>
#include <memory>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include "orchestrator/sqlite_store.h"

extern char** environ;

namespace sluice::orchestrator::testing {

inline std::string ReadFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

inline std::vector<std::string> Lines(const std::string& path) {
  std::vector<std::string> out;
  std::istringstream in(ReadFile(path));
  for (std::string line; std::getline(in, line);) out.push_back(line);
  return out;
}

inline bool WaitUntil(const std::function<bool()>& done, std::chrono::milliseconds limit) {
  auto deadline = std::chrono::steady_clock::now() + limit;
  while (!done()) {
    if (std::chrono::steady_clock::now() > deadline) return false;
    std::this_thread::sleep_for(std::chrono::milliseconds(25));
  }
  return true;
}

// Runs `sluice <args>` through the shell with SLUICE_HOME=home; returns the exit code, and
// stdout and stderr in *output (stdout only when `stderr_file` is given: stderr is appended
// there, so that JSON on stdout stays parseable).
inline int RunSluice(const std::string& home, const std::string& args, std::string* output,
                     const std::string& stderr_file = "") {
  std::string cmd = "SLUICE_HOME='" + home + "' '" + SLUICE_BINARY + "' " + args +
                    (stderr_file.empty() ? " 2>&1" : " 2>>'" + stderr_file + "'");
  FILE* p = popen(cmd.c_str(), "r");
  std::string out;
  char buf[4096];
  while (size_t n = fread(buf, 1, sizeof buf, p)) out.append(buf, n);
  int status = pclose(p);
  if (output) *output = out;
  return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

// Starts `sluice <command>` in the background with SLUICE_HOME=home and the rest of this
// process's environment, stdout and stderr into `log`; returns its pid, or -1.
inline pid_t SpawnSluice(const std::string& home, const std::string& command,
                         const std::string& log) {
  std::vector<std::string> env_strings = {"SLUICE_HOME=" + home};
  for (char** e = environ; *e; ++e) {
    if (std::string(*e).rfind("SLUICE_HOME=", 0) != 0) env_strings.push_back(*e);
  }
  std::vector<char*> env;
  for (auto& s : env_strings) env.push_back(s.data());
  env.push_back(nullptr);
  int fd = open(log.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
  if (fd < 0) return -1;
  pid_t pid = fork();
  if (pid == 0) {
    dup2(fd, STDOUT_FILENO);
    dup2(fd, STDERR_FILENO);
    execle(SLUICE_BINARY, SLUICE_BINARY, command.c_str(), static_cast<char*>(nullptr), env.data());
    _exit(127);
  }
  close(fd);
  return pid;
}

class CliHome : public ::testing::Test {
 protected:
  void SetUp() override {
    std::string pattern = ::testing::TempDir() + "sluice_home_XXXXXX";
    home_ = mkdtemp(pattern.data());
    std::filesystem::create_directories(home_ + "/dags");
  }

  void TearDown() override {
    if (scheduler_ > 0) StopScheduler();
    store_.reset();
    std::filesystem::remove_all(home_);
  }

  void WriteConfig(const std::string& yaml) { std::ofstream(home_ + "/sluice.yml") << yaml; }

  void WriteDag(const std::string& name, const std::string& yaml) {
    // Written aside and renamed, so that a running scheduler never reads half a file.
    std::string tmp = home_ + "/" + name + ".tmp";
    std::ofstream(tmp) << yaml;
    std::filesystem::rename(tmp, home_ + "/dags/" + name);
  }

  // Runs `sluice <args>` with this home; returns the exit code, stdout and stderr in *output.
  int Sluice(const std::string& args, std::string* output = nullptr) {
    return RunSluice(home_, args, output);
  }

  SqliteStore& Store() {
    if (!store_) {
      auto opened = SqliteStore::Open(home_ + "/sluice.db");
      EXPECT_TRUE(opened.ok()) << opened.status().message();
      store_ = std::move(*opened);
    }
    return *store_;
  }

  // "state/try_number" per task.
  std::map<std::string, std::string> States(const std::string& dag, const std::string& run) {
    std::map<std::string, std::string> out;
    auto tis = Store().ListTaskInstances({dag, run});
    EXPECT_TRUE(tis.ok()) << tis.status().message();
    if (!tis.ok()) return out;
    for (const auto& ti : *tis) {
      out[ti.task_id] = std::string(ToString(ti.state)) + "/" + std::to_string(ti.try_number);
    }
    return out;
  }

  std::string RunState(const std::string& dag, const std::string& run) {
    auto r = Store().GetDagRun({dag, run});
    return r.ok() ? std::string(ToString(r->state)) : "absent";
  }

  // `sluice scheduler` in the background, its output in <home>/scheduler.log.
  void StartScheduler() {
    ASSERT_LE(scheduler_, 0);
    pid_t pid = SpawnSluice(home_, "scheduler", home_ + "/scheduler.log");
    ASSERT_GT(pid, 0);
    scheduler_ = pid;
    ASSERT_TRUE(
        WaitUntil([&] { return SchedulerLog().find("scheduler started") != std::string::npos; },
                  std::chrono::seconds(10)))
        << SchedulerLog();
  }

  // SIGTERM, then waits for it (SIGKILL past 10 s).
  void StopScheduler() {
    kill(scheduler_, SIGTERM);
    int status = 0;
    bool ended = WaitUntil([&] { return waitpid(scheduler_, &status, WNOHANG) == scheduler_; },
                           std::chrono::seconds(10));
    if (!ended) {
      ADD_FAILURE() << "the scheduler did not stop; killing it";
      kill(scheduler_, SIGKILL);
      waitpid(scheduler_, &status, 0);
    }
    scheduler_ = 0;
  }

  std::string SchedulerLog() { return ReadFile(home_ + "/scheduler.log"); }

  std::string home_;
  pid_t scheduler_ = 0;
  std::unique_ptr<SqliteStore> store_;
};

}  // namespace sluice::orchestrator::testing
