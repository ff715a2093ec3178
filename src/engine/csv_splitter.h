// Cuts a CSV object into blocks of whole records. The object is read as fixed byte ranges that
// may be read in any order and at once; blocks are then stitched in file order: each block
// ends at the last line feed outside quotes of its range, and the rest is carried in front of
// the next one. Every block therefore starts outside quotes and can be parsed on its own.
// Not thread-safe: csv_read_ahead.h holds the lock and does the reading.
#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "common/status.h"
#include "storage/object_store.h"

namespace sluice::engine {

// Bytes after a block's data that the parser may read and write (sentinels, word loads).
inline constexpr int64_t kCsvPadding = 64;
// Room kept before a range's bytes for the record the previous range left unfinished, so that
// joining the two is a short copy, not a copy of the whole range.
inline constexpr int64_t kCsvHeadroom = 64 << 10;

// An owned byte buffer with kCsvPadding bytes past `capacity`.
struct CsvBuffer {
  std::unique_ptr<char[]> bytes;
  int64_t capacity = 0;
};

// Bytes [offset, offset + size) of the object, stored at buffer.bytes + kCsvHeadroom.
struct CsvRange {
  int64_t index = 0;  // in file order, from 0
  int64_t offset = 0;
  int64_t size = 0;
  int64_t quotes = 0;  // quote characters among the bytes
  Status status;       // of the read; an error surfaces when the range's turn comes
  CsvBuffer buffer;
};

struct CsvBlock {
  int64_t index = 0;       // position in file order, from 0
  int64_t offset = 0;      // file offset of data[0]
  int64_t file_bytes = 0;  // bytes of the file this block covers
  int64_t size = 0;        // bytes of data, ending with '\n' (one is added at the end of the file)
  bool has_quotes = true;  // false only when the data holds no quote character
  char* data = nullptr;    // inside `buffer`, followed by kCsvPadding writable bytes
  CsvBuffer buffer;
};

class CsvSplitter {
 public:
  enum class Step { kBlock, kWait, kEnd };

  // Splits bytes [start, end) into ranges of `range_bytes`. With `first_range_bytes`, the first
  // range is that small and each next one twice as big, up to `range_bytes`: the first block,
  // which is parsed alone, arrives and is parsed sooner.
  CsvSplitter(int64_t start, int64_t end, int64_t range_bytes, char quote,
              int64_t first_range_bytes = 0);

  // The next range to read, with a buffer for it; false when every range is claimed.
  bool Claim(CsvRange* range);
  // Ranges claimed whose block has not been stitched yet.
  int64_t claimed_ahead() const { return next_claim_ - next_stitch_; }
  // Reads a claimed range and counts its quotes. Touches no splitter state: call it unlocked.
  static void Read(const storage::ObjectReader& reader, char quote, CsvRange* range);
  // Takes back a range that was read (in any order).
  void Complete(CsvRange&& range);

  // kBlock: the next block in file order is in `block`. kWait: a range it needs is not read
  // yet. kEnd: no data is left. An error is the read error of the range whose turn it is.
  Result<Step> Next(CsvBlock* block);
  // Gives a parsed block's (or an unused range's) buffer back for reuse.
  void Recycle(CsvBuffer&& buffer);
  // Bytes read from the object so far.
  int64_t bytes_read() const { return bytes_read_; }

 private:
  CsvBuffer TakeBuffer(int64_t capacity);
  // Puts the carried record in front of the range's bytes; the result is in *block.
  void Join(CsvRange* range, CsvBlock* block);
  // Position of the last '\n' outside quotes in data[0, size), or -1; `parity` is the quote
  // parity at `size`. *tail_quotes gets the quotes after the position.
  int64_t LastRecordEnd(const char* data, int64_t size, int parity, int64_t* tail_quotes) const;

  int64_t end_;
  int64_t range_bytes_;
  int64_t next_range_bytes_;
  char quote_;
  int64_t claim_offset_;
  int64_t next_claim_ = 0;
  int64_t stitch_offset_;
  int64_t next_stitch_ = 0;
  int64_t next_block_ = 0;
  int64_t bytes_read_ = 0;
  std::map<int64_t, CsvRange> done_;  // read ranges waiting for their turn, by index
  std::string carry_;                 // the start of a record cut by the previous block's end
  int64_t carry_quotes_ = 0;
  std::vector<CsvBuffer> free_;
};

}  // namespace sluice::engine
