// The S3 client against a real moto_server with IAM SigV4 checks on: objects whole and by
// range, keys with spaces and slashes, paginated listings, a 100 MB+ multipart round
// trip, batch delete and copy, conditional writes, the errors a user must be able to act on,
// byte-identical exchange with awscli both ways, and faults injected by a proxy: a connection
// dropped mid-answer (resumed) and a refused part (the upload is aborted).
//
// moto checks signatures over the URL as its web framework re-renders it, which differs from
// AWS's canonical form for '+', '=', '&', '(', non-ASCII characters in keys and for '/' in
// query values (boto3 fails there too). So list prefixes here carry no '/', and keys with
// those characters are covered by s3_client_test (AWS's rules, our verifier) and s3rver.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <algorithm>

#include "fault_proxy.h"
#include "s3_fixtures.h"
#include "s3_test_peers.h"
#include "storage/s3_client.h"
#include "temp_dir.h"

namespace sluice::storage {
namespace {

using sluice::testing::FaultProxy;
using sluice::testing::MakeClient;
using sluice::testing::MotoS3;
using sluice::testing::RunCommand;
using sluice::testing::S3PeerSuite;
using sluice::testing::TempDir;
using sluice::testing::TestBytes;
using ::testing::ElementsAre;
using ::testing::EndsWith;
using ::testing::HasSubstr;
using ::testing::Not;

constexpr const char* kBucket = "sluice-moto";

class S3MotoTest : public S3PeerSuite<MotoS3> {
 protected:
  static void SetUpTestSuite() { StartPeer(kBucket); }

  // awscli against moto, with the test user's credentials and nothing from this machine.
  sluice::testing::CommandResult Aws(std::vector<std::string> args) {
    std::string aws = sluice::testing::FindProgram("aws", SLUICE_SOURCE_DIR "/tools/py/bin/aws");
    EXPECT_FALSE(aws.empty()) << "awscli is missing: run scripts/bootstrap.sh";
    args.insert(args.begin(), aws);
    args.push_back("--endpoint-url");
    args.push_back(peer_->Endpoint());
    return RunCommand(args, {{"AWS_ACCESS_KEY_ID", peer_->credentials().access_key_id},
                             {"AWS_SECRET_ACCESS_KEY", peer_->credentials().secret_access_key},
                             {"AWS_DEFAULT_REGION", "us-east-1"},
                             {"AWS_SHARED_CREDENTIALS_FILE", "/nonexistent"},
                             {"AWS_CONFIG_FILE", "/nonexistent"},
                             {"AWS_PROFILE", ""},
                             {"AWS_ENDPOINT_URL", ""}});
  }
};

TEST_F(S3MotoTest, PutGetRangeHeadDelete) {
  std::string data = "jobId,salary\nJOB1,100\nJOB2,200\n";
  ASSERT_TRUE(client_->PutObject(kBucket, "basic/train.csv", data).ok());

  Result<std::string> got = client_->GetObject(kBucket, "basic/train.csv");
  ASSERT_TRUE(got.ok()) << got.status().ToString();
  EXPECT_EQ(*got, data);
  EXPECT_EQ(client_->GetObjectRange(kBucket, "basic/train.csv", 13, 9).ValueOr("?"), "JOB1,100\n");
  EXPECT_EQ(client_->GetObjectRange(kBucket, "basic/train.csv", 30, 100).ValueOr("?"), "\n");
  EXPECT_EQ(client_->GetObjectRange(kBucket, "basic/train.csv", 500, 10).ValueOr("?"), "");

  char buffer[8] = {0};
  Result<int64_t> n = client_->ReadObjectRange(kBucket, "basic/train.csv", 4, 5, buffer);
  ASSERT_TRUE(n.ok()) << n.status().ToString();
  EXPECT_EQ(std::string(buffer, *n), "d,sal");

  Result<S3ObjectMeta> head = client_->HeadObject(kBucket, "basic/train.csv");
  ASSERT_TRUE(head.ok()) << head.status().ToString();
  EXPECT_EQ(head->size, static_cast<int64_t>(data.size()));
  EXPECT_GT(head->mtime_ms, 1'600'000'000'000);
  EXPECT_THAT(head->etag, ::testing::StartsWith("\""));

  ASSERT_TRUE(client_->DeleteObject(kBucket, "basic/train.csv").ok());
  Result<std::string> gone = client_->GetObject(kBucket, "basic/train.csv");
  ASSERT_FALSE(gone.ok());
  EXPECT_EQ(gone.status().code(), StatusCode::kNotFound);
  EXPECT_EQ(S3ErrorCode(gone.status()), "NoSuchKey");
  EXPECT_THAT(gone.status().message(), HasSubstr("s3://sluice-moto/basic/train.csv"));
  Result<S3ObjectMeta> head_gone = client_->HeadObject(kBucket, "basic/train.csv");
  EXPECT_EQ(head_gone.status().code(), StatusCode::kNotFound);
  EXPECT_TRUE(client_->DeleteObject(kBucket, "basic/train.csv").ok());  // missing is fine
}

TEST_F(S3MotoTest, EmptyObject) {
  ASSERT_TRUE(client_->PutObject(kBucket, "empty/_SUCCESS", "").ok());
  EXPECT_EQ(client_->GetObject(kBucket, "empty/_SUCCESS").ValueOr("?"), "");
  EXPECT_EQ(client_->HeadObject(kBucket, "empty/_SUCCESS")->size, 0);
}

TEST_F(S3MotoTest, KeysWithSpacesAndSlashes) {
  const std::vector<std::string> keys = {"odd keys/a b/c  d.csv", "odd keys/ lead and trail ",
                                         "odd keys/deep/er/and deeper/x.csv",
                                         "odd keys/tilde~dash-under_score.txt"};
  for (size_t i = 0; i < keys.size(); ++i) {
    ASSERT_TRUE(client_->PutObject(kBucket, keys[i], "content " + std::to_string(i)).ok())
        << keys[i];
  }
  for (size_t i = 0; i < keys.size(); ++i) {
    EXPECT_EQ(client_->GetObject(kBucket, keys[i]).ValueOr("?"), "content " + std::to_string(i))
        << keys[i];
  }
  std::vector<std::string> sorted = keys;
  std::sort(sorted.begin(), sorted.end());
  EXPECT_EQ(Keys("odd keys"), sorted);
}

TEST_F(S3MotoTest, ListingFollowsContinuationTokens) {
  std::vector<std::string> expected;
  for (int i = 0; i < 23; ++i) {
    char name[32];
    std::snprintf(name, sizeof(name), "paged/k%03d", i);
    expected.push_back(name);
    ASSERT_TRUE(client_->PutObject(kBucket, name, std::to_string(i)).ok());
  }
  ASSERT_TRUE(client_->PutObject(kBucket, "pagex/not-this", "x").ok());
  Result<S3ListPage> first = client_->ListObjectsV2(kBucket, "paged", "", 10);
  ASSERT_TRUE(first.ok()) << first.status().ToString();
  EXPECT_EQ(first->objects.size(), 10u);
  EXPECT_FALSE(first->next_continuation_token.empty());
  EXPECT_EQ(Keys("paged", 10), expected);
  EXPECT_EQ(Keys("paged", 7), expected);
}

TEST_F(S3MotoTest, MultipartRoundTripOfMoreThan100MB) {
  const std::string data = TestBytes((100u << 20) + 12345, 7);
  ASSERT_TRUE(client_->PutObject(kBucket, "big/blob.bin", data).ok());
  Result<S3ObjectMeta> head = client_->HeadObject(kBucket, "big/blob.bin");
  ASSERT_TRUE(head.ok()) << head.status().ToString();
  EXPECT_EQ(head->size, static_cast<int64_t>(data.size()));
  EXPECT_THAT(head->etag, EndsWith("-13\""));  // 8 MiB parts: a multipart upload's ETag
  Result<std::string> back = client_->GetObject(kBucket, "big/blob.bin");
  ASSERT_TRUE(back.ok()) << back.status().ToString();
  EXPECT_TRUE(*back == data) << "the 100 MB object came back different";
  auto open = client_->ListMultipartUploads(kBucket, "big");
  ASSERT_TRUE(open.ok()) << open.status().ToString();
  EXPECT_TRUE(open->empty());
  ASSERT_TRUE(client_->DeleteObject(kBucket, "big/blob.bin").ok());
}

TEST_F(S3MotoTest, DeleteObjectsInBatches) {
  std::vector<std::string> keys;
  for (int i = 0; i < 6; ++i) {
    keys.push_back("batch/" + std::to_string(i) + " x");
    ASSERT_TRUE(client_->PutObject(kBucket, keys.back(), "x").ok());
  }
  std::vector<std::string> doomed(keys.begin(), keys.begin() + 5);
  doomed.push_back("batch/never-existed");
  ASSERT_TRUE(client_->DeleteObjects(kBucket, doomed).ok());
  EXPECT_THAT(Keys("batch"), ElementsAre(keys[5]));
  EXPECT_TRUE(client_->DeleteObjects(kBucket, {}).ok());
}

TEST_F(S3MotoTest, CopyObjectWholeAndInParts) {
  std::string small = TestBytes(1000, 1);
  ASSERT_TRUE(client_->PutObject(kBucket, "copy/src small", small).ok());
  ASSERT_TRUE(client_->CopyObject(kBucket, "copy/src small", "copy/dst small").ok());
  EXPECT_EQ(client_->GetObject(kBucket, "copy/dst small").ValueOr("?"), small);

  S3ClientOptions options;
  options.multipart_copy_threshold = 6 << 20;
  options.copy_part_size = 5 << 20;
  auto parts = MakeClient(peer_->Endpoint(), peer_->credentials(), options);
  std::string large = TestBytes((12 << 20) + 7, 2);
  ASSERT_TRUE(parts->PutObject(kBucket, "copy/src large", large).ok());
  Status st = parts->CopyObject(kBucket, "copy/src large", "copy/dst large");
  ASSERT_TRUE(st.ok()) << st.ToString();
  EXPECT_THAT(parts->HeadObject(kBucket, "copy/dst large")->etag, EndsWith("-3\""));
  EXPECT_TRUE(parts->GetObject(kBucket, "copy/dst large").ValueOr("?") == large);
}

TEST_F(S3MotoTest, IfNoneMatchRefusesToReplace) {
  S3PutOptions create_only;
  create_only.if_none_match = true;
  ASSERT_TRUE(client_->PutObject(kBucket, "cond/once", "first", create_only).ok());
  Status again = client_->PutObject(kBucket, "cond/once", "second", create_only);
  EXPECT_EQ(again.code(), StatusCode::kAlreadyExists) << again.ToString();
  EXPECT_EQ(S3ErrorCode(again), "PreconditionFailed");
  EXPECT_EQ(client_->GetObject(kBucket, "cond/once").ValueOr("?"), "first");
}

TEST_F(S3MotoTest, WrongSecretIsSignatureDoesNotMatch) {
  Credentials wrong = peer_->credentials();
  wrong.secret_access_key = "not-the-secret-0123456789abcdef";
  auto client = MakeClient(peer_->Endpoint(), wrong);
  Result<std::string> got = client->GetObject(kBucket, "anything");
  ASSERT_FALSE(got.ok());
  EXPECT_EQ(S3ErrorCode(got.status()), "SignatureDoesNotMatch") << got.status().ToString();
  EXPECT_EQ(got.status().code(), StatusCode::kInvalidArgument);
  EXPECT_THAT(got.status().message(), HasSubstr("check the secret access key"));
  EXPECT_THAT(got.status().message(), HasSubstr("s3://sluice-moto/anything"));
  EXPECT_THAT(got.status().message(), HasSubstr(wrong.access_key_id));
  EXPECT_THAT(got.status().message(), Not(HasSubstr(wrong.secret_access_key)));
  EXPECT_THAT(got.status().message(), Not(HasSubstr(peer_->credentials().secret_access_key)));
}

TEST_F(S3MotoTest, UnknownAccessKeyIsInvalidAccessKeyId) {
  auto client = MakeClient(peer_->Endpoint(), {"AKIAUNKNOWNUNKNOWN00", "whatever-secret", ""});
  Status st = client->PutObject(kBucket, "x", "y");
  ASSERT_FALSE(st.ok());
  EXPECT_EQ(S3ErrorCode(st), "InvalidAccessKeyId") << st.ToString();
  EXPECT_THAT(st.message(), HasSubstr("does not know the access key id"));
}

TEST_F(S3MotoTest, MissingBucketIsNoSuchBucket) {
  Result<std::string> got = client_->GetObject("no-such-bucket-here", "data/x.csv");
  ASSERT_FALSE(got.ok());
  EXPECT_EQ(S3ErrorCode(got.status()), "NoSuchBucket") << got.status().ToString();
  EXPECT_EQ(got.status().code(), StatusCode::kNotFound);
  EXPECT_THAT(got.status().message(), HasSubstr("s3://no-such-bucket-here/data/x.csv"));
  EXPECT_THAT(got.status().message(), HasSubstr("check the bucket name"));
  Result<std::vector<S3ObjectMeta>> listed = client_->ListAllObjects("no-such-bucket-here", "");
  EXPECT_EQ(S3ErrorCode(listed.status()), "NoSuchBucket");
}

TEST_F(S3MotoTest, AwsCliReadsWhatSluiceWrites) {
  const std::string small = TestBytes(3 << 20, 11);
  const std::string large = TestBytes((20 << 20) + 3, 12);  // multipart
  ASSERT_TRUE(client_->PutObject(kBucket, "to cli/small one.bin", small).ok());
  ASSERT_TRUE(client_->PutObject(kBucket, "to cli/large one.bin", large).ok());
  auto a = Aws({"s3", "cp", "s3://sluice-moto/to cli/small one.bin", "-"});
  ASSERT_EQ(a.exit_code, 0) << a.err;
  EXPECT_TRUE(a.out == small) << "awscli read " << a.out.size() << " bytes";
  auto b = Aws({"s3", "cp", "s3://sluice-moto/to cli/large one.bin", "-"});
  ASSERT_EQ(b.exit_code, 0) << b.err;
  EXPECT_TRUE(b.out == large) << "awscli read " << b.out.size() << " bytes";
}

TEST_F(S3MotoTest, SluiceReadsWhatAwsCliWrites) {
  TempDir dir;
  const std::string small = TestBytes(100'000, 21);
  const std::string large = TestBytes((18 << 20) + 5, 22);  // awscli uploads it in parts
  dir.Write("small.bin", small);
  dir.Write("large.bin", large);
  auto a = Aws({"s3", "cp", dir.Path("small.bin"), "s3://sluice-moto/from cli/dir/small one.bin"});
  ASSERT_EQ(a.exit_code, 0) << a.err;
  auto b = Aws({"s3", "cp", dir.Path("large.bin"), "s3://sluice-moto/from cli/large.bin"});
  ASSERT_EQ(b.exit_code, 0) << b.err;
  EXPECT_THAT(Keys("from cli"), ElementsAre("from cli/dir/small one.bin", "from cli/large.bin"));
  EXPECT_TRUE(client_->GetObject(kBucket, "from cli/dir/small one.bin").ValueOr("?") == small);
  Result<std::string> back = client_->GetObject(kBucket, "from cli/large.bin");
  ASSERT_TRUE(back.ok()) << back.status().ToString();
  EXPECT_TRUE(*back == large);
  std::string piece(1000, '\0');
  auto n = client_->ReadObjectRange(kBucket, "from cli/large.bin", 9 << 20, 1000, piece.data());
  ASSERT_TRUE(n.ok());
  EXPECT_EQ(piece, large.substr(9 << 20, 1000));
}

TEST_F(S3MotoTest, DroppedConnectionMidAnswerIsResumed) {
  const std::string data = TestBytes(2 << 20, 31);
  ASSERT_TRUE(client_->PutObject(kBucket, "drop/whole.bin", data).ok());
  FaultProxy proxy(peer_->port());
  auto through = MakeClient(proxy.Endpoint(), peer_->credentials());
  proxy.CutAnswerOnce("GET /sluice-moto/drop/whole.bin", 300'000);
  Result<std::string> got = through->GetObject(kBucket, "drop/whole.bin");
  ASSERT_TRUE(got.ok()) << got.status().ToString();
  EXPECT_TRUE(proxy.cut_done());
  EXPECT_TRUE(*got == data) << "resumed download differs (" << got->size() << " bytes)";
  EXPECT_GE(proxy.connections(), 2);
  std::vector<std::string> lines = proxy.request_lines();
  EXPECT_THAT(lines, ::testing::Contains(HasSubstr("HEAD /sluice-moto/drop/whole.bin")));

  // A ranged read into a buffer resumes too, pinned to the object's ETag.
  FaultProxy proxy2(peer_->port());
  auto through2 = MakeClient(proxy2.Endpoint(), peer_->credentials());
  proxy2.CutAnswerOnce("GET /sluice-moto/drop/whole.bin", 100'000);
  std::string buffer(1 << 20, '\0');
  std::string etag = client_->HeadObject(kBucket, "drop/whole.bin")->etag;
  Result<int64_t> n =
      through2->ReadObjectRange(kBucket, "drop/whole.bin", 5000, 1 << 20, buffer.data(), etag);
  ASSERT_TRUE(n.ok()) << n.status().ToString();
  EXPECT_EQ(*n, 1 << 20);
  EXPECT_TRUE(proxy2.cut_done());
  EXPECT_TRUE(buffer == data.substr(5000, 1 << 20));
}

TEST_F(S3MotoTest, ChangedObjectFailsAPinnedRead) {
  ASSERT_TRUE(client_->PutObject(kBucket, "pinned/x", "version one").ok());
  std::string etag = client_->HeadObject(kBucket, "pinned/x")->etag;
  ASSERT_TRUE(client_->PutObject(kBucket, "pinned/x", "version two").ok());
  char buffer[16];
  Result<int64_t> n = client_->ReadObjectRange(kBucket, "pinned/x", 0, 11, buffer, etag);
  ASSERT_FALSE(n.ok());
  EXPECT_EQ(S3ErrorCode(n.status()), "PreconditionFailed") << n.status().ToString();
  EXPECT_THAT(n.status().message(), HasSubstr("changed while it was being read"));
}

TEST_F(S3MotoTest, FailedPartAbortsTheUpload) {
  FaultProxy proxy(peer_->port());
  S3ClientOptions options;
  options.part_size = 5 << 20;
  auto through = MakeClient(proxy.Endpoint(), peer_->credentials(), options);
  proxy.Refuse("partNumber=3&");
  Status st = through->PutObject(kBucket, "abort/big.bin", TestBytes(23 << 20, 41));
  ASSERT_FALSE(st.ok());
  EXPECT_THAT(st.message(), HasSubstr("refused by the test proxy"));
  EXPECT_THAT(st.message(), HasSubstr("s3://sluice-moto/abort/big.bin"));
  auto open = client_->ListMultipartUploads(kBucket, "abort");
  ASSERT_TRUE(open.ok()) << open.status().ToString();
  EXPECT_TRUE(open->empty()) << open->size() << " multipart upload(s) left open";
  EXPECT_THAT(proxy.request_lines(),
              ::testing::Contains(HasSubstr("DELETE /sluice-moto/abort/big.bin?uploadId=")));
  EXPECT_EQ(client_->HeadObject(kBucket, "abort/big.bin").status().code(), StatusCode::kNotFound);
}

}  // namespace
}  // namespace sluice::storage
