// The S3 client's wire form against a small local HTTP server: how keys and query values are
// encoded (spaces, unicode, '+', '/', reserved characters), that what it signs verifies under
// AWS's SigV4 rules for S3, addressing styles, retries, and how error answers become messages.
// Also the XML reading the client relies on.
#include "storage/s3_client.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "storage/s3_client_internal.h"
#include "storage/s3_xml.h"
#include "storage/sigv4.h"
#include "tiny_http_server.h"

namespace sluice::storage {
namespace {

using ::sluice::testing::TinyServer;
using ::testing::HasSubstr;
using ::testing::Not;

constexpr const char* kSecret = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY";

// A recorded raw request, split as a server sees it.
struct Recorded {
  std::string method, raw_path, raw_query, body;
  HttpHeaders headers;
};

Recorded Parse(const std::string& raw) {
  Recorded r;
  size_t head_end = raw.find("\r\n\r\n");
  std::string head = raw.substr(0, head_end);
  r.body = raw.substr(head_end + 4);
  size_t line_end = head.find("\r\n");
  std::string line = head.substr(0, line_end);
  size_t sp1 = line.find(' ');
  size_t sp2 = line.rfind(' ');
  r.method = line.substr(0, sp1);
  std::string target = line.substr(sp1 + 1, sp2 - sp1 - 1);
  size_t q = target.find('?');
  r.raw_path = target.substr(0, q);
  r.raw_query = q == std::string::npos ? "" : target.substr(q + 1);
  size_t at = line_end + 2;
  while (at < head.size()) {
    size_t end = std::min(head.find("\r\n", at), head.size());
    std::string header = head.substr(at, end - at);
    size_t colon = header.find(':');
    std::string value = header.substr(colon + 1);
    while (!value.empty() && value.front() == ' ') value.erase(0, 1);
    r.headers.emplace_back(header.substr(0, colon), value);
    at = end + 2;
  }
  return r;
}

SigV4Verdict Verify(const Recorded& r) {
  ReceivedRequest received{r.method, r.raw_path, r.raw_query, r.headers, r.body};
  auto lookup = [](std::string_view key) -> Result<std::string> {
    if (key == "AKIDEXAMPLE") return std::string(kSecret);
    return Status::NotFound("unknown key");
  };
  SigV4VerifyOptions options{"s3", "us-east-1", Now()};
  options.s3 = true;
  return VerifySigV4(received, lookup, options);
}

std::shared_ptr<S3Client> Client(const std::string& endpoint, S3ClientOptions options = {}) {
  options.endpoint_url = endpoint;
  options.credentials = {"AKIDEXAMPLE", kSecret, ""};
  options.credentials_source = "the test connection";
  options.backoff = {4, std::chrono::milliseconds(1), std::chrono::milliseconds(5)};
  auto client = S3Client::Make(options);
  EXPECT_TRUE(client.ok()) << client.status().ToString();
  return client.ok() ? *client : nullptr;
}

std::string Answer(const std::string& status_line, const std::string& body) {
  return "HTTP/1.1 " + status_line + "\r\nContent-Length: " + std::to_string(body.size()) +
         "\r\nContent-Type: application/xml\r\n\r\n" + body;
}

std::string ErrorXml(const std::string& code, const std::string& message) {
  return "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<Error><Code>" + code + "</Code><Message>" +
         message + "</Message><RequestId>4442587FB7D0A2F9</RequestId></Error>";
}

TEST(S3KeyEncoding, KeysAreEncodedOnceKeepingSlashes) {
  EXPECT_EQ(S3EncodeKey("a b/c+d/ü.txt"), "a%20b/c%2Bd/%C3%BC.txt");
  EXPECT_EQ(S3EncodeKey("x=1&y=(2)*!'~-_.csv"), "x%3D1%26y%3D%282%29%2A%21%27~-_.csv");
  EXPECT_EQ(S3EncodeKey("100%/a//b"), "100%25/a//b");
}

TEST(S3KeyEncoding, WireRequestsCarryEncodedKeysAndVerifyUnderAwsRules) {
  TinyServer server;
  server.SetResponse(Answer("200 OK", ""));
  auto client = Client(server.Url(""));
  const std::vector<std::pair<std::string, std::string>> cases = {
      {"data/train features.csv", "/bucket/data/train%20features.csv"},
      {"a+b/c=d&e.csv", "/bucket/a%2Bb/c%3Dd%26e.csv"},
      {"ünï/cødé/ключ.txt", "/bucket/%C3%BCn%C3%AF/c%C3%B8d%C3%A9/%D0%BA%D0%BB%D1%8E%D1%87.txt"},
      {"odd/(x)*!'~;:@$,.csv", "/bucket/odd/%28x%29%2A%21%27~%3B%3A%40%24%2C.csv"},
      {"percent/%41%", "/bucket/percent/%2541%25"}};
  for (const auto& [key, path] : cases) {
    ASSERT_TRUE(client->PutObject("bucket", key, "body of " + key).ok()) << key;
  }
  std::vector<std::string> requests = server.requests();
  ASSERT_EQ(requests.size(), cases.size());
  for (size_t i = 0; i < cases.size(); ++i) {
    Recorded r = Parse(requests[i]);
    EXPECT_EQ(r.method, "PUT");
    EXPECT_EQ(r.raw_path, cases[i].second);
    EXPECT_EQ(r.body, "body of " + cases[i].first);
    EXPECT_EQ(FindHeader(r.headers, "x-amz-content-sha256"), Sha256Hex(r.body));
    SigV4Verdict verdict = Verify(r);
    EXPECT_TRUE(verdict.ok()) << cases[i].first << ": " << verdict.status.ToString() << "\n"
                              << verdict.canonical_request;
  }
}

TEST(S3KeyEncoding, QueryValuesAreEncodedStrictly) {
  TinyServer server;
  server.SetResponse(Answer("200 OK",
                            "<ListBucketResult><IsTruncated>false</IsTruncated>"
                            "</ListBucketResult>"));
  auto client = Client(server.Url(""));
  auto page = client->ListObjectsV2("bucket", "a b/c+d/ü", "tok+/=en", 10, "/");
  ASSERT_TRUE(page.ok()) << page.status().ToString();
  Recorded r = Parse(server.requests().at(0));
  EXPECT_EQ(r.method, "GET");
  EXPECT_EQ(r.raw_path, "/bucket");
  EXPECT_EQ(r.raw_query,
            "list-type=2&continuation-token=tok%2B%2F%3Den&delimiter=%2F&max-keys=10&"
            "prefix=a%20b%2Fc%2Bd%2F%C3%BC");
  SigV4Verdict verdict = Verify(r);
  EXPECT_TRUE(verdict.ok()) << verdict.status.ToString();
}

TEST(S3KeyEncoding, DotSegmentsAreRefusedBeforeAnythingIsSent) {
  TinyServer server;
  auto client = Client(server.Url(""));
  for (const char* key : {"a/../b", "./a", "a/.", ""}) {
    Status st = client->PutObject("bucket", key, "x");
    EXPECT_EQ(st.code(), StatusCode::kInvalidArgument) << key;
  }
  EXPECT_TRUE(server.requests().empty());
}

TEST(S3Addressing, PathStyleByDefaultForOtherEndpoints) {
  TinyServer server;
  server.SetResponse(Answer("200 OK", "abc"));
  auto client = Client(server.Url("/base/"));
  ASSERT_EQ(client->GetObject("my-bucket", "k/v.csv").ValueOr("?"), "abc");
  Recorded r = Parse(server.requests().at(0));
  EXPECT_EQ(r.raw_path, "/base/my-bucket/k/v.csv");
  EXPECT_THAT(*FindHeader(r.headers, "host"), ::testing::StartsWith("127.0.0.1:"));
}

TEST(S3Addressing, VirtualHostPutsTheBucketInTheHostName) {
  TinyServer server;
  server.SetResponse(Answer("200 OK", "abc"));
  S3ClientOptions options;
  options.addressing = S3Addressing::kVirtualHost;
  // libcurl resolves *.localhost to the loopback address itself.
  std::string endpoint = server.Url("");
  endpoint.replace(endpoint.find("127.0.0.1"), 9, "localhost");
  auto client = Client(endpoint, options);
  Result<std::string> got = client->GetObject("my-bucket", "k/v.csv");
  ASSERT_TRUE(got.ok()) << got.status().ToString();
  Recorded r = Parse(server.requests().at(0));
  EXPECT_EQ(r.raw_path, "/k/v.csv");
  EXPECT_THAT(*FindHeader(r.headers, "host"), ::testing::StartsWith("my-bucket.localhost:"));
  EXPECT_TRUE(Verify(r).ok());
}

TEST(S3Addressing, AutoChoosesVirtualHostOnlyForDnsSafeBucketsOnAws) {
  EXPECT_TRUE(internal::VirtualHostable("my-bucket", true));
  EXPECT_TRUE(internal::VirtualHostable("my.bucket", false));
  EXPECT_FALSE(internal::VirtualHostable("my.bucket", true));  // the TLS wildcard would not match
  EXPECT_FALSE(internal::VirtualHostable("My_Bucket", false));
  EXPECT_FALSE(internal::VirtualHostable("ab", false));
  EXPECT_FALSE(internal::VirtualHostable("192.168.1.1", false));
  EXPECT_FALSE(internal::VirtualHostable("-bucket", false));
  EXPECT_EQ(ParseS3Addressing("virtual").ValueOr(S3Addressing::kAuto), S3Addressing::kVirtualHost);
  EXPECT_EQ(ParseS3Addressing("path").ValueOr(S3Addressing::kAuto), S3Addressing::kPath);
  EXPECT_FALSE(ParseS3Addressing("dns").ok());
}

TEST(S3Client, MakeRefusesBadEndpointsAndMissingCredentials) {
  S3ClientOptions options;
  options.endpoint_url = "ftp://host";
  options.credentials = {"AKID", "secret", ""};
  EXPECT_EQ(S3Client::Make(options).status().code(), StatusCode::kInvalidArgument);
  options.endpoint_url = "http://host:9000";
  options.credentials = {"AKID", "", ""};
  Result<std::shared_ptr<S3Client>> made = S3Client::Make(options);
  EXPECT_EQ(made.status().code(), StatusCode::kInvalidArgument);
  EXPECT_THAT(made.status().message(), HasSubstr("secret access key"));
}

TEST(S3Errors, NoSuchKeyNamesTheObjectAndIsNotFound) {
  TinyServer server;
  server.SetResponse(
      Answer("404 Not Found", ErrorXml("NoSuchKey", "The specified key does not exist.")));
  auto client = Client(server.Url(""));
  Result<std::string> got = client->GetObject("data", "train_features.csv");
  ASSERT_FALSE(got.ok());
  EXPECT_EQ(got.status().code(), StatusCode::kNotFound);
  EXPECT_EQ(S3ErrorCode(got.status()), "NoSuchKey");
  EXPECT_THAT(got.status().message(), HasSubstr("s3://data/train_features.csv: S3 GetObject at "));
  EXPECT_THAT(got.status().message(), HasSubstr("The specified key does not exist."));
  EXPECT_THAT(got.status().message(), HasSubstr("check the key"));
  EXPECT_EQ(server.requests().size(), 1u);  // not retried
}

TEST(S3Errors, AccessDeniedSaysWhoseCredentialsAndNeverTheSecret) {
  TinyServer server;
  server.SetResponse(Answer("403 Forbidden", ErrorXml("AccessDenied", "Access Denied")));
  auto client = Client(server.Url(""));
  Status st = client->PutObject("data", "out/part-0.csv", "x");
  EXPECT_EQ(st.code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(S3ErrorCode(st), "AccessDenied");
  EXPECT_THAT(st.message(), HasSubstr("the test connection (access key id AKIDEXAMPLE)"));
  EXPECT_THAT(st.message(), HasSubstr("may not PutObject"));
  EXPECT_THAT(st.message(), HasSubstr("IAM policy"));
  EXPECT_THAT(st.message(), Not(HasSubstr(kSecret)));
}

TEST(S3Errors, EachAuthFailureSaysWhatToCheck) {
  const std::vector<std::pair<std::string, std::string>> cases = {
      {"SignatureDoesNotMatch", "check the secret access key"},
      {"InvalidAccessKeyId", "does not know the access key id"},
      {"NoSuchBucket", "check the bucket name"},
      {"ExpiredToken", "refresh the credentials"},
      {"AuthorizationHeaderMalformed", "set region"}};
  for (const auto& [code, hint] : cases) {
    TinyServer server;
    server.SetResponse(Answer("403 Forbidden", ErrorXml(code, "msg")));
    auto client = Client(server.Url(""));
    Result<std::string> got = client->GetObject("b", "k");
    EXPECT_EQ(S3ErrorCode(got.status()), code);
    EXPECT_THAT(got.status().message(), HasSubstr(hint)) << code;
  }
}

TEST(S3Errors, ThrottlingAndServerFaultsAreRetried) {
  TinyServer server;
  server.SetResponse(
      Answer("503 Slow Down", ErrorXml("SlowDown", "Please reduce your request rate.")));
  auto client = Client(server.Url(""));
  Status st = client->PutObject("b", "k", "x");
  EXPECT_EQ(st.code(), StatusCode::kIoError);
  EXPECT_EQ(S3ErrorCode(st), "SlowDown");
  EXPECT_THAT(st.message(), HasSubstr("after 4 attempts"));
  EXPECT_EQ(server.requests().size(), 4u);
  std::vector<std::string> requests = server.requests();
  EXPECT_NE(FindHeader(Parse(requests[0]).headers, "authorization"), std::nullopt);
}

TEST(S3Errors, ErrorInsideA200AnswerIsAnError) {
  TinyServer server;
  server.SetResponse(
      Answer("200 OK", ErrorXml("InternalError", "We encountered an internal error.")));
  auto client = Client(server.Url(""));
  Status st = client->CopyObject("b", "from", "to", 10);
  EXPECT_FALSE(st.ok());
  EXPECT_EQ(S3ErrorCode(st), "InternalError");
  EXPECT_EQ(server.requests().size(), 4u);  // retried: S3 asks for that
}

TEST(S3Errors, UnreachableEndpointIsATransportErrorAfterRetries) {
  auto client = Client("http://127.0.0.1:1");
  Result<std::string> got = client->GetObject("b", "k");
  ASSERT_FALSE(got.ok());
  EXPECT_EQ(got.status().code(), StatusCode::kIoError);
  EXPECT_THAT(got.status().message(),
              HasSubstr("s3://b/k: S3 GetObject failed (after 4 attempts)"));
  EXPECT_THAT(got.status().message(), HasSubstr("check the endpoint URL"));
}

TEST(S3Errors, ErrorCodeIsReadBackFromAStatus) {
  EXPECT_EQ(S3ErrorCode(Status::IoError("x")), "");
  internal::S3ErrorInfo error{404, "NoSuchBucket", "The specified bucket does not exist"};
  S3ClientOptions options;
  options.endpoint_url = "http://127.0.0.1:9000";
  Status st = internal::S3ErrorStatus(error, options, "ListObjectsV2", "b", "", 1);
  EXPECT_EQ(S3ErrorCode(st), "NoSuchBucket");
  EXPECT_EQ(S3ErrorCode(st.WithContext("reading s3://b/x")), "NoSuchBucket");
  EXPECT_THAT(st.message(),
              ::testing::StartsWith("s3://b: S3 ListObjectsV2 at http://127.0.0.1:9000"));
}

TEST(S3Xml, ElementsEntitiesAndSelfClosingTags) {
  std::string xml =
      "<ListBucketResult xmlns=\"x\"><Contents><Key>a &amp; b&#x2F;&lt;c&gt;</Key><Size>3</Size>"
      "</Contents><Contents><Key>d&#233;</Key><Size>4</Size></Contents><KeyCount>2</KeyCount>"
      "<Prefix/></ListBucketResult>";
  auto contents = internal::XmlElements(xml, "Contents");
  ASSERT_EQ(contents.size(), 2u);
  EXPECT_EQ(internal::XmlText(contents[0], "Key"), "a & b/<c>");
  EXPECT_EQ(internal::XmlText(contents[1], "Key"), "d\xC3\xA9");
  EXPECT_EQ(internal::XmlText(xml, "KeyCount"), "2");  // not confused with <Key>
  EXPECT_TRUE(internal::XmlHas(xml, "Prefix"));
  EXPECT_EQ(internal::XmlText(xml, "Prefix"), "");
  EXPECT_FALSE(internal::XmlHas(xml, "Pre"));
  EXPECT_EQ(internal::XmlEscape("a&<>\"'b"), "a&amp;&lt;&gt;&quot;&apos;b");
  EXPECT_EQ(internal::XmlDecode("&bogus; &amp"), "&bogus; &amp");
}

TEST(S3Time, HttpAndIsoDates) {
  EXPECT_EQ(internal::ParseHttpDateMs("Wed, 21 Oct 2015 07:28:00 GMT"), 1445412480000);
  EXPECT_EQ(internal::ParseIsoTimeMs("2015-10-21T07:28:00.000Z"), 1445412480000);
  EXPECT_EQ(internal::ParseHttpDateMs("garbage"), 0);
  EXPECT_EQ(internal::Md5Base64(""), "1B2M2Y8AsgTpgAmY7PhCfg==");
}

}  // namespace
}  // namespace sluice::storage
