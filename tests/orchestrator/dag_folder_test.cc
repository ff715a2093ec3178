#include "orchestrator/dag_folder.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <chrono>
#include <filesystem>
#include <iostream>

#include "../storage/temp_dir.h"

namespace sluice::orchestrator {
namespace {

namespace fs = std::filesystem;
using ::testing::HasSubstr;
using ::testing::StartsWith;

std::string SmallDag(const std::string& id) {
  return "dag_id: " + id + "\ntasks:\n  - id: a\n    operator: empty\n";
}

// A DAG of a realistic size: a schedule, defaults, params and ten templated tasks.
std::string BigDag(int n) {
  std::string s = "dag_id: dag_" + std::to_string(n) +
                  "\n"
                  "description: generated DAG number " +
                  std::to_string(n) +
                  "\n"
                  "schedule: '*/15 6-18 * * MON-FRI'\n"
                  "start_date: 2026-01-01\n"
                  "tags: [generated, bench]\n"
                  "params: {bucket: 'file:///w/b" +
                  std::to_string(n) +
                  "', rows: 1000}\n"
                  "default_args: {retries: 2, retry_delay: 30s, execution_timeout: 1h}\n"
                  "tasks:\n"
                  "  - id: t0\n    operator: command\n    command: [echo, '{{ ds }}']\n";
  for (int i = 1; i < 10; ++i) {
    s += "  - id: t" + std::to_string(i) +
         "\n"
         "    operator: bash\n"
         "    upstream: [t" +
         std::to_string(i - 1) +
         "]\n"
         "    env: {OUT: '{{ params.bucket }}/out/ds={{ ds }}', PREV: \"{{ xcom('t" +
         std::to_string(i - 1) +
         "') }}\"}\n"
         "    bash: |\n"
         "      set -euo pipefail\n"
         "      echo \"run {{ run_id }} try {{ try_number }}\"\n"
         "      echo $OUT\n";
  }
  return s;
}

class DagFolderTest : public ::testing::Test {
 protected:
  // Writes a file dated well in the past, so that only real edits look like changes.
  void Write(const std::string& rel, const std::string& text, int hours_ago = 2) {
    dir_.Write("dags/" + rel, text);
    fs::last_write_time(dir_.Path("dags/" + rel),
                        fs::file_time_type::clock::now() - std::chrono::hours(hours_ago));
  }

  std::unique_ptr<DagFolder> Open(DagLoadOptions options = {}) {
    Result<std::unique_ptr<DagFolder>> f = DagFolder::Open(dir_.Path("dags"), std::move(options));
    EXPECT_TRUE(f.ok()) << f.status().ToString();
    return f.ok() ? std::move(f).value() : nullptr;
  }

  static DagFolder::RefreshStats Refresh(DagFolder& folder) {
    Result<DagFolder::RefreshStats> r = folder.Refresh();
    EXPECT_TRUE(r.ok()) << r.status().ToString();
    return r.ValueOr({});
  }

  static std::vector<std::string> Ids(const DagFolder& folder) {
    std::vector<std::string> ids;
    for (const auto& dag : folder.Dags()) ids.push_back(dag->dag_id);
    return ids;
  }

  testing::TempDir dir_;
};

TEST_F(DagFolderTest, ThreeHundredFilesParseFastAndAnUnchangedRefreshIsFaster) {
  for (int i = 0; i < 300; ++i)
    Write("team" + std::to_string(i % 7) + "/dag_" + std::to_string(i) + ".yml", BigDag(i));
  auto folder = Open();
  ASSERT_TRUE(folder);

  auto start = std::chrono::steady_clock::now();
  DagFolder::RefreshStats full = Refresh(*folder);
  auto full_ms = std::chrono::duration_cast<std::chrono::milliseconds>(
                     std::chrono::steady_clock::now() - start)
                     .count();
  EXPECT_EQ(full.files, 300u);
  EXPECT_EQ(full.parsed, 300u);
  std::cout << "full " << full_ms << " ms\n";
  EXPECT_LT(full_ms, 1000) << "full parse of 300 DAG files took " << full_ms << " ms";
  ASSERT_EQ(folder->Dags().size(), 300u);
  for (const DagFolder::File& f : folder->Files()) ASSERT_TRUE(f.error.ok()) << f.error.message();
  EXPECT_EQ(folder->FindDag("dag_42")->tasks.size(), 10u);

  start = std::chrono::steady_clock::now();
  DagFolder::RefreshStats again = Refresh(*folder);
  auto again_ms = std::chrono::duration_cast<std::chrono::milliseconds>(
                      std::chrono::steady_clock::now() - start)
                      .count();
  EXPECT_EQ(again.parsed, 0u);
  EXPECT_EQ(again.files, 300u);
  std::cout << "again " << again_ms << " ms\n";
  EXPECT_LT(again_ms, 100) << "refresh without changes took " << again_ms << " ms";
}

TEST_F(DagFolderTest, RefreshReparsesOnlyChangedNewAndRemovedFiles) {
  Write("a.yml", SmallDag("a"));
  Write("b.yml", SmallDag("b"));
  Write("c.yaml", SmallDag("c"));
  auto folder = Open();
  ASSERT_TRUE(folder);
  DagFolder::RefreshStats s = Refresh(*folder);
  EXPECT_EQ(s.parsed, 3u);
  std::shared_ptr<const DagSpec> a_before = folder->FindDag("a");
  std::shared_ptr<const DagSpec> b_before = folder->FindDag("b");

  Write("b.yml", SmallDag("b") + "    retries: 3\n", 1);  // changed: size and mtime
  s = Refresh(*folder);
  EXPECT_EQ(s.parsed, 1u);
  EXPECT_EQ(s.removed, 0u);
  EXPECT_EQ(folder->FindDag("a"), a_before);  // the very same object: not re-parsed
  EXPECT_NE(folder->FindDag("b"), b_before);
  EXPECT_EQ(folder->FindDag("b")->tasks[0].retries, 3);

  Write("d.yml", SmallDag("d"));
  fs::remove(dir_.Path("dags/c.yaml"));
  s = Refresh(*folder);
  EXPECT_EQ(s.parsed, 1u);
  EXPECT_EQ(s.removed, 1u);
  EXPECT_EQ(s.files, 3u);
  EXPECT_EQ(Ids(*folder), (std::vector<std::string>{"a", "b", "d"}));

  // Same size, only the modification time differs: read again.
  Write("a.yml", SmallDag("a"), 3);
  EXPECT_EQ(Refresh(*folder).parsed, 1u);
  EXPECT_EQ(Refresh(*folder).parsed, 0u);
}

TEST_F(DagFolderTest, AnEditInTheSameMtimeTickIsStillSeen) {
  dir_.Write("dags/x.yml", SmallDag("x1"));
  auto folder = Open();
  ASSERT_TRUE(folder);
  Refresh(*folder);
  ASSERT_TRUE(folder->FindDag("x1"));
  // Same size, and forced to the same mtime: only the recent-edit rule can see it.
  const auto mtime = fs::last_write_time(dir_.Path("dags/x.yml"));
  dir_.Write("dags/x.yml", SmallDag("x2"));
  fs::last_write_time(dir_.Path("dags/x.yml"), mtime);
  Refresh(*folder);
  EXPECT_TRUE(folder->FindDag("x2"));
  EXPECT_FALSE(folder->FindDag("x1"));
}

TEST_F(DagFolderTest, ABrokenFileNeverHidesTheOthers) {
  Write("good.yml", SmallDag("good"));
  Write("broken.yml", "dag_id: broken\ntasks: [{id: a\n");
  Write("cycle.yml",
        "dag_id: cycle\ntasks:\n  - {id: a, operator: empty, upstream: [b]}\n"
        "  - {id: b, operator: empty, upstream: [a]}\n");
  auto folder = Open();
  ASSERT_TRUE(folder);
  EXPECT_EQ(Refresh(*folder).files, 3u);
  EXPECT_EQ(Ids(*folder), std::vector<std::string>{"good"});
  std::vector<DagFolder::File> files = folder->Files();
  ASSERT_EQ(files.size(), 3u);
  EXPECT_EQ(files[0].key, "broken.yml");
  EXPECT_EQ(files[0].path, dir_.Path("dags/broken.yml"));
  EXPECT_FALSE(files[0].dag);
  EXPECT_THAT(files[0].error.message(),
              StartsWith(dir_.Path("dags/broken.yml") + ":3:1: YAML syntax error"));
  EXPECT_THAT(files[1].error.message(), HasSubstr("cycle.yml:4:41: task 'b': upstream 'a' closes"
                                                  " a cycle: a -> b -> a"));
  EXPECT_TRUE(files[2].error.ok());
  EXPECT_TRUE(files[2].dag);
}

TEST_F(DagFolderTest, ClashingDagIdsAreErrorsOnBothFiles) {
  Write("one.yml", SmallDag("same"));
  Write("team/two.yml", "# a copy\n" + SmallDag("same"));
  Write("other.yml", SmallDag("other"));
  auto folder = Open();
  ASSERT_TRUE(folder);
  Refresh(*folder);
  EXPECT_EQ(Ids(*folder), std::vector<std::string>{"other"});
  EXPECT_FALSE(folder->FindDag("same"));
  std::vector<DagFolder::File> files = folder->Files();
  ASSERT_EQ(files.size(), 3u);
  EXPECT_EQ(files[0].key, "one.yml");
  EXPECT_EQ(files[0].error.message(), dir_.Path("dags/one.yml") +
                                          ":1:9: dag_id 'same' is also defined in " +
                                          dir_.Path("dags/team/two.yml"));
  EXPECT_EQ(files[2].key, "team/two.yml");
  EXPECT_EQ(files[2].error.message(), dir_.Path("dags/team/two.yml") +
                                          ":2:9: dag_id 'same' is also defined in " +
                                          dir_.Path("dags/one.yml"));

  // Removing one copy brings the other back without parsing it again.
  fs::remove(dir_.Path("dags/team/two.yml"));
  DagFolder::RefreshStats s = Refresh(*folder);
  EXPECT_EQ(s.parsed, 0u);
  EXPECT_EQ(s.removed, 1u);
  EXPECT_EQ(Ids(*folder), (std::vector<std::string>{"other", "same"}));
  EXPECT_TRUE(folder->Files()[0].error.ok());
}

TEST_F(DagFolderTest, OnlyVisibleYamlFilesCount) {
  Write("a.yml", SmallDag("a"));
  Write("sub/b.yaml", SmallDag("b"));
  Write(".hidden.yml", SmallDag("hidden"));
  Write(".git/c.yml", SmallDag("git"));
  Write("sub/.d.yml", SmallDag("dot"));
  Write("notes.txt", "not yaml");
  Write("e.yml.bak", SmallDag("bak"));
  auto folder = Open();
  ASSERT_TRUE(folder);
  EXPECT_EQ(Refresh(*folder).files, 2u);
  EXPECT_EQ(Ids(*folder), (std::vector<std::string>{"a", "b"}));
}

TEST_F(DagFolderTest, AMissingFolderHoldsNoDags) {
  auto folder = Open();
  ASSERT_TRUE(folder);
  DagFolder::RefreshStats s = Refresh(*folder);
  EXPECT_EQ(s.files, 0u);
  EXPECT_TRUE(folder->Dags().empty());
  Write("a.yml", SmallDag("a"));
  EXPECT_EQ(Refresh(*folder).parsed, 1u);
}

TEST_F(DagFolderTest, TheOperatorValidatorAppliesToEveryFile) {
  Write("a.yml", SmallDag("a"));
  Write("b.yml", "dag_id: b\ntasks:\n  - {id: x, operator: nope}\n");
  DagLoadOptions options;
  options.validate_task = KnownOperators({"empty"});
  auto folder = Open(options);
  ASSERT_TRUE(folder);
  Refresh(*folder);
  EXPECT_EQ(Ids(*folder), std::vector<std::string>{"a"});
  EXPECT_EQ(folder->Files()[1].error.message(),
            dir_.Path("dags/b.yml") + ":3:23: task 'x': unknown operator 'nope' (known: empty)");
}

}  // namespace
}  // namespace sluice::orchestrator
