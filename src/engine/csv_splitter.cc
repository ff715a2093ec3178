#include "engine/csv_splitter.h"

#include <algorithm>
#include <cstring>

namespace sluice::engine {

CsvSplitter::CsvSplitter(int64_t start, int64_t end, int64_t range_bytes, char quote,
                         int64_t first_range_bytes)
    : end_(end),
      range_bytes_(std::max<int64_t>(range_bytes, 1)),
      next_range_bytes_(first_range_bytes > 0 ? std::min(first_range_bytes, range_bytes_)
                                              : range_bytes_),
      quote_(quote),
      claim_offset_(start),
      stitch_offset_(start) {}

CsvBuffer CsvSplitter::TakeBuffer(int64_t capacity) {
  for (size_t i = free_.size(); i-- > 0;) {
    if (free_[i].capacity >= capacity) {
      CsvBuffer buffer = std::move(free_[i]);
      free_.erase(free_.begin() + static_cast<std::ptrdiff_t>(i));
      return buffer;
    }
  }
  if (!free_.empty()) free_.pop_back();  // too small for what is read now: let it go
  CsvBuffer buffer;
  buffer.bytes.reset(new char[capacity + kCsvPadding]);
  buffer.capacity = capacity;
  return buffer;
}

void CsvSplitter::Recycle(CsvBuffer&& buffer) {
  if (buffer.bytes) free_.push_back(std::move(buffer));
}

bool CsvSplitter::Claim(CsvRange* range) {
  if (claim_offset_ >= end_) return false;
  range->index = next_claim_++;
  range->offset = claim_offset_;
  range->size = std::min(next_range_bytes_, end_ - claim_offset_);
  next_range_bytes_ = std::min(range_bytes_, next_range_bytes_ * 2);
  range->quotes = 0;
  range->status = Status::OK();
  // +1: room for the '\n' added after the last record of the object.
  range->buffer = TakeBuffer(kCsvHeadroom + range->size + 1);
  claim_offset_ += range->size;
  return true;
}

void CsvSplitter::Read(const storage::ObjectReader& reader, char quote, CsvRange* range) {
  char* out = range->buffer.bytes.get() + kCsvHeadroom;
  int64_t done = 0;
  while (done < range->size) {
    Result<int64_t> got = reader.ReadAt(range->offset + done, range->size - done, out + done);
    if (!got.ok()) {
      range->status = got.status();
      return;
    }
    if (*got <= 0) {
      range->status =
          Status::IoError("unexpected end of data at byte " + std::to_string(range->offset + done) +
                          " of " + std::to_string(reader.Size()));
      return;
    }
    done += *got;
  }
  // Doubled quotes count twice, so parity alone tells whether a position is inside quotes.
  const char* p = out;
  const char* stop = out + range->size;
  while ((p = static_cast<const char*>(std::memchr(p, quote, stop - p))) != nullptr) {
    ++range->quotes;
    ++p;
  }
}

void CsvSplitter::Complete(CsvRange&& range) {
  if (range.status.ok()) bytes_read_ += range.size;
  const int64_t index = range.index;
  done_.emplace(index, std::move(range));
}

int64_t CsvSplitter::LastRecordEnd(const char* data, int64_t size, int parity,
                                   int64_t* tail_quotes) const {
  int64_t quotes = 0;
  for (int64_t i = size - 1; i >= 0; --i) {
    char c = data[i];
    if (c == '\n') {
      if (parity == 0) {
        *tail_quotes = quotes;
        return i;
      }
    } else if (c == quote_) {
      parity ^= 1;
      ++quotes;
    }
  }
  return -1;
}

void CsvSplitter::Join(CsvRange* range, CsvBlock* block) {
  const char* bytes = range->buffer.bytes.get() + kCsvHeadroom;
  const int64_t carried = static_cast<int64_t>(carry_.size());
  if (carried <= kCsvHeadroom) {
    block->buffer = std::move(range->buffer);
    block->data = block->buffer.bytes.get() + kCsvHeadroom - carried;
  } else {
    // A record longer than the headroom: copy it and the range into a buffer of their own.
    block->buffer = TakeBuffer(carried + range->size + 1);
    block->data = block->buffer.bytes.get();
    std::memcpy(block->data + carried, bytes, static_cast<size_t>(range->size));
  }
  std::memcpy(block->data, carry_.data(), carry_.size());
  block->size = carried + range->size;
}

Result<CsvSplitter::Step> CsvSplitter::Next(CsvBlock* block) {
  for (;;) {
    if (stitch_offset_ >= end_) return Step::kEnd;
    auto it = done_.find(next_stitch_);
    if (it == done_.end()) return Step::kWait;
    if (!it->second.status.ok()) return it->second.status;
    CsvRange range = std::move(it->second);
    done_.erase(it);
    ++next_stitch_;
    stitch_offset_ += range.size;
    const bool last = stitch_offset_ >= end_;
    const char* bytes = range.buffer.bytes.get() + kCsvHeadroom;
    int64_t quotes = carry_quotes_ + range.quotes;

    // The unfinished record at the end of the range; none in the last range.
    int64_t cut = range.size - 1;
    int64_t tail_quotes = 0;
    if (!last) {
      cut = LastRecordEnd(bytes, range.size, static_cast<int>(quotes & 1), &tail_quotes);
      if (cut < 0) {
        // A record longer than a range: all of it waits for the next range.
        carry_.append(bytes, static_cast<size_t>(range.size));
        carry_quotes_ = quotes;
        Recycle(std::move(range.buffer));
        continue;
      }
    }
    std::string tail(bytes + cut + 1, static_cast<size_t>(range.size - cut - 1));
    const int64_t carried = static_cast<int64_t>(carry_.size());
    Join(&range, block);
    Recycle(std::move(range.buffer));  // still held only when Join copied out of it
    block->offset = range.offset - carried;
    block->size -= static_cast<int64_t>(tail.size());
    carry_ = std::move(tail);
    carry_quotes_ = tail_quotes;

    block->file_bytes = block->size;
    block->has_quotes = quotes - tail_quotes > 0;
    if (block->size > 0 && block->data[block->size - 1] != '\n') {
      block->data[block->size++] = '\n';
    }
    block->index = next_block_++;
    return Step::kBlock;
  }
}

}  // namespace sluice::engine
