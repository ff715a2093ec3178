#include "engine/csv_parser.h"

#include <cstdlib>
#include <cstring>
#include <new>

#include "engine/csv_splitter.h"
#include "engine/csv_value.h"

#ifdef __SSE2__
#include <emmintrin.h>
#endif

namespace sluice::engine {

namespace {

// A value shown in a message is cut here so one bad row cannot flood a log.
constexpr size_t kMaxShownValue = 60;

#ifdef __SSE2__
// The first byte at or after p equal to a, b or c. One must exist before the padding ends.
inline const char* FindAny(const char* p, char a, char b, char c) {
  const __m128i va = _mm_set1_epi8(a);
  const __m128i vb = _mm_set1_epi8(b);
  const __m128i vc = _mm_set1_epi8(c);
  for (;;) {
    __m128i v = _mm_loadu_si128(reinterpret_cast<const __m128i*>(p));
    __m128i m = _mm_or_si128(_mm_or_si128(_mm_cmpeq_epi8(v, va), _mm_cmpeq_epi8(v, vb)),
                             _mm_cmpeq_epi8(v, vc));
    unsigned mask = static_cast<unsigned>(_mm_movemask_epi8(m));
    if (mask != 0) return p + __builtin_ctz(mask);
    p += 16;
  }
}

// The first `quote` at or after p, adding the '\n' bytes passed over to *nl.
inline const char* FindQuote(const char* p, char quote, int64_t* nl) {
  const __m128i vq = _mm_set1_epi8(quote);
  const __m128i vn = _mm_set1_epi8('\n');
  for (;;) {
    __m128i v = _mm_loadu_si128(reinterpret_cast<const __m128i*>(p));
    unsigned q = static_cast<unsigned>(_mm_movemask_epi8(_mm_cmpeq_epi8(v, vq)));
    unsigned n = static_cast<unsigned>(_mm_movemask_epi8(_mm_cmpeq_epi8(v, vn)));
    if (q != 0) {
      *nl += __builtin_popcount(n & ((q & -q) - 1));
      return p + __builtin_ctz(q);
    }
    *nl += __builtin_popcount(n);
    p += 16;
  }
}
#else
inline const char* FindAny(const char* p, char a, char b, char c) {
  while (*p != a && *p != b && *p != c) ++p;
  return p;
}

inline const char* FindQuote(const char* p, char quote, int64_t* nl) {
  for (; *p != quote; ++p) *nl += (*p == '\n');
  return p;
}
#endif

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

}  // namespace

struct CsvBlockParser::Builder {
  enum class Kind : uint8_t { kInt64, kDouble, kBool, kPlain, kDict };
  Kind kind = Kind::kPlain;
  TypeId type = TypeId::kString;
  std::shared_ptr<Dictionary> dict;
  std::unique_ptr<CsvDictCache> cache;
  std::vector<int64_t> i64;
  std::vector<double> f64;
  std::vector<uint8_t> b;
  std::vector<uint32_t> codes;
  std::vector<std::string_view> views;
  std::vector<uint8_t> validity;

  size_t size() const {
    switch (kind) {
      case Kind::kInt64: return i64.size();
      case Kind::kDouble: return f64.size();
      case Kind::kBool: return b.size();
      case Kind::kPlain: return views.size();
      case Kind::kDict: return codes.size();
    }
    return 0;
  }
  void AddValidity(bool valid) {
    if (valid) {
      if (!validity.empty()) validity.push_back(1);
    } else {
      if (validity.empty()) validity.assign(size(), 1);
      validity.push_back(0);
    }
  }
};

// The first problem found in a record; structural problems outrank a value that does not
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

CsvBlockParser::CsvBlockParser(const CsvParsePlan& plan) : plan_(plan) {
  for (size_t o = 0; o < plan.output_types.size(); ++o) {
    auto b = std::make_unique<Builder>();
    b->type = plan.output_types[o];
    switch (b->type) {
      case TypeId::kInt64: b->kind = Builder::Kind::kInt64; break;
      case TypeId::kDouble: b->kind = Builder::Kind::kDouble; break;
      case TypeId::kBool: b->kind = Builder::Kind::kBool; break;
      case TypeId::kString:
        b->dict = plan.output_dicts[o];
        if (b->dict) {
          b->kind = Builder::Kind::kDict;
          b->cache = std::make_unique<CsvDictCache>(b->dict.get());
        } else {
          b->kind = Builder::Kind::kPlain;
          has_plain_ = true;
        }
        break;
    }
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
  for (auto& b : builders_) {
    switch (b->kind) {
      case Builder::Kind::kInt64: b->i64.reserve(rows); break;
      case Builder::Kind::kDouble: b->f64.reserve(rows); break;
      case Builder::Kind::kBool: b->b.reserve(rows); break;
      case Builder::Kind::kPlain: b->views.reserve(rows); break;
      case Builder::Kind::kDict: b->codes.reserve(rows); break;
    }
  }
  std::free(arena_);
  arena_ = nullptr;
  if (has_plain_) {
    // Field contents never exceed the block, so the arena never has to move while parsing.
    arena_ = static_cast<char*>(std::malloc(size + 1));
    if (!arena_) throw std::bad_alloc();
  }
  arena_pos_ = arena_;
}

const char* CsvBlockParser::ScanUnquoted(const char* p, int64_t* nl, RowError* err,
                                         int field) const {
  const char q = plan_.quote;
  for (;;) {
    p = FindAny(p, plan_.delimiter, '\n', q);
    if (*p != q || p >= end_) return p;
    // A stray quote still opens a quoted stretch: the splitter counts quote parity too,
    // and both must agree on where records end.
    err->Set(RowError::Kind::kQuoteInField, field);
    p = FindQuote(p + 1, q, nl);
    if (p >= end_) {
      err->Set(RowError::Kind::kUnterminated, field);
      return end_;
    }
    ++p;
  }
}

bool CsvBlockParser::Emit(Builder* b, const char* s, const char* e, bool quoted,
                          bool escaped) {
  size_t n = static_cast<size_t>(e - s);
  switch (b->kind) {
    case Builder::Kind::kDict: {
      if (n == 0 && !quoted) {
        b->AddValidity(false);
        b->codes.push_back(0);
        return true;
      }
      if (escaped) {
        if (scratch_.size() < n + 8) scratch_.resize(n + 8);
        n = Unescape(s, e, plan_.quote, scratch_.data());
        s = scratch_.data();
      }
      b->AddValidity(true);
      b->codes.push_back(b->cache->Intern(s, n));
      return true;
    }
    case Builder::Kind::kPlain: {
      if (n == 0 && !quoted) {
        b->AddValidity(false);
        b->views.emplace_back();
        return true;
      }
      if (escaped) {
        n = Unescape(s, e, plan_.quote, arena_pos_);
      } else {
        std::memcpy(arena_pos_, s, n);
      }
      b->AddValidity(true);
      b->views.emplace_back(arena_pos_, n);
      arena_pos_ += n;
      return true;
    }
    default: break;
  }
  // Typed columns: an empty field, quoted or not, is NULL.
  if (n == 0) {
    b->AddValidity(false);
    switch (b->kind) {
      case Builder::Kind::kInt64: b->i64.push_back(0); break;
      case Builder::Kind::kDouble: b->f64.push_back(0); break;
      default: b->b.push_back(0); break;
    }
    return true;
  }
  std::string_view text(s, n);
  std::string unescaped;
  if (escaped) {
    unescaped.resize(n);
    unescaped.resize(Unescape(s, e, plan_.quote, unescaped.data()));
    text = unescaped;
  }
  bool ok = false;
  switch (b->kind) {
    case Builder::Kind::kInt64: {
      int64_t v = 0;
      ok = ParseCsvInt64(text, &v);
      if (ok) b->i64.push_back(v);
      break;
    }
    case Builder::Kind::kDouble: {
      double v = 0;
      ok = ParseCsvDouble(text, &v);
      if (ok) b->f64.push_back(v);
      break;
    }
    default: {
      uint8_t v = 0;
      ok = ParseCsvBool(text, &v);
      if (ok) b->b.push_back(v);
      break;
    }
  }
  if (ok) b->AddValidity(true);
  return ok;
}

void CsvBlockParser::Rollback(int64_t rows, char* arena_mark) {
  size_t n = static_cast<size_t>(rows);
  for (auto& b : builders_) {
    switch (b->kind) {
      case Builder::Kind::kInt64: b->i64.resize(std::min(b->i64.size(), n)); break;
      case Builder::Kind::kDouble: b->f64.resize(std::min(b->f64.size(), n)); break;
      case Builder::Kind::kBool: b->b.resize(std::min(b->b.size(), n)); break;
      case Builder::Kind::kPlain: b->views.resize(std::min(b->views.size(), n)); break;
      case Builder::Kind::kDict: b->codes.resize(std::min(b->codes.size(), n)); break;
    }
    if (b->validity.size() > n) b->validity.resize(n);
  }
  arena_pos_ = arena_mark;
}

std::string CsvBlockParser::Reason(const RowError& err, int fields_found) const {
  std::string where = err.field < plan_.num_fields
                          ? "column " + plan_.field_names[err.field]
                          : "field " + std::to_string(err.field + 1);
  switch (err.kind) {
    case RowError::Kind::kUnterminated: return where + ": quoted field is not closed";
    case RowError::Kind::kQuoteInField:
      return where + ": quote inside an unquoted field (quote the whole field and double the "
                     "quotes inside it)";
    case RowError::Kind::kAfterQuote:
      return where + ": unexpected character after a closing quote";
    case RowError::Kind::kValue: {
      std::string shown(err.value.substr(0, kMaxShownValue));
      if (err.value.size() > kMaxShownValue) shown += "...";
      std::string_view type = TypeName(plan_.output_types[plan_.output_of_field[err.field]]);
      return where + ": '" + shown + "' is not " + (type == "int64" ? "an " : "a ") +
             std::string(type);
    }
    case RowError::Kind::kNone: break;
  }
  return "expected " + std::to_string(plan_.num_fields) + " fields, found " +
         std::to_string(fields_found);
}

CsvParsedBlock CsvBlockParser::Parse(char* data, int64_t size) {
  CsvParsedBlock out;
  StartBlock(size);
  char* const end = data + size;
  end_ = end;
  // Sentinels: every quote search stops at `end`; the rest keeps word loads defined.
  end[0] = plan_.quote;
  std::memset(end + 1, 0, kCsvPadding - 1);
  const char q = plan_.quote;
  const char delim = plan_.delimiter;
  const int num_fields = plan_.num_fields;

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
    const char* rec = p;
    const int64_t rec_nl = nl;
    char* arena_mark = arena_pos_;
    RowError err;
    int field = 0;
    for (;;) {
      const char* s;
      const char* e;
      bool quoted = false;
      bool escaped = false;
      if (*p == q) {
        quoted = true;
        s = ++p;
        for (;;) {
          p = FindQuote(p, q, &nl);
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
          if (p < end && *p == '\r' && p[1] == '\n') {
            ++p;
          } else if (p < end && *p != delim && *p != '\n') {
            err.Set(RowError::Kind::kAfterQuote, field);
            p = ScanUnquoted(p, &nl, &err, field);
          }
        }
      } else {
        s = p;
        p = ScanUnquoted(p, &nl, &err, field);
        e = p;
        if (p < end && *p == '\n' && e > s && e[-1] == '\r') --e;
      }
      if (field < num_fields && field_builder_[field] != nullptr &&
          err.kind == RowError::Kind::kNone &&
          !Emit(field_builder_[field], s, e, quoted, escaped)) {
        err.Set(RowError::Kind::kValue, field, std::string_view(s, e - s));
      }
      if (p < end && *p == delim) {
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
    const int found = field + 1;
    if (err.kind == RowError::Kind::kNone && found == num_fields) {
      ++rows;
      continue;
    }
    Rollback(rows, arena_mark);
    ++out.malformed;
    if (plan_.mode == MalformedMode::kDropMalformed) continue;
    RowError reason = err;
    if (!err.structural() && found != num_fields) reason.kind = RowError::Kind::kNone;
    while (rec_end > rec && (rec_end[-1] == '\n' || rec_end[-1] == '\r')) --rec_end;
    RejectedRow row{rec_nl, Reason(reason, found), std::string(rec, rec_end)};
    if (plan_.mode == MalformedMode::kFailFast) {
      out.failed = true;
      out.failure = std::move(row);
      break;
    }
    out.rejects.push_back(std::move(row));
  }
  out.newlines = nl;
  if (size > 0 && rows > 0) rows_per_byte_ = static_cast<double>(rows) / size;
  out.chunk = FinishChunk(out.failed ? 0 : rows);
  return out;
}

Chunk CsvBlockParser::FinishChunk(int64_t rows) {
  Rollback(rows, rows == 0 ? arena_ : arena_pos_);
  std::shared_ptr<const void> arena;
  size_t used = static_cast<size_t>(arena_pos_ - arena_);
  if (used > 0) {
    const uintptr_t old = reinterpret_cast<uintptr_t>(arena_);
    char* shrunk = static_cast<char*>(std::realloc(arena_, used));
    if (shrunk) arena_ = shrunk;
    if (reinterpret_cast<uintptr_t>(arena_) != old) {
      // Rare: realloc moved the bytes; views are rebased by their offsets.
      for (auto& b : builders_) {
        if (b->kind != Builder::Kind::kPlain) continue;
        for (auto& v : b->views) {
          if (v.data() == nullptr) continue;
          uintptr_t offset = reinterpret_cast<uintptr_t>(v.data()) - old;
          v = std::string_view(arena_ + offset, v.size());
        }
      }
    }
    arena = std::shared_ptr<const void>(arena_, [](const void* p) {
      std::free(const_cast<void*>(p));
    });
    arena_ = nullptr;
  }
  std::free(arena_);
  arena_ = arena_pos_ = nullptr;

  Chunk chunk;
  chunk.num_rows = rows;
  for (auto& b : builders_) {
    auto col = std::make_shared<Column>();
    col->type = b->type;
    col->length = rows;
    col->validity = std::move(b->validity);
    b->validity.clear();
    switch (b->kind) {
      case Builder::Kind::kInt64: col->i64 = std::move(b->i64); break;
      case Builder::Kind::kDouble: col->f64 = std::move(b->f64); break;
      case Builder::Kind::kBool: col->b = std::move(b->b); break;
      case Builder::Kind::kDict:
        col->dict = b->dict;
        col->codes = std::move(b->codes);
        break;
      case Builder::Kind::kPlain:
        col->views = std::move(b->views);
        if (arena) col->KeepAlive(arena);
        break;
    }
    b->i64.clear();
    b->f64.clear();
    b->b.clear();
    b->codes.clear();
    b->views.clear();
    chunk.columns.push_back(std::move(col));
  }
  return chunk;
}

}  // namespace sluice::engine
