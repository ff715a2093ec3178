// SigV4 signing against AWS's published vectors (the SigV4 test suite and S3's own examples),
// and verification: every vector verifies, and tampering gives the error AWS would give.
#include "storage/sigv4.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <sstream>

#include "storage/sigv4_internal.h"

namespace sluice::storage {
namespace {

namespace fs = std::filesystem;
using ::testing::HasSubstr;
using ::testing::Not;

const std::string kVectors = SLUICE_SOURCE_DIR "/tests/storage/testdata/sigv4";

std::string ReadFile(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

struct Vector {
  std::string name;
  SigV4Request request;
  std::string body;
  std::string creq, sts, authz;
};

// Parses "METHOD target HTTP/1.1\nName:value...\n\nbody" as the suite's .req files are.
Vector LoadVector(const std::string& group, const std::string& name) {
  fs::path dir = fs::path(kVectors) / group / name;
  Vector v;
  v.name = name;
  std::string req = ReadFile(dir / (name + ".req"));
  size_t blank = req.find("\n\n");
  if (blank != std::string::npos) v.body = req.substr(blank + 2);
  std::istringstream head(req.substr(0, blank));
  std::string line;
  std::getline(head, line);
  v.request.method = line.substr(0, line.find(' '));
  std::string target = line.substr(line.find(' ') + 1, line.rfind(" HTTP/") - line.find(' ') - 1);
  v.request.path = target.substr(0, target.find('?'));
  if (target.find('?') != std::string::npos) v.request.query = target.substr(target.find('?') + 1);
  while (std::getline(head, line)) {
    size_t colon = line.find(':');
    v.request.headers.emplace_back(line.substr(0, colon), line.substr(colon + 1));
  }
  v.creq = ReadFile(dir / (name + ".creq"));
  v.sts = ReadFile(dir / (name + ".sts"));
  v.authz = ReadFile(dir / (name + ".authz"));
  return v;
}

std::vector<std::string> VectorNames(const std::string& group) {
  std::vector<std::string> names;
  for (const auto& entry : fs::directory_iterator(fs::path(kVectors) / group)) {
    names.push_back(entry.path().filename().string());
  }
  std::sort(names.begin(), names.end());
  return names;
}

// The vector's X-Amz-Date, which the signer must reproduce from a time.
TimePoint VectorTime(const Vector& v) {
  return ParseAmzDate(FindHeader(v.request.headers, "x-amz-date").value_or("")).ValueOr({});
}

std::string Header(const HttpHeaders& headers, std::string_view name) {
  return FindHeader(headers, name).value_or("<missing>");
}

std::string WithoutSpaceAfterComma(std::string s) {
  for (size_t at; (at = s.find(", ")) != std::string::npos;) s.erase(at + 1, 1);
  return s;
}

const Credentials kSuiteCredentials{"AKIDEXAMPLE", "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY", ""};
const Credentials kS3Credentials{"AKIAIOSFODNN7EXAMPLE", "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY",
                                 ""};

class SuiteVectorTest : public ::testing::TestWithParam<std::string> {};

TEST_P(SuiteVectorTest, SignsAsPublished) {
  Vector v = LoadVector("suite", GetParam());
  Credentials credentials = kSuiteCredentials;
  // The session-token case puts the token in the request; the signer adds and signs it.
  if (auto token = FindHeader(v.request.headers, "x-amz-security-token")) {
    credentials.session_token = *token;
  }
  v.request.payload_sha256 = Sha256Hex(v.body);
  SigV4Options options{"us-east-1", "service", VectorTime(v)};
  Result<SigV4Signature> signature = SignV4(v.request, credentials, options);
  ASSERT_TRUE(signature.ok()) << signature.status().ToString();
  EXPECT_EQ(signature->canonical_request, v.creq);
  EXPECT_EQ(signature->string_to_sign, v.sts);
  EXPECT_EQ(Header(signature->headers, "authorization"), v.authz);
  EXPECT_EQ(Header(signature->headers, "x-amz-date"), "20150830T123600Z");
}

TEST_P(SuiteVectorTest, VerifiesAsPublished) {
  Vector v = LoadVector("suite", GetParam());
  v.request.headers.emplace_back("Authorization", v.authz);
  ReceivedRequest received{v.request.method, v.request.path, v.request.query, v.request.headers,
                           v.body};
  auto lookup = [](std::string_view key) -> Result<std::string> {
    if (key == "AKIDEXAMPLE") return kSuiteCredentials.secret_access_key;
    return Status::NotFound("no such key");
  };
  SigV4VerifyOptions options{"service", "us-east-1", VectorTime(v)};
  SigV4Verdict verdict = VerifySigV4(received, lookup, options);
  EXPECT_TRUE(verdict.ok()) << verdict.status.ToString();
  EXPECT_EQ(verdict.canonical_request, v.creq);
  EXPECT_EQ(verdict.access_key_id, "AKIDEXAMPLE");
}

INSTANTIATE_TEST_SUITE_P(AwsSuite, SuiteVectorTest, ::testing::ValuesIn(VectorNames("suite")),
                         [](const auto& info) {
                           std::string name = info.param;
                           std::replace(name.begin(), name.end(), '-', '_');
                           return name;
                         });

TEST(SigV4Vectors, SuiteIsPresent) { EXPECT_EQ(VectorNames("suite").size(), 27u); }

class S3VectorTest : public ::testing::TestWithParam<std::string> {};

TEST_P(S3VectorTest, SignsAsPublished) {
  Vector v = LoadVector("s3", GetParam());
  v.request.payload_sha256 = Header(v.request.headers, "x-amz-content-sha256");
  EXPECT_EQ(v.request.payload_sha256, Sha256Hex(v.body));
  SigV4Options options{"us-east-1", "s3", VectorTime(v), /*s3_path=*/true};
  Result<SigV4Signature> signature = SignV4(v.request, kS3Credentials, options);
  ASSERT_TRUE(signature.ok()) << signature.status().ToString();
  EXPECT_EQ(signature->canonical_request, v.creq);
  EXPECT_EQ(signature->string_to_sign, v.sts);
  EXPECT_EQ(WithoutSpaceAfterComma(Header(signature->headers, "authorization")), v.authz);
}

TEST_P(S3VectorTest, VerifiesAsPublished) {
  Vector v = LoadVector("s3", GetParam());
  v.request.headers.emplace_back("Authorization", v.authz);
  ReceivedRequest received{v.request.method, v.request.path, v.request.query, v.request.headers,
                           v.body};
  auto lookup = [](std::string_view) -> Result<std::string> {
    return kS3Credentials.secret_access_key;
  };
  SigV4VerifyOptions options{"s3", "us-east-1", VectorTime(v)};
  options.s3 = true;
  SigV4Verdict verdict = VerifySigV4(received, lookup, options);
  EXPECT_TRUE(verdict.ok()) << verdict.status.ToString();
}

INSTANTIATE_TEST_SUITE_P(S3Examples, S3VectorTest, ::testing::ValuesIn(VectorNames("s3")),
                         [](const auto& info) {
                           std::string name = info.param;
                           std::replace(name.begin(), name.end(), '-', '_');
                           return name;
                         });

TEST(SigV4Vectors, S3ExamplesArePresent) { EXPECT_EQ(VectorNames("s3").size(), 4u); }

TEST(SigV4Canonical, UriEncodeKeepsOnlyUnreserved) {
  EXPECT_EQ(UriEncode("a b/c~d-e_f.g", false), "a%20b/c~d-e_f.g");
  EXPECT_EQ(UriEncode("a b/c", true), "a%20b%2Fc");
  EXPECT_EQ(UriEncode("$+=&\xc3\xa9", true), "%24%2B%3D%26%C3%A9");
}

TEST(SigV4Canonical, NonS3PathsAreNormalisedAndEncodedAgain) {
  EXPECT_EQ(internal::CanonicalUri("/a%20b/./c/../d", false), "/a%2520b/d");
  EXPECT_EQ(internal::CanonicalUri("", false), "/");
  EXPECT_EQ(internal::CanonicalUri("/a/b/", false), "/a/b/");
}

TEST(SigV4Canonical, S3PathsAreEncodedOnceAndKeptAsTheyAre) {
  EXPECT_EQ(internal::CanonicalUri("/bucket/a%20b", true), "/bucket/a%20b");
  EXPECT_EQ(internal::CanonicalUri("/bucket/a b", true), "/bucket/a%20b");
  EXPECT_EQ(internal::CanonicalUri("/bucket//x/../y", true), "/bucket//x/../y");
}

TEST(SigV4Canonical, QueryIsDecodedReencodedAndSorted) {
  EXPECT_EQ(internal::CanonicalQuery("b=2&a=x%2fy&c"), "a=x%2Fy&b=2&c=");
  EXPECT_EQ(internal::CanonicalQuery("k=a b&&k=%41"), "k=A&k=a%20b");
  EXPECT_EQ(internal::CanonicalQuery("bad=%zz"), "bad=%25zz");
}

TEST(SigV4Dates, FormatAndParseRoundTrip) {
  Result<TimePoint> t = ParseAmzDate("20150830T123600Z");
  ASSERT_TRUE(t.ok());
  EXPECT_EQ(FormatAmzDate(*t), "20150830T123600Z");
  EXPECT_FALSE(ParseAmzDate("2015-08-30T12:36:00Z").ok());
  EXPECT_FALSE(ParseAmzDate("20151330T123600Z").ok());
  EXPECT_FALSE(ParseAmzDate("").ok());
}

TEST(SigV4Sign, S3AddsContentSha256AndSessionToken) {
  SigV4Request request{"PUT", "/bucket/key", "", {{"Host", "s3.example.com"}}};
  request.payload_sha256 = std::string(kUnsignedPayload);
  SigV4Options options{"eu-west-1", "s3", Now(), true, /*add_content_sha256=*/true};
  Credentials credentials{"AKID", "secret", "token123"};
  Result<SigV4Signature> signature = SignV4(request, credentials, options);
  ASSERT_TRUE(signature.ok());
  EXPECT_EQ(Header(signature->headers, "x-amz-content-sha256"), "UNSIGNED-PAYLOAD");
  EXPECT_EQ(Header(signature->headers, "x-amz-security-token"), "token123");
  EXPECT_THAT(Header(signature->headers, "authorization"),
              HasSubstr("SignedHeaders=host;x-amz-content-sha256;x-amz-date;x-amz-security-token"));
  EXPECT_THAT(signature->canonical_request, HasSubstr("\nUNSIGNED-PAYLOAD"));
}

TEST(SigV4Sign, RefusesRequestsItCannotSign) {
  SigV4Options options{"us-east-1", "service", Now()};
  EXPECT_FALSE(SignV4(SigV4Request{}, kSuiteCredentials, options).ok());  // no Host
  SigV4Request request{"GET", "/", "", {{"Host", "h"}}};
  EXPECT_FALSE(SignV4(request, Credentials{"AKID", "", ""}, options).ok());
}

// ---- Round trips: sign as the EMR client does, verify as the local service does ----

class SigV4RoundTrip : public ::testing::Test {
 protected:
  static constexpr const char* kSecret = "s3cr3t/VALUE+xyz";

  void SetUp() override {
    request_.method = "POST";
    request_.headers = {{"Host", "127.0.0.1:8080"},
                        {"Content-Type", "application/x-amz-json-1.1"},
                        {"X-Amz-Target", "ElasticMapReduce.ListClusters"}};
    Sign(now_, "elasticmapreduce", kSecret);
  }

  void Sign(TimePoint at, const std::string& service, const std::string& secret) {
    request_.payload_sha256 = Sha256Hex(body_);
    SigV4Options options{"us-east-1", service, at};
    Result<SigV4Signature> signature = SignV4(request_, {"AKIDLOCAL", secret, ""}, options);
    ASSERT_TRUE(signature.ok());
    headers_ = request_.headers;
    headers_.insert(headers_.end(), signature->headers.begin(), signature->headers.end());
  }

  SigV4Verdict Verify() {
    ReceivedRequest received{"POST", "/", "", headers_, body_};
    auto lookup = [this](std::string_view key) -> Result<std::string> {
      if (!lookup_error_.ok()) return lookup_error_;
      if (key == "AKIDLOCAL") return std::string(kSecret);
      return Status::NotFound("unknown");
    };
    SigV4VerifyOptions options{"elasticmapreduce", "", now_};
    return VerifySigV4(received, lookup, options);
  }

  void SetHeader(std::string_view name, std::string value) {
    for (auto& header : headers_) {
      if (HeaderNameEquals(header.first, name)) header.second = value;
    }
  }

  TimePoint now_ = Now();
  std::string body_ = R"({"ClusterStates":["WAITING"]})";
  SigV4Request request_;
  HttpHeaders headers_;
  Status lookup_error_;
};

TEST_F(SigV4RoundTrip, SignedRequestVerifies) {
  SigV4Verdict verdict = Verify();
  EXPECT_TRUE(verdict.ok()) << verdict.status.ToString();
  EXPECT_EQ(verdict.access_key_id, "AKIDLOCAL");
}

TEST_F(SigV4RoundTrip, TamperedBodyIsASignatureMismatch) {
  body_ = R"({"ClusterStates":["RUNNING"]})";
  SigV4Verdict verdict = Verify();
  EXPECT_EQ(verdict.error, SigV4Error::kSignatureMismatch);
  EXPECT_EQ(SigV4ErrorType(verdict.error, false), "SignatureDoesNotMatch");
  EXPECT_THAT(verdict.status.message(), HasSubstr("does not match"));
}

TEST_F(SigV4RoundTrip, TamperedSignedHeaderIsASignatureMismatch) {
  SetHeader("x-amz-target", "ElasticMapReduce.TerminateJobFlows");
  EXPECT_EQ(Verify().error, SigV4Error::kSignatureMismatch);
}

TEST_F(SigV4RoundTrip, WrongSecretIsASignatureMismatchThatNamesNoSecret) {
  Sign(now_, "elasticmapreduce", "not-the-secret");
  SigV4Verdict verdict = Verify();
  EXPECT_EQ(verdict.error, SigV4Error::kSignatureMismatch);
  EXPECT_EQ(SigV4ErrorHttpStatus(verdict.error, false), 403);
  EXPECT_THAT(verdict.status.message(), HasSubstr("AKIDLOCAL"));
  EXPECT_THAT(verdict.status.message(), Not(HasSubstr("not-the-secret")));
  EXPECT_THAT(verdict.status.message(), Not(HasSubstr(kSecret)));
}

TEST_F(SigV4RoundTrip, UnknownKeyIsUnrecognizedClient) {
  SetHeader("authorization",
            FindHeader(headers_, "authorization")
                ->replace(std::string_view("AWS4-HMAC-SHA256 Credential=").size(), 9, "AKIDOTHER"));
  SigV4Verdict verdict = Verify();
  EXPECT_EQ(verdict.error, SigV4Error::kUnknownAccessKey);
  EXPECT_EQ(SigV4ErrorType(verdict.error, false), "UnrecognizedClientException");
  EXPECT_EQ(SigV4ErrorType(verdict.error, true), "InvalidAccessKeyId");
  EXPECT_THAT(verdict.status.message(), HasSubstr("AKIDOTHER"));
}

TEST_F(SigV4RoundTrip, MissingHeaderIsMissingAuthenticationToken) {
  std::erase_if(headers_, [](const auto& h) { return HeaderNameEquals(h.first, "authorization"); });
  SigV4Verdict verdict = Verify();
  EXPECT_EQ(verdict.error, SigV4Error::kMissingAuthentication);
  EXPECT_EQ(SigV4ErrorType(verdict.error, false), "MissingAuthenticationTokenException");
}

TEST_F(SigV4RoundTrip, GarbledHeaderIsIncompleteSignature) {
  SetHeader("authorization", "AWS4-HMAC-SHA256 Credential=AKIDLOCAL/20150830/us-east-1");
  SigV4Verdict verdict = Verify();
  EXPECT_EQ(verdict.error, SigV4Error::kIncompleteSignature);
  EXPECT_EQ(SigV4ErrorType(verdict.error, false), "IncompleteSignatureException");
  EXPECT_THAT(verdict.status.message(), HasSubstr("'Signature'"));
  SetHeader("authorization", "AWS AKIDLOCAL:abc");
  EXPECT_EQ(Verify().error, SigV4Error::kIncompleteSignature);
}

TEST_F(SigV4RoundTrip, WrongServiceInScopeIsIncompleteSignature) {
  Sign(now_, "s3", kSecret);
  SigV4Verdict verdict = Verify();
  EXPECT_EQ(verdict.error, SigV4Error::kIncompleteSignature);
  EXPECT_THAT(verdict.status.message(), HasSubstr("elasticmapreduce"));
}

TEST_F(SigV4RoundTrip, ClockSkewBeyondFifteenMinutesIsRefused) {
  Sign(now_ - std::chrono::minutes(14), "elasticmapreduce", kSecret);
  EXPECT_TRUE(Verify().ok());
  Sign(now_ - std::chrono::minutes(16), "elasticmapreduce", kSecret);
  SigV4Verdict verdict = Verify();
  EXPECT_EQ(verdict.error, SigV4Error::kRequestExpired);
  EXPECT_THAT(verdict.status.message(), HasSubstr("Signature expired"));
  Sign(now_ + std::chrono::minutes(16), "elasticmapreduce", kSecret);
  EXPECT_EQ(Verify().error, SigV4Error::kRequestExpired);
}

TEST_F(SigV4RoundTrip, LookupFailureIsInternal) {
  lookup_error_ = Status::IoError("cannot read aws-credentials");
  SigV4Verdict verdict = Verify();
  EXPECT_EQ(verdict.error, SigV4Error::kInternal);
  EXPECT_EQ(SigV4ErrorHttpStatus(verdict.error, false), 500);
}

TEST_F(SigV4RoundTrip, DeclaredBodyHashMustMatchTheBody) {
  request_.headers.emplace_back("x-amz-content-sha256", Sha256Hex("other body"));
  Sign(now_, "elasticmapreduce", kSecret);
  SigV4Verdict verdict = Verify();
  EXPECT_EQ(verdict.error, SigV4Error::kSignatureMismatch);
  EXPECT_THAT(verdict.status.message(), HasSubstr("x-amz-content-sha256"));
}

}  // namespace
}  // namespace sluice::storage
