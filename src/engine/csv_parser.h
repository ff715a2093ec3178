// Parses one block of whole CSV records (RFC 4180) into a columnar Chunk: only projected
// fields are converted, every record's field count is checked, malformed records are
// dropped, recorded or reported according to the malformed-row mode.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "engine/column.h"
#include "engine/csv_column_builder.h"
#include "engine/csv_options.h"
#include "engine/csv_reader.h"

namespace sluice::engine {

// Plain string columns of a parsed block point into an arena with this many readable bytes
// after its last string, so CsvDictCache can read any of them.
inline constexpr size_t kCsvArenaPadding = 8;

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
  int64_t newlines = 0;  // '\n' bytes in the block, for physical line numbers
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
  // kCsvPadding bytes after the data are scratch the parser overwrites. `has_quotes` false
  // promises that the data holds no quote character, which allows a faster path.
  CsvParsedBlock Parse(char* data, int64_t size, bool has_quotes = true);

  struct RowError;  // what went wrong in a record; defined in the .cc

 private:
  // Where the record being parsed started: what a reject reports and a rollback restores.
  struct Record {
    const char* start;
    int64_t nl;
    char* arena_mark;
  };

  int64_t ParseQuoteFree(const char* data, const char* end, CsvParsedBlock* out);
  int64_t ParseQuoted(const char* data, const char* end, CsvParsedBlock* out);
  // Drops a malformed record as the mode says; true when parsing must stop (FAILFAST).
  bool Reject(const Record& rec, const char* rec_end, const RowError& err, int found, int64_t rows,
              CsvParsedBlock* out);
  void StartBlock(int64_t size);
  bool Emit(CsvColumnBuilder* b, const char* s, const char* e, bool quoted, bool escaped);
  bool EmitTyped(CsvColumnBuilder* b, const char* s, const char* e, bool escaped);
  void Rollback(int64_t rows, char* arena_mark);
  Chunk FinishChunk(int64_t rows);

  const CsvParsePlan& plan_;
  std::vector<std::unique_ptr<CsvColumnBuilder>> builders_;  // per output column
  std::vector<CsvColumnBuilder*> field_builder_;             // per field: its builder, or null
  bool has_plain_ = false;
  double rows_per_byte_ = 0;
  // Bytes of the plain string columns of the current block, shrunk to fit at its end.
  char* arena_ = nullptr;
  char* arena_pos_ = nullptr;
  std::vector<char> scratch_;  // an unescaped dictionary string
};

}  // namespace sluice::engine
