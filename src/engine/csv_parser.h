// Parses one block of whole CSV records (RFC 4180) into a columnar Chunk: only projected
// fields are converted, every record's field count is checked, malformed records are
// dropped, recorded or reported according to the malformed-row mode.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "engine/column.h"
#include "engine/csv_dict_cache.h"
#include "engine/csv_options.h"
#include "engine/csv_reader.h"

namespace sluice::engine {

// What to do with each field of a record; shared by every block of one scan.
struct CsvParsePlan {
  int num_fields = 0;
  char delimiter = ',';
  char quote = '"';
  MalformedMode mode = MalformedMode::kFailFast;
  std::vector<std::string> field_names;  // every field of a record, for messages
  std::vector<int> output_of_field;      // per field: its output column, or -1
  std::vector<TypeId> output_types;      // per output column
  // Per output column: the shared dictionary of a dictionary-encoded string column, or null.
  std::vector<std::shared_ptr<Dictionary>> output_dicts;
};

struct CsvParsedBlock {
  Chunk chunk;
  int64_t newlines = 0;   // '\n' bytes in the block, for physical line numbers
  int64_t malformed = 0;
  // PERMISSIVE: rejected records; `line` counts the '\n' in the block before the record.
  std::vector<RejectedRow> rejects;
  // FAILFAST: the first malformed record (line as above); parsing stopped there.
  bool failed = false;
  RejectedRow failure;
};

// One per thread: keeps dictionary caches and size estimates across the blocks it parses.
class CsvBlockParser {
 public:
  explicit CsvBlockParser(const CsvParsePlan& plan);
  ~CsvBlockParser();
  CsvBlockParser(const CsvBlockParser&) = delete;
  CsvBlockParser& operator=(const CsvBlockParser&) = delete;

  // Parses data[0, size), which holds whole records starting outside quotes. The
  // kCsvPadding bytes after the data are scratch the parser overwrites.
  CsvParsedBlock Parse(char* data, int64_t size);

 private:
  struct Builder;
  struct RowError;

  void StartBlock(int64_t size);
  const char* ScanUnquoted(const char* p, int64_t* nl, RowError* err, int field) const;
  bool Emit(Builder* b, const char* s, const char* e, bool quoted, bool escaped);
  void Rollback(int64_t rows, char* arena_mark);
  std::string Reason(const RowError& err, int fields_found) const;
  Chunk FinishChunk(int64_t rows);

  const CsvParsePlan& plan_;
  std::vector<std::unique_ptr<Builder>> builders_;  // per output column
  std::vector<Builder*> field_builder_;             // per field: its builder, or null
  bool has_plain_ = false;
  double rows_per_byte_ = 0;
  // Bytes of the plain string columns of the current block, shrunk to fit at its end.
  char* arena_ = nullptr;
  char* arena_pos_ = nullptr;
  std::vector<char> scratch_;  // an unescaped dictionary string
  const char* end_ = nullptr;
};

}  // namespace sluice::engine
