// The EMR HTTP transport: what it sends (a signed AWS JSON 1.1 POST that Sluice's own SigV4
// verifier accepts) and how HTTP answers of every shape become EmrReply.
#include "cluster/emr_http.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <sstream>

#include "../storage/tiny_http_server.h"
#include "cluster/emr_http_internal.h"
#include "storage/sigv4.h"

namespace sluice::cluster {
namespace {

using ::testing::HasSubstr;
using Json = nlohmann::json;

storage::HttpResponse Answer(int status, std::string body, storage::HttpHeaders headers = {}) {
  storage::HttpResponse response;
  response.status = status;
  response.body = std::move(body);
  response.headers = std::move(headers);
  return response;
}

TEST(EmrHttpReply, JsonSuccessAndEmptySuccess) {
  Result<EmrReply> reply = internal::ReplyFromHttp(Answer(200, R"({"JobFlowId":"j-1"})"));
  ASSERT_TRUE(reply.ok());
  EXPECT_TRUE(reply->ok());
  EXPECT_EQ(reply->body["JobFlowId"], "j-1");
  reply = internal::ReplyFromHttp(Answer(200, ""));
  ASSERT_TRUE(reply.ok());
  EXPECT_TRUE(reply->body.is_object());
}

TEST(EmrHttpReply, NonJsonSuccessIsAnUnreadableAnswer) {
  Result<EmrReply> reply = internal::ReplyFromHttp(Answer(200, "<html>login</html>"));
  ASSERT_FALSE(reply.ok());
  EXPECT_EQ(reply.status().code(), StatusCode::kIoError);
  EXPECT_THAT(reply.status().message(), HasSubstr("not JSON"));
}

TEST(EmrHttpReply, EmrJsonErrorKeepsItsType) {
  Result<EmrReply> reply = internal::ReplyFromHttp(
      Answer(400, R"({"__type":"com.amazonaws.emr#InvalidRequestException","message":"bad id"})"));
  ASSERT_TRUE(reply.ok());
  EXPECT_FALSE(reply->ok());
  EXPECT_EQ(reply->error_type(), "InvalidRequestException");
  EXPECT_EQ(reply->error_message(), "bad id");
}

TEST(EmrHttpReply, ErrorTypeHeaderIsUsed) {
  Result<EmrReply> reply = internal::ReplyFromHttp(
      Answer(400, R"({"message":"x"})",
             {{"x-amzn-errortype", "ValidationException:http://internal.amazon.com/"}}));
  ASSERT_TRUE(reply.ok());
  EXPECT_EQ(reply->error_type(), "ValidationException");
}

TEST(EmrHttpReply, XmlErrorIsRead) {
  std::string xml =
      R"(<?xml version="1.0"?><ErrorResponse><Errors><Error><Code>SignatureDoesNotMatch</Code>)"
      R"(<Message>The request signature &amp; more</Message></Error></Errors></ErrorResponse>)";
  Result<EmrReply> reply = internal::ReplyFromHttp(Answer(403, xml));
  ASSERT_TRUE(reply.ok());
  EXPECT_EQ(reply->http_status, 403);
  EXPECT_EQ(reply->error_type(), "SignatureDoesNotMatch");
  EXPECT_EQ(reply->error_message(), "The request signature & more");
}

TEST(EmrHttpReply, EmptyErrorIsTypedFromTheStatus) {
  Result<EmrReply> reply = internal::ReplyFromHttp(Answer(503, ""));
  ASSERT_TRUE(reply.ok());
  EXPECT_EQ(reply->error_type(), "ServiceUnavailable");
  EXPECT_THAT(reply->error_message(), HasSubstr("HTTP 503 with an empty body"));
  EXPECT_EQ(internal::ReplyFromHttp(Answer(429, ""))->error_type(), "ThrottlingException");
  EXPECT_EQ(internal::ReplyFromHttp(Answer(502, "Bad gateway"))->error_message(),
            "HTTP 502: Bad gateway");
  EXPECT_EQ(internal::ReplyFromHttp(Answer(418, ""))->error_type(), "Http418");
}

EmrHttpOptions Options(std::string url, std::string region, storage::Credentials credentials) {
  EmrHttpOptions options;
  options.endpoint_url = std::move(url);
  options.region = std::move(region);
  options.credentials = std::move(credentials);
  return options;
}

TEST(EmrHttpApi, RefusesBadEndpointsAndMissingCredentials) {
  storage::Credentials credentials{"AKID", "secret", ""};
  EXPECT_FALSE(MakeEmrHttpApi(Options("127.0.0.1:80", "us-east-1", credentials)).ok());
  EXPECT_FALSE(MakeEmrHttpApi(Options("ftp://host", "us-east-1", credentials)).ok());
  EXPECT_FALSE(MakeEmrHttpApi(Options("http://host/?x=1", "us-east-1", credentials)).ok());
  EXPECT_FALSE(MakeEmrHttpApi(Options("http://host", "us-east-1", {"AKID", "", ""})).ok());
  EXPECT_TRUE(MakeEmrHttpApi(Options("http://host:8080", "us-east-1", credentials)).ok());
}

// The parts of a raw HTTP/1.1 request the verifier needs.
storage::ReceivedRequest ParseRaw(const std::string& raw, std::string* storage_for_line) {
  storage::ReceivedRequest request;
  size_t head_end = raw.find("\r\n\r\n");
  std::istringstream head(raw.substr(0, head_end));
  std::getline(head, *storage_for_line);
  std::string_view line(*storage_for_line);
  request.method = line.substr(0, line.find(' '));
  std::string_view target = line.substr(line.find(' ') + 1);
  target = target.substr(0, target.find(' '));
  request.raw_path = target.substr(0, target.find('?'));
  for (std::string header; std::getline(head, header);) {
    if (!header.empty() && header.back() == '\r') header.pop_back();
    size_t colon = header.find(':');
    request.headers.emplace_back(header.substr(0, colon), header.substr(colon + 2));
  }
  request.body = std::string_view(raw).substr(head_end + 4);
  return request;
}

TEST(EmrHttpApi, SendsASignedJsonPostThatVerifies) {
  sluice::testing::TinyServer server;
  server.SetResponse(
      "HTTP/1.1 200 OK\r\nContent-Type: application/x-amz-json-1.1\r\nContent-Length: 21\r\n\r\n"
      R"({"JobFlowId":"j-ABC"})");
  auto api = MakeEmrHttpApi(Options(server.Url(""), "eu-west-1", {"AKIDLOCAL", "s3cret", ""}));
  ASSERT_TRUE(api.ok()) << api.status().ToString();
  Result<EmrReply> reply = (*api)->Call("RunJobFlow", Json{{"Name", "demo"}});
  ASSERT_TRUE(reply.ok()) << reply.status().ToString();
  EXPECT_EQ(reply->body["JobFlowId"], "j-ABC");

  ASSERT_EQ(server.requests().size(), 1u);
  std::string raw = server.requests()[0];
  std::string request_line;
  storage::ReceivedRequest received = ParseRaw(raw, &request_line);
  EXPECT_EQ(request_line, "POST / HTTP/1.1\r");
  EXPECT_EQ(storage::FindHeader(received.headers, "x-amz-target"), "ElasticMapReduce.RunJobFlow");
  EXPECT_EQ(storage::FindHeader(received.headers, "content-type"), "application/x-amz-json-1.1");
  EXPECT_EQ(Json::parse(received.body), (Json{{"Name", "demo"}}));
  EXPECT_THAT(*storage::FindHeader(received.headers, "authorization"),
              HasSubstr("/eu-west-1/elasticmapreduce/aws4_request"));
  auto lookup = [](std::string_view) -> Result<std::string> { return std::string("s3cret"); };
  storage::SigV4Verdict verdict =
      storage::VerifySigV4(received, lookup, {"elasticmapreduce", "eu-west-1", Now()});
  EXPECT_TRUE(verdict.ok()) << verdict.status.ToString();
}

TEST(EmrHttpApi, TransportFailureIsAnError) {
  auto api = MakeEmrHttpApi(Options("http://127.0.0.1:1", "us-east-1", {"AKID", "secret", ""}));
  ASSERT_TRUE(api.ok());
  Result<EmrReply> reply = (*api)->Call("ListClusters", Json::object());
  ASSERT_FALSE(reply.ok());
  EXPECT_EQ(reply.status().code(), StatusCode::kIoError);
  EXPECT_THAT(reply.status().message(), HasSubstr("http://127.0.0.1:1/"));
}

}  // namespace
}  // namespace sluice::cluster
