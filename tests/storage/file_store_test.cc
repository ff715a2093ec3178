#include "storage/file_store.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <filesystem>
#include <set>

#include "common/thread_pool.h"
#include "temp_dir.h"

namespace sluice::storage {
namespace {

using sluice::testing::TempDir;
using ::testing::ElementsAre;
using ::testing::HasSubstr;

std::vector<std::string> Keys(const std::vector<ObjectInfo>& objects) {
  std::vector<std::string> keys;
  for (const auto& o : objects) keys.push_back(o.key);
  return keys;
}

std::vector<std::string> DirEntries(const std::string& dir) {
  std::vector<std::string> names;
  for (const auto& e : std::filesystem::directory_iterator(dir)) {
    names.push_back(e.path().filename().string());
  }
  std::sort(names.begin(), names.end());
  return names;
}

class FileStoreTest : public ::testing::Test {
 protected:
  TempDir dir_;
  FileObjectStore store_{dir_.path()};
};

TEST_F(FileStoreTest, PutCreatesParentsAndGetReadsBack) {
  ASSERT_TRUE(store_.Put("a/b/c.txt", "hello").ok());
  EXPECT_EQ(dir_.Read("a/b/c.txt"), "hello");
  auto got = store_.Get("a/b/c.txt");
  ASSERT_TRUE(got.ok()) << got.status().ToString();
  EXPECT_EQ(*got, "hello");
}

TEST_F(FileStoreTest, PutReplacesAndLeavesNoTemporaryFiles) {
  ASSERT_TRUE(store_.Put("d/x.csv", "old content").ok());
  ASSERT_TRUE(store_.Put("d/x.csv", "new").ok());
  EXPECT_EQ(*store_.Get("d/x.csv"), "new");
  EXPECT_THAT(DirEntries(dir_.Path("d")), ElementsAre("x.csv"));
}

TEST_F(FileStoreTest, PutOfEmptyObject) {
  ASSERT_TRUE(store_.Put("empty", "").ok());
  EXPECT_EQ(*store_.Get("empty"), "");
  EXPECT_EQ(store_.Head("empty")->size, 0);
}

TEST_F(FileStoreTest, GetMissingIsNotFoundNamingThePath) {
  auto got = store_.Get("nope/x.csv");
  ASSERT_FALSE(got.ok());
  EXPECT_EQ(got.status().code(), StatusCode::kNotFound);
  EXPECT_THAT(got.status().message(), HasSubstr(dir_.Path("nope/x.csv")));
}

TEST_F(FileStoreTest, GetOfAFolderIsNotFound) {
  dir_.Write("f/x", "1");
  EXPECT_EQ(store_.Get("f").status().code(), StatusCode::kNotFound);
}

TEST_F(FileStoreTest, GetRangeInsideAndAtTheEnd) {
  ASSERT_TRUE(store_.Put("r", "0123456789").ok());
  EXPECT_EQ(*store_.GetRange("r", 2, 3), "234");
  EXPECT_EQ(*store_.GetRange("r", 0, 10), "0123456789");
  EXPECT_EQ(*store_.GetRange("r", 7, 100), "789");  // crosses the end: truncated
  EXPECT_EQ(*store_.GetRange("r", 9, 1), "9");
  EXPECT_EQ(*store_.GetRange("r", 10, 5), "");  // starts at the end
  EXPECT_EQ(*store_.GetRange("r", 50, 5), "");  // starts past the end
  EXPECT_EQ(*store_.GetRange("r", 3, 0), "");
}

TEST_F(FileStoreTest, GetRangeRefusesNegativeValues) {
  ASSERT_TRUE(store_.Put("r", "0123").ok());
  EXPECT_EQ(store_.GetRange("r", -1, 2).status().code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(store_.GetRange("r", 0, -2).status().code(), StatusCode::kInvalidArgument);
}

TEST_F(FileStoreTest, ReaderReadsRangesAndShortAtTheEnd) {
  ASSERT_TRUE(store_.Put("r", "abcdefghij").ok());
  auto reader = store_.OpenReader("r");
  ASSERT_TRUE(reader.ok()) << reader.status().ToString();
  EXPECT_EQ((*reader)->Size(), 10);
  char buf[16] = {};
  EXPECT_EQ(*(*reader)->ReadAt(3, 4, buf), 4);
  EXPECT_EQ(std::string(buf, 4), "defg");
  EXPECT_EQ(*(*reader)->ReadAt(8, 16, buf), 2);
  EXPECT_EQ(std::string(buf, 2), "ij");
  EXPECT_EQ(*(*reader)->ReadAt(10, 4, buf), 0);
  EXPECT_FALSE((*reader)->ReadAt(-1, 4, buf).ok());
}

TEST_F(FileStoreTest, ReaderServesManyThreadsAtOnce) {
  std::string data;
  for (int i = 0; i < 100000; ++i) data += static_cast<char>('a' + i % 26);
  ASSERT_TRUE(store_.Put("big", data).ok());
  auto reader = store_.OpenReader("big");
  ASSERT_TRUE(reader.ok());
  const ObjectReader& r = **reader;
  Status st = ThreadPool(4).ParallelFor(100, [&](size_t i) -> Status {
    int64_t offset = static_cast<int64_t>(i) * 1000;
    std::string buf(1000, '\0');
    ASSIGN_OR_RETURN(int64_t n, r.ReadAt(offset, 1000, buf.data()));
    if (n != 1000 || buf != data.substr(offset, 1000)) return Status::Internal("mismatch");
    return Status::OK();
  });
  EXPECT_TRUE(st.ok()) << st.ToString();
}

TEST_F(FileStoreTest, OpenReaderOfMissingIsNotFound) {
  EXPECT_EQ(store_.OpenReader("missing").status().code(), StatusCode::kNotFound);
}

TEST_F(FileStoreTest, ListIsRecursiveAndSortedByKey) {
  dir_.Write("data/z.csv", "zz");
  dir_.Write("data/a.csv", "a");
  dir_.Write("data/sub/b.csv", "bbb");
  dir_.Write("other/c.csv", "c");
  auto listed = store_.List("data/");
  ASSERT_TRUE(listed.ok()) << listed.status().ToString();
  EXPECT_THAT(Keys(*listed), ElementsAre("data/a.csv", "data/sub/b.csv", "data/z.csv"));
  EXPECT_EQ((*listed)[1].size, 3);
  EXPECT_GT((*listed)[1].mtime_ms, 0);
  EXPECT_THAT(Keys(*store_.List("")),
              ElementsAre("data/a.csv", "data/sub/b.csv", "data/z.csv", "other/c.csv"));
}

TEST_F(FileStoreTest, ListPrefixNeedNotBeAFolder) {
  dir_.Write("data/train_features.csv", "1");
  dir_.Write("data/train_salaries.csv", "2");
  dir_.Write("data/test_features.csv", "3");
  dir_.Write("data/trainx/inner.csv", "4");
  dir_.Write("dat", "5");
  EXPECT_THAT(
      Keys(*store_.List("data/train")),
      ElementsAre("data/train_features.csv", "data/train_salaries.csv", "data/trainx/inner.csv"));
  EXPECT_THAT(Keys(*store_.List("dat")),
              ElementsAre("dat", "data/test_features.csv", "data/train_features.csv",
                          "data/train_salaries.csv", "data/trainx/inner.csv"));
}

TEST_F(FileStoreTest, ListOfMissingPrefixIsEmpty) {
  auto listed = store_.List("no/such/prefix");
  ASSERT_TRUE(listed.ok());
  EXPECT_TRUE(listed->empty());
}

TEST_F(FileStoreTest, ListSkipsStagingAndTemporaryFiles) {
  dir_.Write("out/part-0.csv", "x");
  std::string staging = store_.NewStagingPrefix("out/");
  ASSERT_TRUE(store_.Put(staging + "part-1.csv", "y").ok());
  dir_.Write("out/.part-2.csv.tmp-0123abcd", "partial");
  dir_.Write("out/.keep", "visible: not one of ours");
  EXPECT_THAT(Keys(*store_.List("")), ElementsAre("out/.keep", "out/part-0.csv"));
  // The staging prefix itself can still be listed, which is how a commit finds its files.
  EXPECT_THAT(Keys(*store_.List(staging)), ElementsAre(staging + "part-1.csv"));
}

TEST_F(FileStoreTest, HeadGivesSizeAndTime) {
  ASSERT_TRUE(store_.Put("h/x", "12345").ok());
  auto info = store_.Head("h/x");
  ASSERT_TRUE(info.ok());
  EXPECT_EQ(info->key, "h/x");
  EXPECT_EQ(info->size, 5);
  auto now_ms = std::chrono::duration_cast<std::chrono::milliseconds>(
                    std::chrono::system_clock::now().time_since_epoch())
                    .count();
  EXPECT_NEAR(static_cast<double>(info->mtime_ms), static_cast<double>(now_ms), 60000.0);
}

TEST_F(FileStoreTest, HeadMissingNamesThePath) {
  auto info = store_.Head("h/missing");
  ASSERT_FALSE(info.ok());
  EXPECT_EQ(info.status().code(), StatusCode::kNotFound);
  EXPECT_THAT(info.status().message(), HasSubstr(dir_.Path("h/missing")));
  dir_.Write("h/dir/f", "1");
  EXPECT_EQ(store_.Head("h/dir").status().code(), StatusCode::kNotFound);
}

TEST_F(FileStoreTest, DeleteRemovesAndMissingIsFine) {
  ASSERT_TRUE(store_.Put("d/x", "1").ok());
  ASSERT_TRUE(store_.Delete("d/x").ok());
  EXPECT_FALSE(dir_.Exists("d/x"));
  EXPECT_TRUE(store_.Delete("d/x").ok());
  EXPECT_TRUE(store_.Delete("no/such/dir/x").ok());
}

TEST_F(FileStoreTest, EveryOperationRefusesEscapingKeys) {
  TempDir outside;
  std::string escape = "../" + std::filesystem::path(outside.path()).filename().string() + "/x";
  for (std::string key :
       {escape, std::string("a/../../x"), std::string("/etc/passwd"), std::string("a/./b"),
        std::string(""), std::string("a//b"), std::string("a\0b", 3), std::string("..")}) {
    SCOPED_TRACE(key);
    EXPECT_EQ(store_.Put(key, "x").code(), StatusCode::kInvalidArgument);
    EXPECT_EQ(store_.Get(key).status().code(), StatusCode::kInvalidArgument);
    EXPECT_EQ(store_.GetRange(key, 0, 1).status().code(), StatusCode::kInvalidArgument);
    EXPECT_EQ(store_.OpenReader(key).status().code(), StatusCode::kInvalidArgument);
    EXPECT_EQ(store_.Head(key).status().code(), StatusCode::kInvalidArgument);
    EXPECT_EQ(store_.Delete(key).code(), StatusCode::kInvalidArgument);
    if (!key.empty()) {
      EXPECT_EQ(store_.List(key).status().code(), StatusCode::kInvalidArgument);
    }
  }
  EXPECT_FALSE(outside.Exists("x"));
}

TEST_F(FileStoreTest, ObjectKeysMustNotEndInSlash) {
  EXPECT_EQ(store_.Put("folder/", "x").code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(store_.Get("folder/").status().code(), StatusCode::kInvalidArgument);
}

TEST(ValidateKeyTest, AcceptsNormalKeysAndFolderPrefixes) {
  EXPECT_TRUE(ValidateKey("a").ok());
  EXPECT_TRUE(ValidateKey("a/b/c.csv").ok());
  EXPECT_TRUE(ValidateKey("a/b/").ok());
  EXPECT_TRUE(ValidateKey(".hidden/..x/x..").ok());
}

TEST(ValidateKeyTest, MessagesNameTheKey) {
  for (std::string key : {"../x", "a/../b", "/abs", "a/./b", "a//b"}) {
    Status st = ValidateKey(key);
    EXPECT_EQ(st.code(), StatusCode::kInvalidArgument) << key;
    EXPECT_THAT(st.message(), HasSubstr("'" + key + "'"));
  }
  EXPECT_EQ(ValidateKey("").code(), StatusCode::kInvalidArgument);
  EXPECT_THAT(ValidateKey(std::string("a\0b", 3)).message(), HasSubstr("NUL"));
}

TEST_F(FileStoreTest, StagingPrefixIsAHiddenUniqueSibling) {
  std::string a = store_.NewStagingPrefix("out/average_salary/jobType/");
  std::string b = store_.NewStagingPrefix("out/average_salary/jobType");
  EXPECT_THAT(a, ::testing::StartsWith("out/average_salary/.jobType.staging-"));
  EXPECT_TRUE(a.ends_with('/'));
  EXPECT_NE(a, b);
  EXPECT_TRUE(ValidateKey(a).ok());
  EXPECT_THAT(store_.NewStagingPrefix("top/"), ::testing::StartsWith(".top.staging-"));
}

TEST_F(FileStoreTest, RootUri) {
  EXPECT_EQ(FileObjectStore("/").RootUri(), "file:///");
  EXPECT_EQ(FileObjectStore("/var/data/").RootUri(), "file:///var/data/");
  EXPECT_EQ(FileObjectStore("/var/data").PathOf("a/b"), "/var/data/a/b");
  EXPECT_EQ(FileObjectStore("/").PathOf("a/b"), "/a/b");
}

}  // namespace
}  // namespace sluice::storage
