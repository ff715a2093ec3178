// Cuts a CSV object into blocks of whole records, reading sequentially: a block ends at the
// last line feed outside quotes, and the rest is carried into the next block. Every block
// therefore starts outside quotes, so blocks can be parsed independently.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "common/status.h"
#include "storage/object_store.h"

namespace sluice::engine {

// Bytes after a block's data that the parser may read and write (sentinels, word loads).
inline constexpr int64_t kCsvPadding = 64;

struct CsvBlock {
  int64_t index = 0;             // position in file order, from 0
  int64_t offset = 0;            // file offset of data[0]
  int64_t file_bytes = 0;        // bytes of the file this block covers
  int64_t size = 0;              // bytes of data; ends with '\n' unless the file ends in a quote
  bool has_quotes = true;        // false only when the data holds no quote character
  std::unique_ptr<char[]> data;  // capacity + kCsvPadding bytes
  int64_t capacity = 0;
};

class CsvSplitter {
 public:
  // Splits bytes [start, end) of `reader` into blocks of about `block_bytes`.
  CsvSplitter(const storage::ObjectReader* reader, int64_t start, int64_t end, int64_t block_bytes,
              char quote);

  // The next block into `block` (reusing a recycled buffer when there is one); false at the
  // end of the data.
  Result<bool> Next(CsvBlock* block);
  // Gives a parsed block's buffer back for reuse.
  void Recycle(CsvBlock&& block);
  // Bytes read from the object so far.
  int64_t bytes_read() const { return pos_ - start_; }

 private:
  void Reserve(CsvBlock* block, int64_t bytes);
  // Appends up to `want` bytes, adding the quotes among them to *quotes.
  Status ReadMore(CsvBlock* block, int64_t want, int64_t* quotes);
  // Position of the last '\n' outside quotes in data[from, size), or -1. `parity` is the
  // quote parity at the end of the data.
  int64_t LastRecordEnd(const CsvBlock& block, int64_t from, int parity) const;

  const storage::ObjectReader* reader_;
  int64_t start_;
  int64_t end_;
  int64_t pos_;
  int64_t block_bytes_;
  char quote_;
  int64_t next_index_ = 0;
  std::string carry_;  // the start of a record cut by the previous block's end
  std::vector<CsvBlock> free_;
};

}  // namespace sluice::engine
