#include "engine/csv_parser.h"

#include <cstdlib>
#include <cstring>
#include <new>

#include "engine/csv_splitter.h"

#ifdef __SSE2__
#include <emmintrin.h>
#endif

#define SLUICE_ALWAYS_INLINE inline __attribute__((always_inline))

namespace sluice::engine {

// The first problem found in a record. Structural problems outrank a value that does not
// convert, since they make the field values meaningless.
struct CsvBlockParser::RowError {
  enum class Kind : uint8_t { kNone, kValue, kQuoteInField, kAfterQuote, kUnterminated };
  Kind kind = Kind::kNone;
  int field = 0;
  std::string_view value;

  void Set(Kind k, int f, std::string_view v = {}) {
    if (kind != Kind::kNone && !(k >= Kind::kQuoteInField && kind == Kind::kValue)) return;
    kind = k;
    field = f;
    value = v;
  }
  bool structural() const { return kind >= Kind::kQuoteInField; }
};

namespace {

// A value shown in a message is cut here so one bad row cannot flood a log.
constexpr size_t kMaxShownValue = 60;

// Finds the bytes that matter inside a block. Every search stops at the quote written as a
// sentinel at the block's end, so the loops need no bounds checks; loads may reach 15 bytes
// past it, inside the padding.
struct Finder {
  char delimiter;
  char quote;
#ifdef __SSE2__
  __m128i delimiter_v;
  __m128i lf_v;
  __m128i quote_v;
#endif

  Finder(char d, char q) : delimiter(d), quote(q) {
#ifdef __SSE2__
    delimiter_v = _mm_set1_epi8(d);
    lf_v = _mm_set1_epi8('\n');
    quote_v = _mm_set1_epi8(q);
#endif
  }

  // The first delimiter, '\n' or quote at or after p.
  SLUICE_ALWAYS_INLINE const char* Special(const char* p) const {
#ifdef __SSE2__
    for (;;) {
      __m128i v = _mm_loadu_si128(reinterpret_cast<const __m128i*>(p));
      __m128i m =
          _mm_or_si128(_mm_or_si128(_mm_cmpeq_epi8(v, delimiter_v), _mm_cmpeq_epi8(v, lf_v)),
                       _mm_cmpeq_epi8(v, quote_v));
      unsigned mask = static_cast<unsigned>(_mm_movemask_epi8(m));
      if (mask != 0) return p + __builtin_ctz(mask);
      p += 16;
    }
#else
    while (*p != delimiter && *p != '\n' && *p != quote) ++p;
    return p;
#endif
  }

  // The first quote at or after p, adding the '\n' bytes passed over to *nl.
  SLUICE_ALWAYS_INLINE const char* Quote(const char* p, int64_t* nl) const {
#ifdef __SSE2__
    for (;;) {
      __m128i v = _mm_loadu_si128(reinterpret_cast<const __m128i*>(p));
      unsigned q = static_cast<unsigned>(_mm_movemask_epi8(_mm_cmpeq_epi8(v, quote_v)));
      unsigned n = static_cast<unsigned>(_mm_movemask_epi8(_mm_cmpeq_epi8(v, lf_v)));
      if (q != 0) {
        *nl += __builtin_popcount(n & ((q & -q) - 1));
        return p + __builtin_ctz(q);
      }
      *nl += __builtin_popcount(n);
      p += 16;
    }
#else
    for (; *p != quote; ++p) *nl += (*p == '\n');
    return p;
#endif
  }
};

// Bitmasks of the delimiter and '\n' bytes in 64 bytes, for blocks without quotes.
struct SeparatorMasks {
  char delimiter;
#ifdef __SSE2__
  __m128i delimiter_v;
  __m128i lf_v;
#endif

  explicit SeparatorMasks(char d) : delimiter(d) {
#ifdef __SSE2__
    delimiter_v = _mm_set1_epi8(d);
    lf_v = _mm_set1_epi8('\n');
#endif
  }

  // Bit i of the result is set when base[i] is a separator; of *lf when it is '\n'.
  SLUICE_ALWAYS_INLINE uint64_t Of(const char* base, uint64_t* lf) const {
#ifdef __SSE2__
    uint64_t l = 0;
    uint64_t d = 0;
    for (int k = 0; k < 4; ++k) {
      __m128i v = _mm_loadu_si128(reinterpret_cast<const __m128i*>(base + 16 * k));
      l |= static_cast<uint64_t>(static_cast<uint32_t>(_mm_movemask_epi8(_mm_cmpeq_epi8(v, lf_v))))
           << (16 * k);
      d |= static_cast<uint64_t>(
               static_cast<uint32_t>(_mm_movemask_epi8(_mm_cmpeq_epi8(v, delimiter_v))))
           << (16 * k);
    }
#else
    uint64_t l = 0;
    uint64_t d = 0;
    for (int k = 0; k < 64; ++k) {
      l |= static_cast<uint64_t>(base[k] == '\n') << k;
      d |= static_cast<uint64_t>(base[k] == delimiter) << k;
    }
#endif
    *lf = l;
    return l | d;
  }
};

// p is at a quote met inside an unquoted field, or at the end sentinel. A stray quote still
// opens a quoted stretch: the splitter counts quote parity, and both must agree on where
// records end. Returns the delimiter or '\n' that ends the field, or `end`.
[[gnu::noinline]] const char* SkipStrayQuotes(const Finder& find, const char* p, const char* end,
                                              int64_t* nl, CsvBlockParser::RowError* err,
                                              int field) {
  while (p < end) {
    err->Set(CsvBlockParser::RowError::Kind::kQuoteInField, field);
    p = find.Quote(p + 1, nl);
    if (p >= end) {
      err->Set(CsvBlockParser::RowError::Kind::kUnterminated, field);
      return end;
    }
    p = find.Special(p + 1);
    if (*p != find.quote) return p;
  }
  return end;
}

// Copies a quoted field's content, turning each doubled quote into one.
size_t Unescape(const char* s, const char* e, char quote, char* out) {
  char* o = out;
  while (s < e) {
    char c = *s++;
    *o++ = c;
    if (c == quote) ++s;
  }
  return static_cast<size_t>(o - out);
}

std::string Reason(const CsvParsePlan& plan, const CsvBlockParser::RowError& err,
                   int fields_found) {
  std::string where = err.field < plan.num_fields ? "column " + plan.field_names[err.field]
                                                  : "field " + std::to_string(err.field + 1);
  switch (err.kind) {
    case CsvBlockParser::RowError::Kind::kUnterminated:
      return where + ": quoted field is not closed";
    case CsvBlockParser::RowError::Kind::kQuoteInField:
      return where +
             ": quote inside an unquoted field (quote the whole field and double the quotes "
             "inside it)";
    case CsvBlockParser::RowError::Kind::kAfterQuote:
      return where + ": unexpected character after a closing quote";
    case CsvBlockParser::RowError::Kind::kValue: {
      std::string shown(err.value.substr(0, kMaxShownValue));
      if (err.value.size() > kMaxShownValue) shown += "...";
      std::string_view type = TypeName(plan.output_types[plan.output_of_field[err.field]]);
      return where + ": '" + shown + "' is not " + (type == "int64" ? "an " : "a ") +
             std::string(type);
    }
    case CsvBlockParser::RowError::Kind::kNone:
      break;
  }
  return "expected " + std::to_string(plan.num_fields) + " fields, found " +
         std::to_string(fields_found);
}

}  // namespace

CsvBlockParser::CsvBlockParser(const CsvParsePlan& plan) : plan_(plan) {
  for (size_t o = 0; o < plan.output_types.size(); ++o) {
    auto b = std::make_unique<CsvColumnBuilder>(plan.output_types[o], plan.output_dicts[o]);
    has_plain_ |= b->kind() == CsvColumnBuilder::Kind::kPlain;
    builders_.push_back(std::move(b));
  }
  field_builder_.assign(plan.num_fields, nullptr);
  for (int f = 0; f < plan.num_fields; ++f) {
    int o = plan.output_of_field[f];
    if (o >= 0) field_builder_[f] = builders_[o].get();
  }
}

CsvBlockParser::~CsvBlockParser() { std::free(arena_); }

void CsvBlockParser::StartBlock(int64_t size) {
  // Reserve from the previous block's row density so vectors neither regrow nor idle.
  size_t rows = rows_per_byte_ > 0 ? static_cast<size_t>(size * rows_per_byte_ * 1.05) + 16 : 0;
  for (auto& b : builders_) b->Reserve(rows);
  std::free(arena_);
  arena_ = nullptr;
  if (has_plain_) {
    // Field contents never exceed the block, so the arena never moves while parsing.
    arena_ = static_cast<char*>(std::malloc(size + kCsvArenaPadding));
    if (!arena_) throw std::bad_alloc();
  }
  arena_pos_ = arena_;
}

SLUICE_ALWAYS_INLINE bool CsvBlockParser::Emit(CsvColumnBuilder* b, const char* s, const char* e,
                                               bool quoted, bool escaped) {
  size_t n = static_cast<size_t>(e - s);
  switch (b->kind()) {
    case CsvColumnBuilder::Kind::kDict:
      if (n == 0 && !quoted) {
        b->AppendNull();
      } else if (!escaped) {
        b->AppendCode(s, n);
      } else {
        if (scratch_.size() < n + 8) scratch_.resize(n + 8);
        b->AppendCode(scratch_.data(), Unescape(s, e, plan_.quote, scratch_.data()));
      }
      return true;
    case CsvColumnBuilder::Kind::kPlain:
      if (n == 0 && !quoted) {
        b->AppendNull();
        return true;
      }
      if (escaped) {
        n = Unescape(s, e, plan_.quote, arena_pos_);
      } else {
        std::memcpy(arena_pos_, s, n);
      }
      b->AppendView(arena_pos_, n);
      arena_pos_ += n;
      return true;
    default:
      return EmitTyped(b, s, e, escaped);
  }
}

bool CsvBlockParser::EmitTyped(CsvColumnBuilder* b, const char* s, const char* e, bool escaped) {
  // An empty field, quoted or not, is NULL in a typed column.
  if (s == e) {
    b->AppendNull();
    return true;
  }
  if (!escaped) return b->AppendParsed(std::string_view(s, e - s));
  std::string unescaped(e - s, '\0');
  unescaped.resize(Unescape(s, e, plan_.quote, unescaped.data()));
  return b->AppendParsed(unescaped);
}

void CsvBlockParser::Rollback(int64_t rows, char* arena_mark) {
  for (auto& b : builders_) b->Truncate(static_cast<size_t>(rows));
  arena_pos_ = arena_mark;
}

bool CsvBlockParser::Reject(const Record& rec, const char* rec_end, const RowError& err, int found,
                            int64_t rows, CsvParsedBlock* out) {
  Rollback(rows, rec.arena_mark);
  ++out->malformed;
  if (plan_.mode == MalformedMode::kDropMalformed) return false;
  RowError reason = err;
  if (!err.structural() && found != plan_.num_fields) reason.kind = RowError::Kind::kNone;
  while (rec_end > rec.start && (rec_end[-1] == '\n' || rec_end[-1] == '\r')) --rec_end;
  RejectedRow row{rec.nl, Reason(plan_, reason, found), std::string(rec.start, rec_end)};
  if (plan_.mode == MalformedMode::kFailFast) {
    out->failed = true;
    out->failure = std::move(row);
    return true;
  }
  out->rejects.push_back(std::move(row));
  return false;
}

CsvParsedBlock CsvBlockParser::Parse(char* data, int64_t size, bool has_quotes) {
  CsvParsedBlock out;
  StartBlock(size);
  char* const end = data + size;
  // Sentinels: a quote stops every search at the end; the zeros keep loads defined.
  end[0] = plan_.quote;
  std::memset(end + 1, 0, kCsvPadding - 1);
  bool whole_records = size == 0 || data[size - 1] == '\n';
  int64_t rows =
      has_quotes || !whole_records ? ParseQuoted(data, end, &out) : ParseQuoteFree(data, end, &out);
  if (size > 0 && rows > 0) rows_per_byte_ = static_cast<double>(rows) / size;
  out.chunk = FinishChunk(out.failed ? 0 : rows);
  return out;
}

int64_t CsvBlockParser::ParseQuoteFree(const char* data, const char* end, CsvParsedBlock* out) {
  const SeparatorMasks masks(plan_.delimiter);
  const int num_fields = plan_.num_fields;
  CsvColumnBuilder* const* field_builder = field_builder_.data();
  int64_t nl = 0;
  int64_t rows = 0;
  Record rec{data, 0, arena_pos_};
  RowError err;
  const char* pos = data;  // start of the current field
  int field = 0;
  // Walking a bitmask of separators keeps the next field's position off the critical path
  // of loads and compares that a byte-by-byte search puts it on.
  for (const char* base = data; base < end; base += 64) {
    uint64_t lf;
    uint64_t sep = masks.Of(base, &lf);
    while (sep != 0) {
      const int i = __builtin_ctzll(sep);
      sep &= sep - 1;
      const char* e = base + i;
      if (((lf >> i) & 1) == 0) {
        if (field < num_fields && field_builder[field] != nullptr &&
            err.kind == RowError::Kind::kNone &&
            !Emit(field_builder[field], pos, e, false, false)) {
          err.Set(RowError::Kind::kValue, field, std::string_view(pos, e - pos));
        }
        ++field;
        pos = e + 1;
        continue;
      }
      const char* fe = e > pos && e[-1] == '\r' ? e - 1 : e;
      if (field == 0 && fe == pos) {  // a blank line is no record
        ++nl;
        pos = e + 1;
        rec = Record{pos, nl, arena_pos_};
        continue;
      }
      if (field < num_fields && field_builder[field] != nullptr &&
          err.kind == RowError::Kind::kNone && !Emit(field_builder[field], pos, fe, false, false)) {
        err.Set(RowError::Kind::kValue, field, std::string_view(pos, fe - pos));
      }
      if (__builtin_expect(err.kind == RowError::Kind::kNone && field + 1 == num_fields, 1)) {
        ++rows;
      } else if (Reject(rec, e, err, field + 1, rows, out)) {
        out->newlines = nl;
        return rows;
      }
      ++nl;
      field = 0;
      err = RowError();
      pos = e + 1;
      rec = Record{pos, nl, arena_pos_};
    }
  }
  out->newlines = nl;
  return rows;
}

int64_t CsvBlockParser::ParseQuoted(const char* data, const char* end, CsvParsedBlock* out) {
  const Finder find(plan_.delimiter, plan_.quote);
  const char q = plan_.quote;
  const char delim = plan_.delimiter;
  const int num_fields = plan_.num_fields;
  CsvColumnBuilder* const* field_builder = field_builder_.data();

  const char* p = data;
  int64_t nl = 0;
  int64_t rows = 0;
  while (p < end) {
    // Blank lines (LF or CRLF) are no records.
    if (*p == '\n') {
      ++p;
      ++nl;
      continue;
    }
    if (*p == '\r' && p[1] == '\n') {
      p += 2;
      ++nl;
      continue;
    }
    const Record rec{p, nl, arena_pos_};
    RowError err;
    int field = 0;
    for (;;) {
      const char* s;
      const char* e;
      bool quoted = false;
      bool escaped = false;
      if (*p != q) {
        s = p;
        p = find.Special(p);
        if (__builtin_expect(*p == q, 0)) p = SkipStrayQuotes(find, p, end, &nl, &err, field);
        e = p;
        if (*p == '\n' && e > s && e[-1] == '\r') --e;
      } else {
        quoted = true;
        s = ++p;
        for (;;) {
          p = find.Quote(p, &nl);
          if (p + 1 < end && p[1] == q) {
            escaped = true;
            p += 2;
            continue;
          }
          break;
        }
        if (p >= end) {
          err.Set(RowError::Kind::kUnterminated, field);
          e = p = end;
        } else {
          e = p++;
          if (*p == '\r' && p[1] == '\n') {
            ++p;
          } else if (*p != delim && *p != '\n' && p < end) {
            err.Set(RowError::Kind::kAfterQuote, field);
            p = find.Special(p);
            if (*p == q) p = SkipStrayQuotes(find, p, end, &nl, &err, field);
          }
        }
      }
      if (field < num_fields && field_builder[field] != nullptr &&
          err.kind == RowError::Kind::kNone && !Emit(field_builder[field], s, e, quoted, escaped)) {
        err.Set(RowError::Kind::kValue, field, std::string_view(s, e - s));
      }
      if (*p == delim && p < end) {
        ++p;
        ++field;
        continue;
      }
      break;
    }
    const char* rec_end = p;
    if (p < end) {
      ++p;  // the '\n'
      ++nl;
    }
    if (__builtin_expect(err.kind == RowError::Kind::kNone && field + 1 == num_fields, 1)) {
      ++rows;
    } else if (Reject(rec, rec_end, err, field + 1, rows, out)) {
      break;
    }
  }
  out->newlines = nl;
  return rows;
}

Chunk CsvBlockParser::FinishChunk(int64_t rows) {
  if (rows == 0) arena_pos_ = arena_;
  std::shared_ptr<const void> arena;
  if (arena_ != nullptr && rows > 0) {
    size_t used = static_cast<size_t>(arena_pos_ - arena_);
    const uintptr_t old = reinterpret_cast<uintptr_t>(arena_);
    char* shrunk = static_cast<char*>(std::realloc(arena_, used + kCsvArenaPadding));
    if (shrunk) arena_ = shrunk;
    if (reinterpret_cast<uintptr_t>(arena_) != old) {
      for (auto& b : builders_) b->Rebase(old, arena_);  // rare: realloc moved the bytes
    }
    arena =
        std::shared_ptr<const void>(arena_, [](const void* p) { std::free(const_cast<void*>(p)); });
    arena_ = nullptr;
  }
  std::free(arena_);
  arena_ = arena_pos_ = nullptr;

  Chunk chunk;
  chunk.num_rows = rows;
  for (auto& b : builders_) chunk.columns.push_back(b->Finish(rows, arena));
  return chunk;
}

}  // namespace sluice::engine
