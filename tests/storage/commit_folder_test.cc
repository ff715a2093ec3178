#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <filesystem>

#include "storage/file_store.h"
#include "temp_dir.h"

namespace sluice::storage {
namespace {

using sluice::testing::TempDir;
using ::testing::ElementsAre;
using ::testing::HasSubstr;

class CommitFolderTest : public ::testing::Test {
 protected:
  // Writes `files` under a fresh staging prefix for `folder` and returns the prefix.
  std::string Stage(const std::string& folder, const std::vector<std::string>& files) {
    std::string staging = store_.NewStagingPrefix(folder);
    for (const auto& f : files) EXPECT_TRUE(store_.Put(staging + f, "data of " + f).ok());
    return staging;
  }
  std::vector<std::string> Listed(const std::string& prefix) {
    std::vector<std::string> keys;
    auto listed = store_.List(prefix);
    EXPECT_TRUE(listed.ok()) << listed.status().ToString();
    if (!listed.ok()) return keys;
    for (const auto& o : *listed) keys.push_back(o.key);
    return keys;
  }
  // Everything in the parent folder, hidden entries included: nothing may be left over.
  std::vector<std::string> RawEntries(const std::string& rel) {
    std::vector<std::string> names;
    for (const auto& e : std::filesystem::directory_iterator(dir_.Path(rel))) {
      names.push_back(e.path().filename().string());
    }
    std::sort(names.begin(), names.end());
    return names;
  }

  TempDir dir_;
  FileObjectStore store_{dir_.path()};
};

TEST_F(CommitFolderTest, OverwriteIntoMissingFolder) {
  std::string staging = Stage("out/f/", {"part-0.csv", "part-1.csv"});
  ASSERT_TRUE(store_.CommitFolder(staging, "out/f/", SaveMode::kOverwrite).ok());
  EXPECT_THAT(Listed("out/"),
              ElementsAre("out/f/_SUCCESS", "out/f/part-0.csv", "out/f/part-1.csv"));
  EXPECT_EQ(dir_.Read("out/f/part-0.csv"), "data of part-0.csv");
  EXPECT_EQ(dir_.Read("out/f/_SUCCESS"), "");
  EXPECT_THAT(RawEntries("out"), ElementsAre("f"));  // staging gone
}

TEST_F(CommitFolderTest, OverwriteReplacesOldContent) {
  dir_.Write("out/f/old-part.csv", "old");
  dir_.Write("out/f/_SUCCESS", "");
  std::string staging = Stage("out/f/", {"new-part.csv"});
  ASSERT_TRUE(store_.CommitFolder(staging, "out/f/", SaveMode::kOverwrite).ok());
  EXPECT_THAT(Listed("out/"), ElementsAre("out/f/_SUCCESS", "out/f/new-part.csv"));
  EXPECT_THAT(RawEntries("out"), ElementsAre("f"));  // neither staging nor the old folder
}

TEST_F(CommitFolderTest, SuccessIsWrittenAfterTheDataFiles) {
  std::string staging = Stage("out/f/", {"part-0.csv", "_SUCCESS"});
  // A writer's own _SUCCESS must not count: the commit writes a fresh, empty one last.
  ASSERT_TRUE(store_.CommitFolder(staging, "out/f", SaveMode::kOverwrite).ok());
  EXPECT_EQ(dir_.Read("out/f/_SUCCESS"), "");
  auto part = std::filesystem::last_write_time(dir_.Path("out/f/part-0.csv"));
  auto success = std::filesystem::last_write_time(dir_.Path("out/f/_SUCCESS"));
  EXPECT_GE(success, part);
}

TEST_F(CommitFolderTest, EmptyStagingPublishesAnEmptyCommittedFolder) {
  std::string staging = store_.NewStagingPrefix("out/empty/");
  ASSERT_TRUE(store_.CommitFolder(staging, "out/empty/", SaveMode::kOverwrite).ok());
  EXPECT_THAT(Listed("out/"), ElementsAre("out/empty/_SUCCESS"));
  EXPECT_THAT(RawEntries("out"), ElementsAre("empty"));
}

TEST_F(CommitFolderTest, AppendKeepsOldFilesAndAddsNew) {
  dir_.Write("out/f/part-old.csv", "old");
  dir_.Write("out/f/_SUCCESS", "");
  std::string staging = Stage("out/f/", {"part-new.csv", "sub/part-x.csv"});
  ASSERT_TRUE(store_.CommitFolder(staging, "out/f/", SaveMode::kAppend).ok());
  EXPECT_THAT(Listed("out/"), ElementsAre("out/f/_SUCCESS", "out/f/part-new.csv",
                                          "out/f/part-old.csv", "out/f/sub/part-x.csv"));
  EXPECT_EQ(dir_.Read("out/f/part-old.csv"), "old");
  EXPECT_THAT(RawEntries("out"), ElementsAre("f"));
}

TEST_F(CommitFolderTest, AppendIntoMissingFolderCreatesIt) {
  std::string staging = Stage("out/f/", {"part-0.csv"});
  ASSERT_TRUE(store_.CommitFolder(staging, "out/f/", SaveMode::kAppend).ok());
  EXPECT_THAT(Listed("out/"), ElementsAre("out/f/_SUCCESS", "out/f/part-0.csv"));
  EXPECT_THAT(RawEntries("out"), ElementsAre("f"));
}

TEST_F(CommitFolderTest, ErrorIfExistsRefusesAFolderWithContent) {
  dir_.Write("out/f/part-old.csv", "old");
  std::string staging = Stage("out/f/", {"part-new.csv"});
  Status st = store_.CommitFolder(staging, "out/f/", SaveMode::kErrorIfExists);
  EXPECT_EQ(st.code(), StatusCode::kAlreadyExists);
  EXPECT_THAT(st.message(), HasSubstr(dir_.Path("out/f")));
  EXPECT_THAT(Listed("out/"), ElementsAre("out/f/part-old.csv"));
  EXPECT_THAT(RawEntries("out"), ElementsAre("f"));  // staging gone on failure too
}

TEST_F(CommitFolderTest, ErrorIfExistsCommitsIntoAnEmptyOrMissingFolder) {
  std::filesystem::create_directories(dir_.Path("out/empty"));
  std::string staging = Stage("out/empty/", {"p.csv"});
  ASSERT_TRUE(store_.CommitFolder(staging, "out/empty/", SaveMode::kErrorIfExists).ok());
  EXPECT_THAT(Listed("out/empty/"), ElementsAre("out/empty/_SUCCESS", "out/empty/p.csv"));
  staging = Stage("out/new/", {"p.csv"});
  ASSERT_TRUE(store_.CommitFolder(staging, "out/new/", SaveMode::kErrorIfExists).ok());
  EXPECT_THAT(Listed("out/new/"), ElementsAre("out/new/_SUCCESS", "out/new/p.csv"));
  EXPECT_THAT(RawEntries("out"), ElementsAre("empty", "new"));
}

TEST_F(CommitFolderTest, IgnoreLeavesExistingContentUntouched) {
  dir_.Write("out/f/part-old.csv", "old");
  std::string staging = Stage("out/f/", {"part-new.csv"});
  ASSERT_TRUE(store_.CommitFolder(staging, "out/f/", SaveMode::kIgnore).ok());
  EXPECT_THAT(Listed("out/"), ElementsAre("out/f/part-old.csv"));
  EXPECT_THAT(RawEntries("out"), ElementsAre("f"));
}

TEST_F(CommitFolderTest, IgnoreCommitsIntoMissingFolder) {
  std::string staging = Stage("out/f/", {"part-new.csv"});
  ASSERT_TRUE(store_.CommitFolder(staging, "out/f/", SaveMode::kIgnore).ok());
  EXPECT_THAT(Listed("out/"), ElementsAre("out/f/_SUCCESS", "out/f/part-new.csv"));
}

TEST_F(CommitFolderTest, FolderThatIsAFileIsRefusedAndStagingRemoved) {
  dir_.Write("out/f", "a file");
  std::string staging = Stage("out/f/", {"p.csv"});
  Status st = store_.CommitFolder(staging, "out/f/", SaveMode::kOverwrite);
  EXPECT_FALSE(st.ok());
  EXPECT_THAT(st.message(), HasSubstr(dir_.Path("out/f")));
  EXPECT_EQ(dir_.Read("out/f"), "a file");
  EXPECT_THAT(RawEntries("out"), ElementsAre("f"));
}

TEST_F(CommitFolderTest, InvalidFolderKeyIsRefusedAndStagingRemoved) {
  std::string staging = Stage("out/f/", {"p.csv"});
  Status st = store_.CommitFolder(staging, "out/../../escape/", SaveMode::kOverwrite);
  EXPECT_EQ(st.code(), StatusCode::kInvalidArgument);
  EXPECT_FALSE(std::filesystem::exists(dir_.Path("../escape")));
  EXPECT_TRUE(std::filesystem::is_empty(dir_.Path("out")));
}

TEST_F(CommitFolderTest, InvalidStagingKeyIsRefused) {
  EXPECT_EQ(store_.CommitFolder("../x/", "out/f/", SaveMode::kOverwrite).code(),
            StatusCode::kInvalidArgument);
  EXPECT_EQ(store_.CommitFolder("out/f/", "out/f/", SaveMode::kOverwrite).code(),
            StatusCode::kInvalidArgument);
}

TEST_F(CommitFolderTest, RepeatedOverwritesNeverDuplicate) {
  for (int run = 0; run < 3; ++run) {
    std::string staging = Stage("out/f/", {"part-" + std::to_string(run) + ".csv"});
    ASSERT_TRUE(store_.CommitFolder(staging, "out/f/", SaveMode::kOverwrite).ok());
  }
  EXPECT_THAT(Listed("out/"), ElementsAre("out/f/_SUCCESS", "out/f/part-2.csv"));
  EXPECT_THAT(RawEntries("out"), ElementsAre("f"));
}

}  // namespace
}  // namespace sluice::storage
