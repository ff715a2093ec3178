#include "engine/csv_splitter.h"

#include <algorithm>
#include <cstring>

namespace sluice::engine {

CsvSplitter::CsvSplitter(const storage::ObjectReader* reader, int64_t start, int64_t end,
                         int64_t block_bytes, char quote)
    : reader_(reader),
      start_(start),
      end_(end),
      pos_(start),
      block_bytes_(std::max<int64_t>(block_bytes, 1)),
      quote_(quote) {}

void CsvSplitter::Recycle(CsvBlock&& block) {
  if (!block.data) return;
  block.size = 0;
  free_.push_back(std::move(block));
}

void CsvSplitter::Reserve(CsvBlock* block, int64_t bytes) {
  if (block->data && block->capacity >= bytes) return;
  int64_t capacity = std::max(bytes, block->capacity * 2);
  std::unique_ptr<char[]> data(new char[capacity + kCsvPadding]);
  if (block->size > 0) std::memcpy(data.get(), block->data.get(), block->size);
  block->data = std::move(data);
  block->capacity = capacity;
}

Status CsvSplitter::ReadMore(CsvBlock* block, int64_t want, int64_t* quotes) {
  int64_t n = std::min(want, end_ - pos_);
  Reserve(block, block->size + n + 1);  // +1: room for a final '\n'
  char* out = block->data.get() + block->size;
  int64_t done = 0;
  while (done < n) {
    ASSIGN_OR_RETURN(int64_t got, reader_->ReadAt(pos_ + done, n - done, out + done));
    if (got <= 0) {
      return Status::IoError("unexpected end of data at byte " + std::to_string(pos_ + done) +
                             " of " + std::to_string(end_));
    }
    done += got;
  }
  // Doubled quotes count twice, so parity alone tells whether a position is inside quotes.
  const char* p = out;
  const char* stop = out + n;
  while ((p = static_cast<const char*>(std::memchr(p, quote_, stop - p))) != nullptr) {
    ++*quotes;
    ++p;
  }
  block->size += n;
  pos_ += n;
  return Status::OK();
}

int64_t CsvSplitter::LastRecordEnd(const CsvBlock& block, int64_t from, int parity) const {
  const char* data = block.data.get();
  for (int64_t i = block.size - 1; i >= from; --i) {
    char c = data[i];
    if (c == '\n') {
      if (parity == 0) return i;
    } else if (c == quote_) {
      parity ^= 1;
    }
  }
  return -1;
}

Result<bool> CsvSplitter::Next(CsvBlock* block) {
  if (pos_ >= end_ && carry_.empty()) return false;
  if (!free_.empty()) {
    *block = std::move(free_.back());
    free_.pop_back();
  }
  block->size = 0;
  Reserve(block, static_cast<int64_t>(carry_.size()) + block_bytes_ + 1);
  std::memcpy(block->data.get(), carry_.data(), carry_.size());
  block->size = static_cast<int64_t>(carry_.size());
  block->offset = pos_ - block->size;
  int64_t quotes = 0;
  for (char c : carry_) quotes += (c == quote_);
  carry_.clear();

  int64_t scanned = 0;  // data[0, scanned) holds no record end
  for (;;) {
    // A record longer than a block grows the buffer geometrically, so rescans stay linear.
    RETURN_NOT_OK(ReadMore(block, std::max(block_bytes_, block->size), &quotes));
    if (pos_ >= end_) break;
    int64_t cut = LastRecordEnd(*block, scanned, static_cast<int>(quotes & 1));
    if (cut >= 0) {
      carry_.assign(block->data.get() + cut + 1, block->size - cut - 1);
      block->size = cut + 1;
      break;
    }
    scanned = block->size;
  }
  block->file_bytes = block->size;
  block->has_quotes = quotes > 0;  // counted before the cut, so it may err towards true
  if (block->size > 0 && block->data[block->size - 1] != '\n') block->data[block->size++] = '\n';
  block->index = next_index_++;
  return true;
}

}  // namespace sluice::engine
