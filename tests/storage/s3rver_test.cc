// A second opinion from s3rver (npm), which parses requests its own way (it checks access keys
// but not SigV4 signatures; s3_client_test and the moto tests cover those): objects whole and by
// range, keys with unicode, '+' and other reserved characters, listings with a
// delimiter and with pagination, a multipart round trip, batch delete of XML-hostile keys,
// virtual-host addressing, and the ObjectStore over it.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "s3_fixtures.h"
#include "s3_test_peers.h"
#include "storage/s3_client.h"
#include "storage/s3_store.h"

namespace sluice::storage {
namespace {

using sluice::testing::MakeClient;
using sluice::testing::S3PeerSuite;
using sluice::testing::S3rver;
using sluice::testing::TestBytes;
using ::testing::ElementsAre;

constexpr const char* kBucket = "second-opinion";

class S3rverTest : public S3PeerSuite<S3rver> {
 protected:
  static void SetUpTestSuite() { StartPeer(kBucket); }
};

TEST_F(S3rverTest, PutGetRangeHeadDelete) {
  std::string data = TestBytes(100'000, 3);
  ASSERT_TRUE(client_->PutObject(kBucket, "basic/blob.bin", data).ok());
  EXPECT_TRUE(client_->GetObject(kBucket, "basic/blob.bin").ValueOr("?") == data);
  EXPECT_EQ(client_->GetObjectRange(kBucket, "basic/blob.bin", 99'990, 100).ValueOr("?"),
            data.substr(99'990));
  Result<S3ObjectMeta> head = client_->HeadObject(kBucket, "basic/blob.bin");
  ASSERT_TRUE(head.ok()) << head.status().ToString();
  EXPECT_EQ(head->size, 100'000);
  ASSERT_TRUE(client_->DeleteObject(kBucket, "basic/blob.bin").ok());
  EXPECT_EQ(client_->GetObject(kBucket, "basic/blob.bin").status().code(), StatusCode::kNotFound);
  EXPECT_EQ(S3ErrorCode(client_->GetObject(kBucket, "basic/blob.bin").status()), "NoSuchKey");
}

TEST_F(S3rverTest, KeysWithUnicodePlusAndReservedCharacters) {
  const std::vector<std::string> keys = {"odd/a b/c  d.csv", "odd/plus+sign=eq&amp.csv",
                                         "odd/ünï cødé/ключ.txt", "odd/(paren)*!'~$,;:@.txt"};
  for (size_t i = 0; i < keys.size(); ++i) {
    Status st = client_->PutObject(kBucket, keys[i], "content " + std::to_string(i));
    ASSERT_TRUE(st.ok()) << keys[i] << ": " << st.ToString();
  }
  for (size_t i = 0; i < keys.size(); ++i) {
    EXPECT_EQ(client_->GetObject(kBucket, keys[i]).ValueOr("?"), "content " + std::to_string(i))
        << keys[i];
  }
  std::vector<std::string> sorted = keys;
  std::sort(sorted.begin(), sorted.end());
  EXPECT_EQ(Keys("odd/"), sorted);
  EXPECT_THAT(Keys("odd/ünï cødé/"), ElementsAre("odd/ünï cødé/ключ.txt"));
  ASSERT_TRUE(client_->DeleteObjects(kBucket, keys).ok());
  EXPECT_TRUE(Keys("odd/").empty());
}

TEST_F(S3rverTest, ListingPagesAndDelimiters) {
  std::vector<std::string> expected;
  for (int i = 0; i < 12; ++i) {
    expected.push_back("paged/k" + std::to_string(100 + i));
    ASSERT_TRUE(client_->PutObject(kBucket, expected.back(), "x").ok());
  }
  ASSERT_TRUE(client_->PutObject(kBucket, "paged/sub/deeper", "x").ok());
  std::vector<std::string> all = expected;
  all.push_back("paged/sub/deeper");
  EXPECT_EQ(Keys("paged/", 5), all);
  Result<S3ListPage> top = client_->ListObjectsV2(kBucket, "paged/", "", 1000, "/");
  ASSERT_TRUE(top.ok()) << top.status().ToString();
  EXPECT_EQ(top->objects.size(), 12u);
  EXPECT_THAT(top->common_prefixes, ElementsAre("paged/sub/"));
}

TEST_F(S3rverTest, MultipartRoundTrip) {
  S3ClientOptions options;
  options.part_size = 5 << 20;
  auto client = MakeClient(peer_->Endpoint(), peer_->credentials(), options);
  const std::string data = TestBytes((26 << 20) + 999, 5);
  Status st = client->PutObject(kBucket, "big/multi part.bin", data);
  ASSERT_TRUE(st.ok()) << st.ToString();
  Result<std::string> back = client->GetObject(kBucket, "big/multi part.bin");
  ASSERT_TRUE(back.ok()) << back.status().ToString();
  EXPECT_TRUE(*back == data);
  std::string piece(3 << 20, '\0');
  auto n = client->ReadObjectRange(kBucket, "big/multi part.bin", 4 << 20, 3 << 20, piece.data());
  ASSERT_TRUE(n.ok()) << n.status().ToString();
  EXPECT_TRUE(piece == data.substr(4 << 20, 3 << 20));
}

TEST_F(S3rverTest, VirtualHostAddressing) {
  S3ClientOptions options;
  options.addressing = S3Addressing::kVirtualHost;
  auto client = MakeClient(peer_->VirtualHostEndpoint(), peer_->credentials(), options);
  ASSERT_TRUE(client->PutObject(kBucket, "vhost/x.txt", "by host name").ok());
  EXPECT_EQ(client_->GetObject(kBucket, "vhost/x.txt").ValueOr("?"), "by host name");
  EXPECT_EQ(client->GetObject(kBucket, "vhost/x.txt").ValueOr("?"), "by host name");
}

TEST_F(S3rverTest, UnknownAccessKeyIsRefused) {
  auto client = MakeClient(peer_->Endpoint(), {"NOT-S3RVER", "whatever", ""});
  Result<std::string> got = client->GetObject(kBucket, "anything");
  ASSERT_FALSE(got.ok());
  EXPECT_EQ(S3ErrorCode(got.status()), "InvalidAccessKeyId") << got.status().ToString();
  EXPECT_THAT(got.status().message(), ::testing::HasSubstr("NOT-S3RVER"));
}

TEST_F(S3rverTest, ObjectStoreCommitsAFolder) {
  S3ObjectStore store(client_, kBucket);
  std::string staging = store.NewStagingPrefix("out/avg/");
  ASSERT_TRUE(store.Put(staging + "part-00000.csv", "a,b\n1,2\n").ok());
  Status st = store.CommitFolder(staging, "out/avg/", SaveMode::kOverwrite);
  ASSERT_TRUE(st.ok()) << st.ToString();
  auto listed = store.List("out/");
  ASSERT_TRUE(listed.ok()) << listed.status().ToString();
  ASSERT_EQ(listed->size(), 2u);
  EXPECT_EQ((*listed)[0].key, "out/avg/_SUCCESS");
  EXPECT_EQ((*listed)[1].key, "out/avg/part-00000.csv");
  EXPECT_EQ(store.Get("out/avg/part-00000.csv").ValueOr("?"), "a,b\n1,2\n");
  EXPECT_TRUE(client_->ListAllObjects(kBucket, "out/.avg").ValueOr({{}}).empty());
}

}  // namespace
}  // namespace sluice::storage
