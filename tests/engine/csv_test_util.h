// Shared by the CSV tests: a temporary folder, and a scan that collects every chunk in
// file order and renders rows as text for comparison.
#pragma once

#include <gtest/gtest.h>
#include <stdlib.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <mutex>
#include <string>
#include <vector>

#include "engine/csv_reader.h"
#include "engine/csv_writer.h"
#include "engine_test_util.h"

namespace sluice::engine::testutil {

class TempDir {
 public:
  TempDir() {
    std::string pattern = ::testing::TempDir() + "sluice_csv_XXXXXX";
    char* made = mkdtemp(pattern.data());
    EXPECT_NE(made, nullptr);
    path_ = pattern;
  }
  ~TempDir() { std::filesystem::remove_all(path_); }
  const std::string& path() const { return path_; }

  std::string Write(const std::string& name, const std::string& content) const {
    std::string file = path_ + "/" + name;
    std::ofstream(file, std::ios::binary) << content;
    return file;
  }

 private:
  std::string path_;
};

struct ScanResult {
  Status status;
  Schema schema;
  std::vector<Chunk> chunks;  // ordered by sequence
  CsvScanStats stats;
  std::vector<RejectedRow> rejects;

  Rows rows() const {
    Rows out;
    for (const auto& chunk : chunks) {
      for (int64_t r = 0; r < chunk.num_rows; ++r) {
        std::vector<std::string> row;
        for (const auto& col : chunk.columns) row.push_back(CellText(*col, r));
        out.push_back(std::move(row));
      }
    }
    return out;
  }
};

inline ScanResult ScanPath(const std::string& path, const CsvReadOptions& options,
                           int threads = 2) {
  ScanResult result;
  auto location = storage::ResolveUri(path);
  if (!location.ok()) {
    result.status = location.status();
    return result;
  }
  auto scanner = CsvScanner::Open(*location, options);
  if (!scanner.ok()) {
    result.status = scanner.status();
    return result;
  }
  result.schema = (*scanner)->schema();
  std::mutex mu;
  result.status = (*scanner)->Scan(
      [&](Chunk&& chunk) {
        std::lock_guard<std::mutex> lock(mu);
        EXPECT_EQ(static_cast<int>(chunk.columns.size()), result.schema.size());
        for (const auto& col : chunk.columns) EXPECT_EQ(col->length, chunk.num_rows);
        result.chunks.push_back(std::move(chunk));
        return Status::OK();
      },
      nullptr, threads);
  std::sort(result.chunks.begin(), result.chunks.end(),
            [](const Chunk& a, const Chunk& b) { return a.sequence < b.sequence; });
  for (size_t i = 0; result.status.ok() && i < result.chunks.size(); ++i) {
    EXPECT_EQ(result.chunks[i].sequence, static_cast<int64_t>(i));
  }
  result.stats = (*scanner)->stats();
  result.rejects = (*scanner)->TakeRejects();
  return result;
}

}  // namespace sluice::engine::testutil
