// HttpClient against a small HTTP/1.1 server on 127.0.0.1 run by the test: what is sent,
// what comes back, keep-alive reuse, several threads, and transport failures.
#include "storage/http_client.h"

#include <arpa/inet.h>
#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <atomic>
#include <string>
#include <thread>
#include <vector>

#include "tiny_http_server.h"

namespace sluice::storage {
namespace {

using ::sluice::testing::FreePort;
using ::sluice::testing::TinyServer;
using ::testing::HasSubstr;
using ::testing::Not;

HttpRequest Req(std::string method, std::string url, HttpHeaders headers = {}) {
  HttpRequest request;
  request.method = std::move(method);
  request.url = std::move(url);
  request.headers = std::move(headers);
  return request;
}

TEST(HttpClient, SendsWhatItIsGivenAndReadsTheAnswer) {
  TinyServer server;
  HttpClient client;
  std::string body = R"({"a":1})";
  HttpRequest request = Req("POST", server.Url("/x?y=1"),
                            {{"Host", "emr.local:1234"}, {"X-Amz-Target", "ElasticMapReduce.Foo"}});
  request.body = body;
  Result<HttpResponse> response = client.Send(request);
  ASSERT_TRUE(response.ok()) << response.status().ToString();
  EXPECT_EQ(response->status, 200);
  EXPECT_EQ(response->body, "hello");
  EXPECT_EQ(response->Header("X-TEST-HEADER"), "Yes");
  EXPECT_EQ(response->headers.back().first, "x-test-header");
  ASSERT_EQ(server.requests().size(), 1u);
  std::string seen = server.requests()[0];
  EXPECT_THAT(seen, HasSubstr("POST /x?y=1 HTTP/1.1\r\n"));
  EXPECT_THAT(seen, HasSubstr("Host: emr.local:1234\r\n"));
  EXPECT_THAT(seen, HasSubstr("X-Amz-Target: ElasticMapReduce.Foo\r\n"));
  EXPECT_THAT(seen, HasSubstr("Content-Length: 7\r\n"));
  EXPECT_THAT(seen, Not(HasSubstr("Expect:")));
  EXPECT_THAT(seen, Not(HasSubstr("Content-Type:")));
  EXPECT_THAT(seen, HasSubstr("\r\n\r\n{\"a\":1}"));
}

TEST(HttpClient, EmptyPutSendsContentLengthZero) {
  TinyServer server;
  HttpClient client;
  ASSERT_TRUE(client.Send(Req("PUT", server.Url("/k"))).ok());
  EXPECT_THAT(server.requests().at(0), HasSubstr("Content-Length: 0\r\n"));
}

TEST(HttpClient, ErrorStatusesAreResponses) {
  TinyServer server;
  server.SetResponse("HTTP/1.1 503 Slow Down\r\nContent-Length: 4\r\n\r\nbusy");
  HttpClient client;
  Result<HttpResponse> response = client.Send(Req("GET", server.Url("/")));
  ASSERT_TRUE(response.ok());
  EXPECT_EQ(response->status, 503);
  EXPECT_EQ(response->body, "busy");
}

TEST(HttpClient, ReusesItsConnection) {
  TinyServer server;
  HttpClient client;
  for (int i = 0; i < 5; ++i) {
    Result<HttpResponse> response = client.Send(Req("GET", server.Url("/")));
    ASSERT_TRUE(response.ok()) << response.status().ToString();
  }
  EXPECT_EQ(server.requests().size(), 5u);
  EXPECT_EQ(server.connections(), 1);
}

TEST(HttpClient, IsSafeFromSeveralThreads) {
  TinyServer server;
  HttpClient client;
  std::atomic<int> ok{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&] {
      for (int i = 0; i < 10; ++i) {
        Result<HttpResponse> r = client.Send(Req("GET", server.Url("/")));
        if (r.ok() && r->body == "hello") ++ok;
      }
    });
  }
  for (auto& t : threads) t.join();
  EXPECT_EQ(ok, 40);
  EXPECT_LE(server.connections(), 4);
}

TEST(HttpClient, BodySinkGetsTheBodyAndCanStopIt) {
  TinyServer server;
  HttpClient client;
  std::string collected;
  HttpRequest request = Req("GET", server.Url("/"));
  request.on_body = [&](std::string_view chunk) {
    collected.append(chunk);
    return Status::OK();
  };
  Result<HttpResponse> response = client.Send(request);
  ASSERT_TRUE(response.ok());
  EXPECT_EQ(collected, "hello");
  EXPECT_EQ(response->body, "");
  request.on_body = [](std::string_view) { return Status::Cancelled("buffer full"); };
  response = client.Send(request);
  ASSERT_FALSE(response.ok());
  EXPECT_EQ(response.status().code(), StatusCode::kCancelled);
}

TEST(HttpClient, RefusedConnectionIsIoErrorWithoutQueryOrUserInfo) {
  HttpClient client;
  std::string url = "http://user:pw@127.0.0.1:" + std::to_string(FreePort()) +
                    "/bucket/key?X-Amz-Signature=deadbeef";
  Result<HttpResponse> response = client.Send(Req("GET", url));
  ASSERT_FALSE(response.ok());
  EXPECT_EQ(response.status().code(), StatusCode::kIoError);
  EXPECT_THAT(response.status().message(), HasSubstr("GET http://127.0.0.1:"));
  EXPECT_THAT(response.status().message(), HasSubstr("/bucket/key"));
  EXPECT_THAT(response.status().message(), Not(HasSubstr("deadbeef")));
  EXPECT_THAT(response.status().message(), Not(HasSubstr("pw@")));
}

TEST(HttpClient, TotalTimeoutIsAnIoError) {
  TinyServer server;
  server.SetDelayMs(1500);
  HttpClient client({std::chrono::milliseconds(1000), std::chrono::milliseconds(200)});
  auto start = std::chrono::steady_clock::now();
  Result<HttpResponse> response = client.Send(Req("GET", server.Url("/slow")));
  ASSERT_FALSE(response.ok());
  EXPECT_EQ(response.status().code(), StatusCode::kIoError);
  EXPECT_LT(std::chrono::steady_clock::now() - start, std::chrono::milliseconds(1400));
}

}  // namespace
}  // namespace sluice::storage
