#include "engine/csv_read_ahead.h"

#include <memory>

#include "common/thread_pool.h"

namespace sluice::engine {

namespace {

// Not the engine's pool: its threads are all parsing, and a read that waits on the network must
// make progress meanwhile. Only Submit is used, so every one of its threads is a reader. Never
// destroyed, as the S3 clients it reads through are not: nothing is joined at exit.
ThreadPool& ReadThreads() {
  static ThreadPool* pool = new ThreadPool(kCsvReadThreads + 1);
  return *pool;
}

}  // namespace

CsvReadAhead::CsvReadAhead(const storage::ObjectReader* reader, CsvReadAheadOptions options)
    : reader_(reader),
      options_(options),
      splitter_(options.start, options.end, options.range_bytes, options.quote,
                options.first_range_bytes) {
  if (options_.ahead < 1) options_.ahead = 1;
}

CsvReadAhead::~CsvReadAhead() {
  std::unique_lock<std::mutex> lock(mu_);
  stopped_ = true;
  changed_.wait(lock, [this] { return reading_ == 0; });
}

void CsvReadAhead::StartReads() {
  while (!stopped_ && splitter_.claimed_ahead() < options_.ahead) {
    auto range = std::make_shared<CsvRange>();
    if (!splitter_.Claim(range.get())) return;
    ++reading_;
    ReadThreads().Submit([this, range] { ReadInBackground(range.get()); });
  }
}

void CsvReadAhead::ReadInBackground(CsvRange* range) {
  bool stopped;
  {
    std::lock_guard<std::mutex> lock(mu_);
    stopped = stopped_;
  }
  if (!stopped) CsvSplitter::Read(*reader_, options_.quote, range);
  std::lock_guard<std::mutex> lock(mu_);
  if (stopped) {
    splitter_.Recycle(std::move(range->buffer));
  } else {
    splitter_.Complete(std::move(*range));
  }
  --reading_;
  changed_.notify_all();
}

Result<bool> CsvReadAhead::Next(CsvBlock* block) {
  std::unique_lock<std::mutex> lock(mu_);
  for (;;) {
    if (stopped_) return false;
    Result<CsvSplitter::Step> step = splitter_.Next(block);
    if (!step.ok()) {
      stopped_ = true;
      changed_.notify_all();
      return step.status();
    }
    if (*step == CsvSplitter::Step::kEnd) return false;
    if (*step == CsvSplitter::Step::kBlock) {
      // A range fewer ahead: a background read may start, or a waiting caller claim one.
      if (options_.background) StartReads();
      changed_.notify_all();
      return true;
    }
    if (options_.background) {
      StartReads();
    } else {
      CsvRange range;
      if (splitter_.claimed_ahead() < options_.ahead && splitter_.Claim(&range)) {
        lock.unlock();
        CsvSplitter::Read(*reader_, options_.quote, &range);
        lock.lock();
        splitter_.Complete(std::move(range));
        changed_.notify_all();
        continue;
      }
    }
    changed_.wait(lock);
  }
}

void CsvReadAhead::Recycle(CsvBlock&& block) {
  std::lock_guard<std::mutex> lock(mu_);
  splitter_.Recycle(std::move(block.buffer));
  block.data = nullptr;
}

void CsvReadAhead::Stop() {
  std::lock_guard<std::mutex> lock(mu_);
  stopped_ = true;
  changed_.notify_all();
}

int64_t CsvReadAhead::bytes_read() const {
  std::lock_guard<std::mutex> lock(mu_);
  return splitter_.bytes_read();
}

}  // namespace sluice::engine
