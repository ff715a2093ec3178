// Shared by the expression, operator and executor tests: builders for small chunks
// (including dictionary-encoded strings), rendering of columns and tables as text, and
// pushing chunks into an operator from several threads of a private pool.
#pragma once

#include <gtest/gtest.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <memory>
#include <mutex>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include "common/thread_pool.h"
#include "engine/column.h"
#include "engine/csv_writer.h"
#include "engine/operator.h"

namespace sluice::engine::testutil {

using Row = std::vector<std::string>;
using Rows = std::vector<Row>;

// A dictionary-encoded string column; NULL rows (validity 0) get code 0 as the CSV reader
// gives them. `dict` may be shared between columns.
inline std::shared_ptr<Column> MakeDictColumn(const std::vector<std::string>& values,
                                              std::vector<uint8_t> validity = {},
                                              std::shared_ptr<Dictionary> dict = nullptr) {
  auto c = std::make_shared<Column>();
  c->type = TypeId::kString;
  c->length = static_cast<int64_t>(values.size());
  c->dict = dict ? std::move(dict) : std::make_shared<Dictionary>();
  for (size_t i = 0; i < values.size(); ++i) {
    bool valid = validity.empty() || validity[i];
    c->codes.push_back(valid ? c->dict->Intern(values[i]) : 0);
  }
  c->validity = std::move(validity);
  return c;
}

inline Chunk MakeChunk(std::vector<ColumnPtr> columns, int64_t sequence = 0) {
  Chunk c;
  c.num_rows = columns.empty() ? 0 : columns[0]->length;
  c.columns = std::move(columns);
  c.sequence = sequence;
  return c;
}

// "<null>" for NULL; doubles as the CSV writer prints them.
inline std::string CellText(const Column& col, int64_t i) {
  if (!col.IsValid(i)) return "<null>";
  switch (col.type) {
    case TypeId::kInt64:
      return std::to_string(col.i64[i]);
    case TypeId::kDouble: {
      std::string s;
      AppendDouble(col.f64[i], &s);
      return s;
    }
    case TypeId::kBool:
      return col.b[i] ? "true" : "false";
    case TypeId::kString:
      return std::string(col.StringAt(i));
  }
  return "?";
}

inline std::vector<std::string> ColumnText(const Column& col) {
  std::vector<std::string> out;
  for (int64_t i = 0; i < col.length; ++i) out.push_back(CellText(col, i));
  return out;
}

// Every row of every chunk, in chunk order; also checks the chunks are well formed.
inline Rows TableRows(const Table& t) {
  Rows out;
  for (const Chunk& chunk : t.chunks) {
    EXPECT_EQ(static_cast<int>(chunk.columns.size()), t.schema.size());
    for (const auto& col : chunk.columns) EXPECT_EQ(col->length, chunk.num_rows);
    for (int64_t r = 0; r < chunk.num_rows; ++r) {
      Row row;
      for (const auto& col : chunk.columns) row.push_back(CellText(*col, r));
      out.push_back(std::move(row));
    }
  }
  return out;
}

inline Rows Sorted(Rows rows) {
  std::sort(rows.begin(), rows.end());
  return rows;
}

// Pushes every chunk into `op`'s `input` from up to `threads` threads of a private pool (the
// first `threads` pushes wait for each other, up to a second, so they really run on distinct
// threads), then, when `done`, signals the input done. Records the pushing threads' ids.
inline Status PushAll(Operator* op, int input, const std::vector<Chunk>& chunks, int threads,
                      bool done = true, std::set<std::thread::id>* used = nullptr) {
  ThreadPool pool(threads);
  std::atomic<int> started{0};
  std::mutex mu;
  std::set<std::thread::id> ids;
  Status st = pool.ParallelFor(
      chunks.size(),
      [&](size_t i) {
        {
          std::lock_guard<std::mutex> lock(mu);
          ids.insert(std::this_thread::get_id());
        }
        if (static_cast<int>(i) < threads) {
          started.fetch_add(1);
          auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(1);
          int want = std::min<int>(threads, static_cast<int>(chunks.size()));
          while (started.load() < want && std::chrono::steady_clock::now() < deadline) {
            std::this_thread::sleep_for(std::chrono::microseconds(200));
          }
        }
        return op->Push(input, chunks[i]);
      },
      threads);
  if (used) *used = ids;
  if (!st.ok() || !done) return st;
  return op->InputDone(input);
}

}  // namespace sluice::engine::testutil
