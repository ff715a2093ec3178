// The API's parts that need no server: the login throttle's windows, the CSV preview, log
// chunks on UTF-8 boundaries, secrets and tokens, and the shapes of DAG JSON.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <thread>
#include <vector>

#include "web/api_csv_preview.h"
#include "web/api_handler_gate.h"
#include "web/api_json.h"
#include "web/api_log_chunk.h"
#include "web/auth_service.h"
#include "web/auth_throttle.h"

namespace sluice::web {
namespace {

using namespace std::chrono_literals;

TEST(LoginThrottle, LocksAUsernameAfterFiveFailuresWithDoublingWindows) {
  LoginThrottle throttle;
  TimePoint t0 = Now();
  for (int i = 0; i < 4; ++i) throttle.Failed("alice", "10.0.0.1", t0);
  EXPECT_EQ(throttle.Wait("alice", "10.0.0.1", t0), Micros(0));
  throttle.Failed("alice", "10.0.0.1", t0);
  EXPECT_EQ(throttle.Wait("alice", "10.0.0.2", t0), Micros(1s)) << "per username, any address";
  EXPECT_EQ(throttle.Wait("bob", "10.0.0.1", t0), Micros(0)) << "the address is below its limit";
  EXPECT_EQ(throttle.Wait("alice", "10.0.0.1", t0 + 1s), Micros(0));
  throttle.Failed("alice", "10.0.0.1", t0 + 1s);
  EXPECT_EQ(throttle.Wait("alice", "10.0.0.1", t0 + 1s), Micros(2s));
  throttle.Failed("alice", "10.0.0.1", t0 + 3s);
  EXPECT_EQ(throttle.Wait("alice", "10.0.0.1", t0 + 3s), Micros(4s));
  throttle.Succeeded("alice");
  EXPECT_EQ(throttle.Wait("alice", "10.0.0.1", t0 + 3s), Micros(0));
}

TEST(LoginThrottle, LocksAnAddressThatSpraysUsernamesAndCapsTheWindow) {
  LoginThrottle::Options options;
  options.max_delay = 10s;
  LoginThrottle throttle(options);
  TimePoint t0 = Now();
  for (int i = 0; i < 20; ++i) throttle.Failed("user" + std::to_string(i), "10.0.0.9", t0);
  EXPECT_EQ(throttle.Wait("someone-else", "10.0.0.9", t0), Micros(1s));
  EXPECT_EQ(throttle.Wait("someone-else", "10.0.0.8", t0), Micros(0));
  throttle.Succeeded("user0");  // one good account does not unlock the address
  EXPECT_GT(throttle.Wait("user0", "10.0.0.9", t0), Micros(0));
  for (int i = 0; i < 30; ++i) throttle.Failed("x", "10.0.0.9", t0);
  EXPECT_EQ(throttle.Wait("x", "10.0.0.9", t0), Micros(10s));
  // A quiet key starts afresh after forget_after.
  EXPECT_EQ(throttle.Wait("x", "10.0.0.9", t0 + 16min), Micros(0));
}

TEST(FairGate, AdmitsWaitersInArrivalOrderOnceSlotsFree) {
  api::FairGate gate(1);
  gate.Acquire();
  std::mutex mu;
  std::vector<int> order;
  std::vector<std::thread> waiters;
  for (int i = 0; i < 3; ++i) {
    waiters.emplace_back([&, i] {
      gate.Acquire();
      {
        std::lock_guard lock(mu);
        order.push_back(i);
      }
      gate.Release();
    });
    // Let waiter i queue before waiter i + 1 arrives.
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  {
    std::lock_guard lock(mu);
    EXPECT_TRUE(order.empty()) << "nobody passes while the only slot is held";
  }
  gate.Release();
  for (auto& t : waiters) t.join();
  EXPECT_EQ(order, (std::vector<int>{0, 1, 2}));
}

TEST(CsvPreview, ReadsQuotedFieldsCrlfAndABom) {
  std::string text =
      "\xEF\xBB\xBFname,quote\r\n\"Smith, J\",\"said "
      "\"\"hi\"\"\"\r\n\"two\nlines\",x\r\n\r\nlast,y";
  api::CsvPreview p = api::PreviewCsv(text, true, 10);
  ASSERT_EQ(p.columns, (std::vector<std::string>{"name", "quote"}));
  ASSERT_EQ(p.rows.size(), 3u);
  EXPECT_EQ(p.rows[0], (std::vector<std::string>{"Smith, J", "said \"hi\""}));
  EXPECT_EQ(p.rows[1], (std::vector<std::string>{"two\nlines", "x"}));
  EXPECT_EQ(p.rows[2], (std::vector<std::string>{"last", "y"}));
  EXPECT_FALSE(p.truncated);
}

TEST(CsvPreview, StopsAtTheRowLimitAndDropsARowCutOffByTheRead) {
  api::CsvPreview limited = api::PreviewCsv("a\n1\n2\n3\n", true, 2);
  EXPECT_EQ(limited.rows.size(), 2u);
  EXPECT_TRUE(limited.truncated);
  api::CsvPreview exact = api::PreviewCsv("a\n1\n2\n", true, 2);
  EXPECT_FALSE(exact.truncated);
  api::CsvPreview cut = api::PreviewCsv("a,b\n1,2\n3,\"unfinished", false, 10);
  ASSERT_EQ(cut.rows.size(), 1u);
  EXPECT_TRUE(cut.truncated);
}

TEST(LogChunk, ReadsRangesAndStopsOnACharacterBoundary) {
  std::string path = ::testing::TempDir() + "sluice_log_chunk.log";
  std::ofstream(path, std::ios::binary) << "ab\xC3\xA9"
                                           "cd";  // "abécd": é is 2 bytes
  auto whole = api::ReadLogChunk(path, 0, -1);
  ASSERT_TRUE(whole.ok());
  EXPECT_EQ(whole->content,
            "ab\xC3\xA9"
            "cd");
  EXPECT_TRUE(whole->at_end);
  EXPECT_EQ(whole->next_offset, 6);
  auto part = api::ReadLogChunk(path, 0, 3);  // would split é
  ASSERT_TRUE(part.ok());
  EXPECT_EQ(part->content, "ab");
  EXPECT_EQ(part->next_offset, 2);
  EXPECT_FALSE(part->at_end);
  auto rest = api::ReadLogChunk(path, part->next_offset, 100);
  ASSERT_TRUE(rest.ok());
  EXPECT_EQ(rest->content,
            "\xC3\xA9"
            "cd");
  EXPECT_TRUE(rest->at_end);
  auto past = api::ReadLogChunk(path, 100, 10);
  ASSERT_TRUE(past.ok());
  EXPECT_EQ(past->content, "");
  auto missing = api::ReadLogChunk(path + ".none", 0, 10);
  ASSERT_TRUE(missing.ok());
  EXPECT_EQ(missing->content, "");
  std::filesystem::remove(path);
}

TEST(Secrets, AreRandomHashedAndEncodedReversibly) {
  std::string a = RandomSecret(), b = RandomSecret();
  EXPECT_EQ(a.size(), 43u);
  EXPECT_NE(a, b);
  EXPECT_EQ(Sha256Hex("abc"), "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
  std::string path = "/home/u/.sluice/dags/hello world.yml";
  EXPECT_EQ(api::FilelocOf(api::FileToken(path)), path);
  EXPECT_EQ(DecodeBase64("YWxpY2U6cHc="), "alice:pw");
  EXPECT_FALSE(DecodeBase64("not base64 !").has_value());
}

TEST(DagJson, DescribesSchedulesAndKeepsAirflowFieldNames) {
  EXPECT_EQ(api::TimetableDescription(std::nullopt), "Never, external triggers only");
  EXPECT_EQ(api::TimetableDescription("@daily"), "At 00:00, every day");
  EXPECT_EQ(api::TimetableDescription("30 6 * * *"), "At 06:30, every day");
  EXPECT_EQ(api::TimetableDescription("*/5 * * * 1-5"), "Cron: */5 * * * 1-5");
  orchestrator::DagModel dag;
  dag.dag_id = "d";
  dag.fileloc = "/x/d.yml";
  dag.schedule = "@hourly";
  dag.tags = {"a"};
  nlohmann::json j = api::DagJson(dag);
  EXPECT_EQ(j["schedule_interval"]["value"], "@hourly");
  EXPECT_EQ(j["tags"][0]["name"], "a");
  EXPECT_EQ(j["owners"], nlohmann::json::array());
  EXPECT_EQ(j["next_dagrun"], nullptr);
}

}  // namespace
}  // namespace sluice::web
