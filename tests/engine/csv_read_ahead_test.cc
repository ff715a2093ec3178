// The CSV read-ahead: ranges read outside the lock (and ahead, in parallel, for a remote
// object), blocks stitched in file order at record ends outside quotes, whatever order the
// reads finish in; and a whole scan through a remote-looking reader giving the same rows, the
// same rejects and the same error lines as a local scan.
#include "engine/csv_read_ahead.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <functional>
#include <mutex>
#include <numeric>
#include <set>
#include <thread>
#include <utility>

#include "csv_test_util.h"
#include "engine/csv_scan.h"

namespace sluice::engine {
namespace {

using testutil::ScanPath;
using testutil::ScanResult;
using testutil::TempDir;

// An object in memory that records its reads: ranges, threads, how many ran at once. Each read
// sleeps for delay(offset), so tests can make early ranges finish last.
class RecordingReader : public storage::ObjectReader {
 public:
  RecordingReader(std::string data, bool remote) : data_(std::move(data)), remote_(remote) {}

  int64_t Size() const override { return static_cast<int64_t>(data_.size()); }
  bool IsRemote() const override { return remote_; }

  Result<int64_t> ReadAt(int64_t offset, int64_t length, char* out) const override {
    int now = ++running_;
    int seen = max_running_.load();
    while (now > seen && !max_running_.compare_exchange_weak(seen, now)) {
    }
    if (delay) std::this_thread::sleep_for(delay(offset));
    {
      std::lock_guard<std::mutex> lock(mu_);
      reads_.push_back({offset, length});
      threads_.insert(std::this_thread::get_id());
    }
    --running_;
    if (fail_at >= 0 && offset == fail_at) return Status::IoError("injected failure");
    int64_t n = std::min<int64_t>(length, Size() - offset);
    std::copy_n(data_.data() + offset, n, out);
    return n;
  }

  std::function<std::chrono::milliseconds(int64_t)> delay;
  int64_t fail_at = -1;

  int max_running() const { return max_running_.load(); }
  std::vector<std::pair<int64_t, int64_t>> reads() const {
    std::lock_guard<std::mutex> lock(mu_);
    auto out = reads_;
    std::sort(out.begin(), out.end());
    return out;
  }
  std::set<std::thread::id> threads() const {
    std::lock_guard<std::mutex> lock(mu_);
    return threads_;
  }

 private:
  std::string data_;
  bool remote_;
  mutable std::atomic<int> running_{0};
  mutable std::atomic<int> max_running_{0};
  mutable std::mutex mu_;
  mutable std::vector<std::pair<int64_t, int64_t>> reads_;
  mutable std::set<std::thread::id> threads_;
};

struct Collected {
  Status status;
  std::vector<std::string> blocks;  // in the order Next gave them
  std::vector<int64_t> indexes;
  std::vector<int64_t> offsets;
};

// Takes every block from one thread, sleeping `parse` after each as a parser would.
Collected Drain(CsvReadAhead* ahead, std::chrono::milliseconds parse = {}) {
  Collected out;
  CsvBlock block;
  for (;;) {
    auto next = ahead->Next(&block);
    if (!next.ok()) {
      out.status = next.status();
      return out;
    }
    if (!*next) return out;
    out.blocks.emplace_back(block.data, block.size);
    out.indexes.push_back(block.index);
    out.offsets.push_back(block.offset);
    ahead->Recycle(std::move(block));
    if (parse.count() > 0) std::this_thread::sleep_for(parse);
  }
}

// Rows "r<i>,<i padded>\n", about 12 bytes each.
std::string PlainRows(int n) {
  std::string out;
  for (int i = 0; i < n; ++i) out += "r" + std::to_string(i) + "," + std::to_string(i * 7) + "\n";
  return out;
}

int64_t Quotes(const std::string& s) { return std::count(s.begin(), s.end(), '"'); }

// Every block ends a record, holds whole quoted fields, and together they are the data.
void ExpectWholeRecords(const Collected& got, const std::string& data) {
  ASSERT_TRUE(got.status.ok()) << got.status.ToString();
  std::string joined;
  for (size_t i = 0; i < got.blocks.size(); ++i) {
    const std::string& b = got.blocks[i];
    ASSERT_FALSE(b.empty());
    EXPECT_EQ(b.back(), '\n') << "block " << i;
    EXPECT_EQ(Quotes(b) % 2, 0) << "block " << i << " cuts a quoted field: " << b;
    EXPECT_EQ(got.indexes[i], static_cast<int64_t>(i));
    EXPECT_EQ(got.offsets[i], static_cast<int64_t>(joined.size()));
    joined += b;
  }
  EXPECT_EQ(joined, data);
}

TEST(CsvReadAheadTest, RemoteReadsRunAheadAndInParallel) {
  const std::string data = PlainRows(2000);  // ~24 KiB: about 24 ranges of 1 KiB
  RecordingReader reader(data, /*remote=*/true);
  reader.delay = [](int64_t) { return std::chrono::milliseconds(20); };
  CsvReadAheadOptions options;
  options.end = static_cast<int64_t>(data.size());
  options.range_bytes = 1024;
  options.ahead = 3;
  options.background = true;
  Collected got;
  {
    CsvReadAhead ahead(&reader, options);
    got = Drain(&ahead, std::chrono::milliseconds(5));
  }
  ExpectWholeRecords(got, data);
  // Several ranges were being read while the one consumer parsed, never more than `ahead`.
  EXPECT_GE(reader.max_running(), 2);
  EXPECT_LE(reader.max_running(), 3);
  // Each range was read once, by a read-ahead thread, with one request of range_bytes.
  auto reads = reader.reads();
  ASSERT_EQ(reads.size(), (data.size() + 1023) / 1024);
  for (size_t i = 0; i < reads.size(); ++i) {
    EXPECT_EQ(reads[i].first, static_cast<int64_t>(i * 1024));
    EXPECT_EQ(reads[i].second, std::min<int64_t>(1024, data.size() - i * 1024));
  }
  EXPECT_EQ(reader.threads().count(std::this_thread::get_id()), 0u);
}

TEST(CsvReadAheadTest, FirstRangesDoubleUpToTheRangeSize) {
  const std::string data = PlainRows(1000);
  RecordingReader reader(data, /*remote=*/true);
  CsvReadAheadOptions options;
  options.end = static_cast<int64_t>(data.size());
  options.range_bytes = 1024;
  options.first_range_bytes = 256;
  options.ahead = 2;
  options.background = true;
  Collected got;
  {
    CsvReadAhead ahead(&reader, options);
    got = Drain(&ahead);
  }
  ExpectWholeRecords(got, data);
  auto reads = reader.reads();
  ASSERT_GE(reads.size(), 5u);
  std::vector<int64_t> sizes;
  for (size_t i = 0; i + 1 < reads.size(); ++i) sizes.push_back(reads[i].second);
  EXPECT_EQ(std::vector<int64_t>(sizes.begin(), sizes.begin() + 4),
            (std::vector<int64_t>{256, 512, 1024, 1024}));
  EXPECT_EQ(reads[0].first, 0);
  EXPECT_EQ(reads[1].first, 256);
  EXPECT_EQ(reads[2].first, 768);
}

TEST(CsvReadAheadTest, LocalReadsAreMadeByTheCallerOnly) {
  const std::string data = PlainRows(1000);
  RecordingReader reader(data, /*remote=*/false);
  CsvReadAheadOptions options;
  options.end = static_cast<int64_t>(data.size());
  options.range_bytes = 700;
  options.ahead = 3;
  CsvReadAhead ahead(&reader, options);
  Collected got = Drain(&ahead);
  ExpectWholeRecords(got, data);
  EXPECT_EQ(reader.threads(), std::set<std::thread::id>{std::this_thread::get_id()});
  EXPECT_EQ(reader.max_running(), 1);
}

TEST(CsvReadAheadTest, ReadsFinishingOutOfOrderStillGiveBlocksInFileOrder) {
  const std::string data = PlainRows(3000);
  for (bool remote : {true, false}) {
    SCOPED_TRACE(remote ? "remote" : "local");
    RecordingReader reader(data, remote);
    // Earlier ranges take longer, so later ones are read first.
    reader.delay = [](int64_t offset) {
      return std::chrono::milliseconds(std::max<int64_t>(0, 30 - offset / 1000));
    };
    CsvReadAheadOptions options;
    options.end = static_cast<int64_t>(data.size());
    options.range_bytes = 1000;
    options.ahead = 4;
    options.background = remote;
    CsvReadAhead ahead(&reader, options);
    // Three consumers at once, as the scan's workers are; blocks are put back in order after.
    std::mutex mu;
    std::vector<std::pair<int64_t, std::string>> blocks;
    std::vector<std::thread> threads;
    for (int t = 0; t < 3; ++t) {
      threads.emplace_back([&] {
        CsvBlock block;
        while (true) {
          auto next = ahead.Next(&block);
          ASSERT_TRUE(next.ok()) << next.status().ToString();
          if (!*next) return;
          std::lock_guard<std::mutex> lock(mu);
          blocks.emplace_back(block.index, std::string(block.data, block.size));
          ahead.Recycle(std::move(block));
        }
      });
    }
    for (auto& t : threads) t.join();
    std::sort(blocks.begin(), blocks.end());
    Collected got;
    for (auto& [index, text] : blocks) {
      got.offsets.push_back(static_cast<int64_t>(
          std::accumulate(got.blocks.begin(), got.blocks.end(), size_t{0},
                          [](size_t n, const std::string& s) { return n + s.size(); })));
      got.indexes.push_back(index);
      got.blocks.push_back(text);
    }
    ExpectWholeRecords(got, data);
    if (!remote) EXPECT_GE(reader.max_running(), 2);  // the callers read side by side
  }
}

TEST(CsvReadAheadTest, QuotedNewlinesAcrossRangeBoundaries) {
  // Quoted fields full of line feeds and doubled quotes, some longer than a range, so that
  // range ends fall inside quotes again and again.
  std::string data;
  for (int i = 0; i < 400; ++i) {
    std::string field = "\"line " + std::to_string(i);
    for (int k = 0; k < i % 7; ++k) field += "\n\"\"quoted\"\" \n";
    if (i % 50 == 0) field += std::string(3000, 'x') + "\n" + std::string(3000, 'y');
    data += std::to_string(i) + "," + field + "\",end\n";
  }
  for (bool remote : {true, false}) {
    SCOPED_TRACE(remote ? "remote" : "local");
    RecordingReader reader(data, remote);
    CsvReadAheadOptions options;
    options.end = static_cast<int64_t>(data.size());
    options.range_bytes = 512;
    options.ahead = 3;
    options.background = remote;
    CsvReadAhead ahead(&reader, options);
    Collected got = Drain(&ahead);
    ExpectWholeRecords(got, data);
    // Cuts are at record ends: every block starts with a record's first field.
    for (const auto& block : got.blocks) {
      EXPECT_TRUE(std::isdigit(static_cast<unsigned char>(block[0]))) << block.substr(0, 40);
    }
  }
}

TEST(CsvReadAheadTest, RecordLongerThanTheHeadroom) {
  // One record far longer than a range and than the room kept before a range's bytes.
  const std::string big = "1,\"" + std::string(3 * kCsvHeadroom, 'z') + "\n\"\n";
  const std::string data = PlainRows(50) + big + PlainRows(50);
  RecordingReader reader(data, /*remote=*/true);
  CsvReadAheadOptions options;
  options.end = static_cast<int64_t>(data.size());
  options.range_bytes = 4096;
  options.ahead = 2;
  options.background = true;
  CsvReadAhead ahead(&reader, options);
  Collected got = Drain(&ahead);
  ExpectWholeRecords(got, data);
  bool whole = false;
  for (const auto& b : got.blocks) whole = whole || b.find(big) != std::string::npos;
  EXPECT_TRUE(whole) << "the long record was split";
}

TEST(CsvReadAheadTest, MissingFinalNewlineIsAdded) {
  const std::string data = "a,b\nc,d";
  RecordingReader reader(data, /*remote=*/false);
  CsvReadAheadOptions options;
  options.end = static_cast<int64_t>(data.size());
  options.range_bytes = 3;
  CsvReadAhead ahead(&reader, options);
  Collected got = Drain(&ahead);
  ASSERT_TRUE(got.status.ok());
  std::string joined;
  for (const auto& b : got.blocks) joined += b;
  EXPECT_EQ(joined, data + "\n");
}

TEST(CsvReadAheadTest, ReadErrorComesAfterTheBlocksBeforeIt) {
  const std::string data = PlainRows(1000);
  for (bool remote : {true, false}) {
    SCOPED_TRACE(remote ? "remote" : "local");
    RecordingReader reader(data, remote);
    reader.fail_at = 4 * 1024;
    CsvReadAheadOptions options;
    options.end = static_cast<int64_t>(data.size());
    options.range_bytes = 1024;
    options.ahead = 3;
    options.background = remote;
    CsvReadAhead ahead(&reader, options);
    Collected got = Drain(&ahead);
    EXPECT_EQ(got.status.code(), StatusCode::kIoError);
    EXPECT_NE(got.status.message().find("injected failure"), std::string::npos);
    EXPECT_EQ(got.blocks.size(), 4u);  // the ranges before the broken one
    CsvBlock block;
    auto after = ahead.Next(&block);  // stopped for good
    ASSERT_TRUE(after.ok());
    EXPECT_FALSE(*after);
  }
}

TEST(CsvReadAheadTest, StopEndsWaitingCallers) {
  const std::string data = PlainRows(2000);
  RecordingReader reader(data, /*remote=*/true);
  reader.delay = [](int64_t) { return std::chrono::milliseconds(30); };
  CsvReadAheadOptions options;
  options.end = static_cast<int64_t>(data.size());
  options.range_bytes = 1024;
  options.ahead = 2;
  options.background = true;
  CsvReadAhead ahead(&reader, options);
  CsvBlock block;
  ASSERT_TRUE(*ahead.Next(&block));
  ahead.Recycle(std::move(block));
  std::thread stopper([&] {
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
    ahead.Stop();
  });
  auto next = ahead.Next(&block);
  stopper.join();
  ASSERT_TRUE(next.ok());
  // Either the block that was already read, or nothing: never a wait past Stop.
  if (*next) ahead.Recycle(std::move(block));
  auto after = ahead.Next(&block);
  ASSERT_TRUE(after.ok());
  EXPECT_FALSE(*after);
  // Not every range was read: the read-ahead stopped.
  EXPECT_LT(reader.reads().size(), (data.size() + 1023) / 1024);
}

// A store that hands out readers flagged remote, reading slowly and out of order, over the
// files of a folder: a whole scan then goes through the background read-ahead.
class RemoteLookingStore : public storage::ObjectStore {
 public:
  explicit RemoteLookingStore(std::shared_ptr<storage::ObjectStore> base)
      : base_(std::move(base)) {}
  std::string RootUri() const override { return base_->RootUri(); }
  Result<std::string> Get(std::string_view key) const override { return base_->Get(key); }
  Result<std::string> GetRange(std::string_view key, int64_t offset,
                               int64_t length) const override {
    return base_->GetRange(key, offset, length);
  }
  Result<std::unique_ptr<storage::ObjectReader>> OpenReader(std::string_view key) const override {
    ASSIGN_OR_RETURN(std::string data, base_->Get(key));
    auto reader = std::make_unique<RecordingReader>(std::move(data), /*remote=*/true);
    reader->delay = [](int64_t offset) {
      return std::chrono::milliseconds((offset >> 20) % 3 == 0 ? 15 : 1);
    };
    readers_.push_back(reader.get());
    return std::unique_ptr<storage::ObjectReader>(std::move(reader));
  }
  Status Put(std::string_view key, std::string_view data) override { return base_->Put(key, data); }
  Result<std::vector<storage::ObjectInfo>> List(std::string_view prefix) const override {
    return base_->List(prefix);
  }
  Result<storage::ObjectInfo> Head(std::string_view key) const override { return base_->Head(key); }
  Status Delete(std::string_view key) override { return base_->Delete(key); }
  std::string NewStagingPrefix(std::string_view folder) const override {
    return base_->NewStagingPrefix(folder);
  }
  Status CommitFolder(std::string_view staging, std::string_view folder,
                      storage::SaveMode mode) override {
    return base_->CommitFolder(staging, folder, mode);
  }
  Status DiscardStaging(std::string_view staging) override {
    return base_->DiscardStaging(staging);
  }

  mutable std::vector<RecordingReader*> readers_;  // owned by the scanners

 private:
  std::shared_ptr<storage::ObjectStore> base_;
};

ScanResult ScanRemote(const std::string& path, const CsvReadOptions& options, int* max_running) {
  ScanResult result;
  auto base = storage::ResolveUri(path);
  EXPECT_TRUE(base.ok());
  storage::Location location = *base;
  auto store = std::make_shared<RemoteLookingStore>(location.store);
  location.store = store;
  auto scanner = CsvScanner::Open(location, options);
  if (!scanner.ok()) {
    result.status = scanner.status();
    return result;
  }
  std::mutex mu;
  result.status = (*scanner)->Scan(
      [&](Chunk&& chunk) {
        std::lock_guard<std::mutex> lock(mu);
        result.chunks.push_back(std::move(chunk));
        return Status::OK();
      },
      nullptr, 2);
  std::sort(result.chunks.begin(), result.chunks.end(),
            [](const Chunk& a, const Chunk& b) { return a.sequence < b.sequence; });
  result.stats = (*scanner)->stats();
  result.rejects = (*scanner)->TakeRejects();
  *max_running = store->readers_.empty() ? 0 : store->readers_.back()->max_running();
  return result;
}

// Remote ranges are MiB multiples, so a quoted field across every MiB crosses every range end.
constexpr int64_t kMiB = 1 << 20;

// Rows of ~60 bytes up to `bytes`, with a quoted field holding line feeds across each MiB after
// the header, and a bad row at line `bad_line` (0: none).
std::string BigCsv(int64_t bytes, int64_t bad_line, int64_t* lines) {
  const std::string header = "id,name,note,amount\n";
  std::string out = header;
  int64_t line = 1;
  int64_t next_boundary = static_cast<int64_t>(header.size()) + kMiB;
  for (int64_t i = 0; static_cast<int64_t>(out.size()) < bytes; ++i) {
    ++line;
    std::string row;
    if (line == bad_line) {
      row = "bad,row\n";
    } else if (static_cast<int64_t>(out.size()) + 200 > next_boundary &&
               static_cast<int64_t>(out.size()) < next_boundary) {
      // A quoted field that straddles the boundary, with line feeds on both sides of it.
      int64_t before = next_boundary - static_cast<int64_t>(out.size());
      std::string note = std::string(static_cast<size_t>(std::max<int64_t>(before - 20, 1)), 'q');
      note += "\n\n\"\"x\"\"\n\n" + std::string(20, 'q');
      row = std::to_string(i) + ",name,\"" + note + "\"," + std::to_string(i % 97) + "\n";
      line += 4;  // the field's line feeds
      next_boundary += kMiB;
    } else {
      row = std::to_string(i) + ",name" + std::to_string(i % 13) + ",plain note text here," +
            std::to_string(i % 97) + "\n";
    }
    out += row;
  }
  *lines = line;
  return out;
}

CsvReadOptions TypedOptions() {
  CsvReadOptions options;
  options.column_types = {{"amount", TypeId::kInt64}};
  return options;
}

TEST(CsvReadAheadTest, RemoteScanMatchesLocalScanAcrossQuotedBoundaries) {
  TempDir dir;
  int64_t lines = 0;
  const std::string path = dir.Write("big.csv", BigCsv(2 * kRemoteBlockBytes + 12345, 0, &lines));
  ScanResult local = ScanPath(path, TypedOptions());
  ASSERT_TRUE(local.status.ok()) << local.status.ToString();
  int max_running = 0;
  ScanResult remote = ScanRemote(path, TypedOptions(), &max_running);
  ASSERT_TRUE(remote.status.ok()) << remote.status.ToString();
  EXPECT_EQ(remote.rows(), local.rows());
  EXPECT_EQ(remote.stats.rows, local.stats.rows);
  // Blocks of kRemoteFirstBlockBytes, doubling up to kRemoteBlockBytes: 4, 8, 16, 4 MiB.
  EXPECT_EQ(remote.chunks.size(), 4u);
  EXPECT_GE(max_running, 2);  // ranges were read ahead, in parallel
}

TEST(CsvReadAheadTest, RemoteScanReportsTheLineOfAnErrorInALateBlock) {
  TempDir dir;
  int64_t lines = 0;
  // Count the lines of the clean file first, to put the bad row in the last block.
  BigCsv(2 * kRemoteBlockBytes + 12345, 0, &lines);
  const int64_t bad_line = lines - 100;
  const std::string path =
      dir.Write("bad.csv", BigCsv(2 * kRemoteBlockBytes + 12345, bad_line, &lines));
  int max_running = 0;
  ScanResult failfast = ScanRemote(path, TypedOptions(), &max_running);
  EXPECT_EQ(failfast.status.code(), StatusCode::kParseError);
  EXPECT_NE(failfast.status.message().find("bad.csv:" + std::to_string(bad_line) +
                                           ": expected 4 fields, found 2"),
            std::string::npos)
      << failfast.status.ToString();

  CsvReadOptions permissive = TypedOptions();
  permissive.mode = MalformedMode::kPermissive;
  ScanResult rejected = ScanRemote(path, permissive, &max_running);
  ASSERT_TRUE(rejected.status.ok()) << rejected.status.ToString();
  ASSERT_EQ(rejected.rejects.size(), 1u);
  EXPECT_EQ(rejected.rejects[0].line, bad_line);
  EXPECT_EQ(rejected.rejects[0].record, "bad,row");
  ScanResult local = ScanPath(path, permissive);
  ASSERT_TRUE(local.status.ok());
  EXPECT_EQ(rejected.rows(), local.rows());
}

}  // namespace
}  // namespace sluice::engine
