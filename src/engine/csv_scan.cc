#include "engine/csv_scan.h"

#include <algorithm>
#include <exception>

#include "common/thread_pool.h"

namespace sluice::engine {

namespace {

// Encodes a sampled plain string column with a new dictionary, or returns null when its
// values do not repeat enough for a dictionary to pay.
std::shared_ptr<Column> EncodeIfRepeating(const Column& col) {
  const uint32_t limit =
      static_cast<uint32_t>(std::min(col.length / kDictionaryRatio, kMaxDictionarySample));
  if (limit == 0) return nullptr;
  auto dict = std::make_shared<Dictionary>();
  CsvDictCache cache(dict.get());  // the views carry kCsvArenaPadding readable bytes
  std::vector<uint32_t> codes(col.length, 0);
  for (int64_t i = 0; i < col.length; ++i) {
    if (!col.IsValid(i)) continue;
    codes[i] = cache.Intern(col.views[i].data(), col.views[i].size());
    if (dict->size() >= limit) return nullptr;
  }
  auto out = std::make_shared<Column>();
  out->type = TypeId::kString;
  out->length = col.length;
  out->validity = col.validity;
  out->codes = std::move(codes);
  out->dict = std::move(dict);
  return out;
}

// A local read is a copy from the page cache: the thread that needs a block reads it, and one
// range beyond the workers' lets a fast reader go on while a slow one finishes. A remote object
// is read ahead on the read threads, in bigger ranges, while every worker parses.
CsvReadAheadOptions ReadAheadOptions(const CsvScanSource& source, char quote, int workers) {
  CsvReadAheadOptions options;
  options.start = source.data_start;
  options.end = source.size;
  options.quote = quote;
  options.range_bytes = source.block_bytes;
  options.ahead = workers + 1;
  if (source.remote) {
    options.range_bytes = std::max(source.block_bytes, kRemoteBlockBytes);
    options.first_range_bytes = kRemoteFirstBlockBytes;
    options.ahead = kCsvReadThreads;
    options.background = true;
  }
  return options;
}

}  // namespace

CsvScanRun::CsvScanRun(CsvScanSource source, CsvParsePlan plan)
    : source_(std::move(source)), plan_(std::move(plan)) {}

void CsvScanRun::DecideDictionaries(Chunk* sample) {
  for (size_t o = 0; o < plan_.output_types.size(); ++o) {
    if (plan_.output_types[o] != TypeId::kString || plan_.output_dicts[o]) continue;
    auto encoded = EncodeIfRepeating(*sample->columns[o]);
    if (!encoded) continue;
    plan_.output_dicts[o] = encoded->dict;
    sample->columns[o] = std::move(encoded);
  }
}

void CsvScanRun::Stop(Status error) {
  {
    std::lock_guard<std::mutex> lock(mu_);
    if (error_.ok()) error_ = std::move(error);
    stop_ = true;
  }
  if (blocks_) blocks_->Stop();
}

bool CsvScanRun::Stopped() {
  std::lock_guard<std::mutex> lock(mu_);
  return stop_;
}

void CsvScanRun::Deliver(int64_t index, int64_t file_bytes, CsvParsedBlock parsed,
                         const Consumer& consume, ProgressBar* progress) {
  bool stopped = false;
  {
    std::lock_guard<std::mutex> lock(mu_);
    if (newlines_.size() <= static_cast<size_t>(index)) {
      newlines_.resize(index + 1, 0);
      pending_.resize(index + 1);
    }
    newlines_[index] = parsed.newlines;
    pending_[index] = std::move(parsed.rejects);
    malformed_ += parsed.malformed;
    if (parsed.failed) {
      // Blocks before this one are all taken already and finish parsing, so keeping the
      // earliest failure makes FAILFAST report the first malformed row of the file.
      if (failed_block_ < 0 || index < failed_block_) {
        failed_block_ = index;
        failure_ = std::move(parsed.failure);
      }
      stop_ = true;
    }
    stopped = stop_;
    if (!stopped) rows_ += parsed.chunk.num_rows;
  }
  if (stopped) {
    if (blocks_) blocks_->Stop();
    return;
  }
  if (progress) {
    progress->AddBytes(file_bytes);
    progress->AddRows(parsed.chunk.num_rows);
  }
  parsed.chunk.sequence = index;
  Status st = consume(std::move(parsed.chunk));
  if (!st.ok()) Stop(std::move(st));
}

Status CsvScanRun::Worker(const Consumer& consume, ProgressBar* progress) {
  try {
    CsvBlockParser parser(plan_);
    CsvBlock block;
    for (;;) {
      auto next = blocks_->Next(&block);
      if (!next.ok()) {
        Stop(next.status().WithContext(source_.uri));
        return Status::OK();
      }
      if (!*next) return Status::OK();
      CsvParsedBlock parsed = parser.Parse(block.data, block.size, block.has_quotes);
      const int64_t index = block.index;
      const int64_t file_bytes = block.file_bytes;
      blocks_->Recycle(std::move(block));
      Deliver(index, file_bytes, std::move(parsed), consume, progress);
    }
  } catch (const std::exception& e) {
    Stop(Status::Internal(source_.uri + ": " + e.what()));
  }
  return Status::OK();
}

Status CsvScanRun::Run(const Consumer& consume, ProgressBar* progress, int threads) {
  const int workers = threads > 0 ? threads : ThreadPool::Default().parallelism();
  CsvReadAhead blocks(source_.reader, ReadAheadOptions(source_, plan_.quote, workers));
  blocks_ = &blocks;
  if (progress) progress->AddBytes(source_.data_start);
  try {
    // The first block is the sample that decides which string columns get a dictionary;
    // every later block is parsed with that decision.
    CsvBlock first;
    auto any = blocks.Next(&first);
    if (!any.ok()) {
      Stop(any.status().WithContext(source_.uri));
    } else if (*any) {
      CsvParsedBlock parsed = CsvBlockParser(plan_).Parse(first.data, first.size, first.has_quotes);
      if (!parsed.failed) DecideDictionaries(&parsed.chunk);
      const int64_t file_bytes = first.file_bytes;
      blocks.Recycle(std::move(first));
      Deliver(0, file_bytes, std::move(parsed), consume, progress);
    }
    if (any.ok() && *any && !Stopped()) {
      Status st = ThreadPool::Default().ParallelFor(
          workers, [&](size_t) { return Worker(consume, progress); }, workers);
      if (!st.ok()) Stop(st);
    }
  } catch (const std::exception& e) {
    Stop(Status::Internal(source_.uri + ": " + e.what()));
  }
  blocks.Stop();
  bytes_ = source_.data_start + blocks.bytes_read();
  blocks_ = nullptr;
  return Finish();
}

Status CsvScanRun::Finish() {
  int64_t line = 1 + source_.lines_before;
  if (failed_block_ >= 0) {
    for (int64_t i = 0; i < failed_block_; ++i) line += newlines_[i];
    return Status::ParseError(source_.uri + ":" + std::to_string(line + failure_.line) + ": " +
                              failure_.reason);
  }
  if (!error_.ok()) return error_;
  for (size_t i = 0; i < pending_.size(); ++i) {
    for (auto& row : pending_[i]) {
      row.line += line;
      rejects_.push_back(std::move(row));
    }
    line += newlines_[i];
  }
  pending_.clear();
  return Status::OK();
}

}  // namespace sluice::engine
