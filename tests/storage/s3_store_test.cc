// The ObjectStore contract on S3 (moto_server): s3:// URIs resolved through
// SLUICE_CONN_AWS_DEFAULT, objects put, read whole, by range and through a reader shared by
// several threads, listings that hide work in progress, and folder commits in every save mode
// with `_SUCCESS` written last (seen in the order of the requests on the wire).
// moto runs without its IAM checks here: they misread '/' in query values (see s3_moto_test).
#include "storage/s3_store.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <stdlib.h>

#include <algorithm>
#include <random>
#include <thread>

#include "fault_proxy.h"
#include "s3_fixtures.h"
#include "s3_test_peers.h"
#include "storage/object_store.h"
#include "storage/s3_connection.h"

namespace sluice::storage {
namespace {

using sluice::testing::FaultProxy;
using sluice::testing::MakeClient;
using sluice::testing::MotoS3;
using sluice::testing::S3PeerSuite;
using sluice::testing::TestBytes;
using ::testing::ElementsAre;
using ::testing::HasSubstr;

constexpr const char* kBucket = "warehouse";

class S3StoreTest : public S3PeerSuite<MotoS3> {
 protected:
  static void SetUpTestSuite() {
    StartPeer(kBucket, /*with_auth=*/false);
    if (start_status_.ok()) {
      setenv(std::string(kS3ConnectionEnv).c_str(), peer_->ConnectionJson().c_str(), 1);
    }
  }
  static void TearDownTestSuite() {
    unsetenv(std::string(kS3ConnectionEnv).c_str());
    S3PeerSuite::TearDownTestSuite();
  }
  void SetUp() override {
    ASSERT_NO_FATAL_FAILURE(S3PeerSuite::SetUp());
    Result<Location> root = ResolveUri("s3://warehouse/");
    ASSERT_TRUE(root.ok()) << root.status().ToString();
    store_ = root->store;
  }

  // A fresh folder per test, so tests do not see each other's objects.
  std::string Folder(const std::string& name) {
    const auto* info = ::testing::UnitTest::GetInstance()->current_test_info();
    std::string root = std::string(info->name()) + "/";
    return name.empty() ? root : root + name + "/";
  }
  std::string Stage(const std::string& folder, const std::vector<std::string>& files) {
    std::string staging = store_->NewStagingPrefix(folder);
    for (const auto& f : files) EXPECT_TRUE(store_->Put(staging + f, "data of " + f).ok());
    return staging;
  }
  std::vector<std::string> Listed(const std::string& prefix) {
    std::vector<std::string> keys;
    auto listed = store_->List(prefix);
    EXPECT_TRUE(listed.ok()) << listed.status().ToString();
    if (listed.ok()) {
      for (const auto& o : *listed) keys.push_back(o.key);
    }
    return keys;
  }
  // Every key under `prefix`, hidden ones included: nothing may be left over.
  std::vector<std::string> Raw(const std::string& prefix) { return Keys(prefix); }
  void Write(const std::string& key, const std::string& data) {
    ASSERT_TRUE(store_->Put(key, data).ok()) << key;
  }

  std::shared_ptr<ObjectStore> store_;
};

TEST_F(S3StoreTest, UrisResolveToOneCachedStorePerBucket) {
  Result<Location> a = ResolveUri("s3://warehouse/data/train features.csv");
  ASSERT_TRUE(a.ok()) << a.status().ToString();
  EXPECT_EQ(a->store->RootUri(), "s3://warehouse/");
  EXPECT_EQ(a->key, "data/train features.csv");
  EXPECT_EQ(a->uri, "s3://warehouse/data/train features.csv");
  Result<Location> b = ResolveUri("s3a://warehouse/other");
  ASSERT_TRUE(b.ok());
  EXPECT_EQ(a->store.get(), b->store.get());
  EXPECT_EQ(ResolveUri("s3://warehouse").ValueOr({}).key, "");
  EXPECT_EQ(ResolveUri("s3://warehouse/a/../b").status().code(), StatusCode::kInvalidArgument);
  Result<Location> no_bucket = ResolveUri("s3:///key");
  EXPECT_EQ(no_bucket.status().code(), StatusCode::kInvalidArgument);
  EXPECT_THAT(no_bucket.status().message(), HasSubstr("s3:///key"));
}

TEST_F(S3StoreTest, PutGetRangeHeadListDelete) {
  std::string folder = Folder("f");
  Write(folder + "b.csv", "bbb");
  Write(folder + "a/x.csv", "0123456789");
  EXPECT_EQ(store_->Get(folder + "a/x.csv").ValueOr("?"), "0123456789");
  EXPECT_EQ(store_->GetRange(folder + "a/x.csv", 3, 4).ValueOr("?"), "3456");
  EXPECT_EQ(store_->GetRange(folder + "a/x.csv", 8, 100).ValueOr("?"), "89");
  EXPECT_EQ(store_->GetRange(folder + "a/x.csv", -1, 2).status().code(),
            StatusCode::kInvalidArgument);
  Result<ObjectInfo> head = store_->Head(folder + "a/x.csv");
  ASSERT_TRUE(head.ok()) << head.status().ToString();
  EXPECT_EQ(head->size, 10);
  EXPECT_EQ(head->key, folder + "a/x.csv");
  EXPECT_THAT(Listed(folder), ElementsAre(folder + "a/x.csv", folder + "b.csv"));
  ASSERT_TRUE(store_->Delete(folder + "b.csv").ok());
  ASSERT_TRUE(store_->Delete(folder + "b.csv").ok());
  EXPECT_THAT(Listed(folder), ElementsAre(folder + "a/x.csv"));
  EXPECT_EQ(store_->Get(folder + "b.csv").status().code(), StatusCode::kNotFound);
  EXPECT_EQ(store_->Head(folder + "b.csv").status().code(), StatusCode::kNotFound);
  EXPECT_EQ(store_->OpenReader(folder + "b.csv").status().code(), StatusCode::kNotFound);
  EXPECT_EQ(store_->Get(folder).status().code(), StatusCode::kInvalidArgument);
}

TEST_F(S3StoreTest, ListHidesStagingAndFolderMarkers) {
  std::string folder = Folder("f");
  Write(folder + "visible.csv", "x");
  ASSERT_TRUE(client_->PutObject(kBucket, folder + "marker/", "").ok());
  std::string staging = Stage(folder + "out/", {"part-0.csv"});
  EXPECT_THAT(Listed(folder), ElementsAre(folder + "visible.csv"));
  ASSERT_TRUE(store_->DiscardStaging(staging).ok());
  EXPECT_THAT(Raw(folder), ElementsAre(folder + "marker/", folder + "visible.csv"));
}

TEST_F(S3StoreTest, LargePutIsMultipartAndReadsBackWhole) {
  std::string key = Folder("f") + "big.bin";
  std::string data = TestBytes((17 << 20) + 1, 9);
  Write(key, data);
  EXPECT_THAT(client_->HeadObject(kBucket, key)->etag, ::testing::EndsWith("-3\""));
  EXPECT_TRUE(store_->Get(key).ValueOr("?") == data);
}

TEST_F(S3StoreTest, ReaderServesManyThreadsWithoutLoadingTheObject) {
  std::string key = Folder("f") + "shared.bin";
  const std::string data = TestBytes(40 << 20, 10);
  Write(key, data);
  Result<std::unique_ptr<ObjectReader>> reader = store_->OpenReader(key);
  ASSERT_TRUE(reader.ok()) << reader.status().ToString();
  EXPECT_EQ((*reader)->Size(), static_cast<int64_t>(data.size()));
  std::atomic<int> bad{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < 6; ++t) {
    threads.emplace_back([&, t] {
      std::mt19937_64 rng(t);
      // Small (read-ahead window), medium (one ranged GET), large (parallel GETs), the end.
      const int64_t sizes[] = {100, 200'000, 3 << 20, 20 << 20};
      for (int i = 0; i < 6; ++i) {
        int64_t length = sizes[(t + i) % 4];
        int64_t offset = static_cast<int64_t>(rng() % (data.size() - 10));
        std::string buffer(static_cast<size_t>(length), '\0');
        Result<int64_t> n = (*reader)->ReadAt(offset, length, buffer.data());
        int64_t expect = std::min<int64_t>(length, static_cast<int64_t>(data.size()) - offset);
        if (!n.ok() || *n != expect ||
            buffer.compare(0, static_cast<size_t>(expect), data, static_cast<size_t>(offset),
                           static_cast<size_t>(expect)) != 0) {
          ++bad;
        }
      }
    });
  }
  for (auto& thread : threads) thread.join();
  EXPECT_EQ(bad.load(), 0);
  char byte = 0;
  EXPECT_EQ((*reader)->ReadAt(static_cast<int64_t>(data.size()), 1, &byte).ValueOr(-1), 0);
}

TEST_F(S3StoreTest, OverwriteIntoMissingFolder) {
  std::string folder = Folder("out");
  std::string staging = Stage(folder, {"part-0.csv", "part-1.csv"});
  ASSERT_TRUE(store_->CommitFolder(staging, folder, SaveMode::kOverwrite).ok());
  EXPECT_THAT(Listed(folder),
              ElementsAre(folder + "_SUCCESS", folder + "part-0.csv", folder + "part-1.csv"));
  EXPECT_EQ(store_->Get(folder + "part-0.csv").ValueOr("?"), "data of part-0.csv");
  EXPECT_EQ(store_->Get(folder + "_SUCCESS").ValueOr("?"), "");
  EXPECT_EQ(Raw(Folder("")).size(), 3u);  // the staging prefix is gone
}

TEST_F(S3StoreTest, OverwriteReplacesOldContent) {
  std::string folder = Folder("out");
  Write(folder + "old-part.csv", "old");
  Write(folder + "sub/old.csv", "old");
  Write(folder + "_SUCCESS", "");
  std::string staging = Stage(folder, {"new-part.csv"});
  ASSERT_TRUE(store_->CommitFolder(staging, folder, SaveMode::kOverwrite).ok());
  EXPECT_THAT(Listed(folder), ElementsAre(folder + "_SUCCESS", folder + "new-part.csv"));
  EXPECT_EQ(Raw(Folder("")).size(), 2u);
}

TEST_F(S3StoreTest, RepeatedOverwritesNeverDuplicate) {
  std::string folder = Folder("out");
  for (int run = 0; run < 3; ++run) {
    std::string staging = Stage(folder, {"part-" + std::to_string(run) + ".csv"});
    ASSERT_TRUE(store_->CommitFolder(staging, folder, SaveMode::kOverwrite).ok());
  }
  EXPECT_THAT(Listed(folder), ElementsAre(folder + "_SUCCESS", folder + "part-2.csv"));
}

TEST_F(S3StoreTest, WritersOwnSuccessIsReplacedAndEmptyStagingStillCommits) {
  std::string folder = Folder("out");
  std::string staging = store_->NewStagingPrefix(folder);
  Write(staging + "_SUCCESS", "not empty");
  ASSERT_TRUE(store_->CommitFolder(staging, folder, SaveMode::kOverwrite).ok());
  EXPECT_THAT(Listed(folder), ElementsAre(folder + "_SUCCESS"));
  EXPECT_EQ(store_->Get(folder + "_SUCCESS").ValueOr("?"), "");
}

TEST_F(S3StoreTest, AppendKeepsOldFilesAndAddsNew) {
  std::string folder = Folder("out");
  Write(folder + "part-old.csv", "old");
  Write(folder + "_SUCCESS", "");
  std::string staging = Stage(folder, {"part-new.csv", "sub/part-x.csv"});
  ASSERT_TRUE(store_->CommitFolder(staging, folder, SaveMode::kAppend).ok());
  EXPECT_THAT(Listed(folder), ElementsAre(folder + "_SUCCESS", folder + "part-new.csv",
                                          folder + "part-old.csv", folder + "sub/part-x.csv"));
  EXPECT_EQ(store_->Get(folder + "part-old.csv").ValueOr("?"), "old");
}

TEST_F(S3StoreTest, ErrorIfExistsRefusesAFolderWithContentAndRemovesStaging) {
  std::string folder = Folder("out");
  Write(folder + "part-old.csv", "old");
  std::string staging = Stage(folder, {"part-new.csv"});
  Status st = store_->CommitFolder(staging, folder, SaveMode::kErrorIfExists);
  EXPECT_EQ(st.code(), StatusCode::kAlreadyExists);
  EXPECT_THAT(st.message(), HasSubstr("s3://warehouse/" + folder));
  EXPECT_THAT(Raw(Folder("")), ElementsAre(folder + "part-old.csv"));
  std::string fresh = Folder("fresh");
  staging = Stage(fresh, {"p.csv"});
  ASSERT_TRUE(store_->CommitFolder(staging, fresh, SaveMode::kErrorIfExists).ok());
  EXPECT_THAT(Listed(fresh), ElementsAre(fresh + "_SUCCESS", fresh + "p.csv"));
}

TEST_F(S3StoreTest, IgnoreLeavesExistingContentUntouched) {
  std::string folder = Folder("out");
  Write(folder + "part-old.csv", "old");
  std::string staging = Stage(folder, {"part-new.csv"});
  ASSERT_TRUE(store_->CommitFolder(staging, folder, SaveMode::kIgnore).ok());
  EXPECT_THAT(Raw(Folder("")), ElementsAre(folder + "part-old.csv"));
  std::string fresh = Folder("fresh");
  staging = Stage(fresh, {"p.csv"});
  ASSERT_TRUE(store_->CommitFolder(staging, fresh, SaveMode::kIgnore).ok());
  EXPECT_THAT(Listed(fresh), ElementsAre(fresh + "_SUCCESS", fresh + "p.csv"));
}

TEST_F(S3StoreTest, FolderThatIsAnObjectIsRefusedAndStagingRemoved) {
  std::string folder = Folder("out");
  std::string as_object = folder.substr(0, folder.size() - 1);
  Write(as_object, "an object");
  std::string staging = Stage(folder, {"p.csv"});
  Status st = store_->CommitFolder(staging, folder, SaveMode::kOverwrite);
  EXPECT_EQ(st.code(), StatusCode::kAlreadyExists);
  EXPECT_THAT(st.message(), HasSubstr("not a folder"));
  EXPECT_THAT(Raw(Folder("")), ElementsAre(as_object));
}

TEST_F(S3StoreTest, InvalidPrefixesAreRefused) {
  std::string folder = Folder("out");
  std::string staging = Stage(folder, {"p.csv"});
  EXPECT_EQ(store_->CommitFolder(staging, "x/../../escape/", SaveMode::kOverwrite).code(),
            StatusCode::kInvalidArgument);
  EXPECT_TRUE(Raw(Folder("")).empty());  // staging removed anyway
  EXPECT_EQ(store_->CommitFolder("../x/", folder, SaveMode::kOverwrite).code(),
            StatusCode::kInvalidArgument);
  EXPECT_EQ(store_->CommitFolder(folder, folder, SaveMode::kOverwrite).code(),
            StatusCode::kInvalidArgument);
}

TEST_F(S3StoreTest, DiscardStagingRemovesEverythingUnderIt) {
  std::string folder = Folder("out");
  std::string staging = Stage(folder, {"a.csv", "deep/b.csv"});
  EXPECT_EQ(Raw(Folder("")).size(), 2u);
  ASSERT_TRUE(store_->DiscardStaging(staging).ok());
  EXPECT_TRUE(Raw(Folder("")).empty());
}

// The order of the requests on the wire: the old _SUCCESS goes first, the new one last.
TEST_F(S3StoreTest, SuccessIsDeletedFirstAndWrittenLast) {
  FaultProxy proxy(peer_->port());
  S3ObjectStore through(MakeClient(proxy.Endpoint(), peer_->credentials()), kBucket);
  std::string folder = Folder("out");
  Write(folder + "old.csv", "old");
  Write(folder + "_SUCCESS", "");
  std::string staging = Stage(folder, {"part-0.csv", "part-1.csv", "part-2.csv"});
  ASSERT_TRUE(through.CommitFolder(staging, folder, SaveMode::kOverwrite).ok());
  std::vector<std::string> lines = proxy.request_lines();
  auto index_of = [&](const std::string& needle) {
    for (size_t i = 0; i < lines.size(); ++i) {
      if (lines[i].find(needle) != std::string::npos) return static_cast<int>(i);
    }
    return -1;
  };
  const std::string path = "/warehouse/" + folder;
  int old_success_deleted = index_of("DELETE " + path + "_SUCCESS ");
  int stale_deleted = index_of("POST /warehouse?delete");
  int success_written = index_of("PUT " + path + "_SUCCESS ");
  ASSERT_GE(old_success_deleted, 0);
  ASSERT_GE(stale_deleted, 0);
  ASSERT_GE(success_written, 0);
  for (const char* part : {"part-0.csv", "part-1.csv", "part-2.csv"}) {
    int copied = index_of("PUT " + path + part + " ");
    ASSERT_GE(copied, 0) << part;
    EXPECT_LT(old_success_deleted, copied) << part;
    EXPECT_LT(copied, success_written) << part;
  }
  EXPECT_LT(stale_deleted, success_written);
  EXPECT_EQ(success_written, index_of("PUT " + path + "_SUCCESS ")) << "written once";
  EXPECT_THAT(Listed(folder), ElementsAre(folder + "_SUCCESS", folder + "part-0.csv",
                                          folder + "part-1.csv", folder + "part-2.csv"));
}

}  // namespace
}  // namespace sluice::storage
