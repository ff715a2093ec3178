#include "engine/csv_column_builder.h"

#include "engine/csv_value.h"

namespace sluice::engine {

CsvColumnBuilder::CsvColumnBuilder(TypeId type, std::shared_ptr<Dictionary> dict)
    : type_(type), dict_(std::move(dict)) {
  switch (type) {
    case TypeId::kInt64:
      kind_ = Kind::kInt64;
      break;
    case TypeId::kDouble:
      kind_ = Kind::kDouble;
      break;
    case TypeId::kBool:
      kind_ = Kind::kBool;
      break;
    case TypeId::kString:
      kind_ = dict_ ? Kind::kDict : Kind::kPlain;
      break;
  }
  if (kind_ == Kind::kDict) cache_ = std::make_unique<CsvDictCache>(dict_.get());
}

size_t CsvColumnBuilder::size() const {
  switch (kind_) {
    case Kind::kInt64:
      return i64_.size();
    case Kind::kDouble:
      return f64_.size();
    case Kind::kBool:
      return b_.size();
    case Kind::kPlain:
      return views_.size();
    case Kind::kDict:
      return codes_.size();
  }
  return 0;
}

void CsvColumnBuilder::Reserve(size_t rows) {
  switch (kind_) {
    case Kind::kInt64:
      i64_.reserve(rows);
      break;
    case Kind::kDouble:
      f64_.reserve(rows);
      break;
    case Kind::kBool:
      b_.reserve(rows);
      break;
    case Kind::kPlain:
      views_.reserve(rows);
      break;
    case Kind::kDict:
      codes_.reserve(rows);
      break;
  }
}

void CsvColumnBuilder::AppendNull() {
  if (validity_.empty()) validity_.assign(size(), 1);
  validity_.push_back(0);
  switch (kind_) {
    case Kind::kInt64:
      i64_.push_back(0);
      break;
    case Kind::kDouble:
      f64_.push_back(0);
      break;
    case Kind::kBool:
      b_.push_back(0);
      break;
    case Kind::kPlain:
      views_.emplace_back();
      break;
    case Kind::kDict:
      codes_.push_back(0);
      break;
  }
}

bool CsvColumnBuilder::AppendParsed(std::string_view text) {
  bool ok = false;
  switch (kind_) {
    case Kind::kInt64: {
      int64_t v = 0;
      ok = ParseCsvInt64(text, &v);
      if (ok) i64_.push_back(v);
      break;
    }
    case Kind::kDouble: {
      double v = 0;
      ok = ParseCsvDouble(text, &v);
      if (ok) f64_.push_back(v);
      break;
    }
    case Kind::kBool: {
      uint8_t v = 0;
      ok = ParseCsvBool(text, &v);
      if (ok) b_.push_back(v);
      break;
    }
    default:
      break;
  }
  if (ok && !validity_.empty()) validity_.push_back(1);
  return ok;
}

void CsvColumnBuilder::Truncate(size_t rows) {
  switch (kind_) {
    case Kind::kInt64:
      i64_.resize(std::min(i64_.size(), rows));
      break;
    case Kind::kDouble:
      f64_.resize(std::min(f64_.size(), rows));
      break;
    case Kind::kBool:
      b_.resize(std::min(b_.size(), rows));
      break;
    case Kind::kPlain:
      views_.resize(std::min(views_.size(), rows));
      break;
    case Kind::kDict:
      codes_.resize(std::min(codes_.size(), rows));
      break;
  }
  if (validity_.size() > rows) validity_.resize(rows);
}

void CsvColumnBuilder::Rebase(uintptr_t old_base, const char* new_base) {
  for (auto& v : views_) {
    if (v.data() == nullptr) continue;
    v = std::string_view(new_base + (reinterpret_cast<uintptr_t>(v.data()) - old_base), v.size());
  }
}

std::shared_ptr<Column> CsvColumnBuilder::Finish(int64_t rows,
                                                 const std::shared_ptr<const void>& arena) {
  Truncate(static_cast<size_t>(rows));
  auto col = std::make_shared<Column>();
  col->type = type_;
  col->length = rows;
  col->validity = std::move(validity_);
  switch (kind_) {
    case Kind::kInt64:
      col->i64 = std::move(i64_);
      break;
    case Kind::kDouble:
      col->f64 = std::move(f64_);
      break;
    case Kind::kBool:
      col->b = std::move(b_);
      break;
    case Kind::kDict:
      col->dict = dict_;
      col->codes = std::move(codes_);
      break;
    case Kind::kPlain:
      col->views = std::move(views_);
      if (arena) col->KeepAlive(arena);
      break;
  }
  validity_.clear();
  i64_.clear();
  f64_.clear();
  b_.clear();
  codes_.clear();
  views_.clear();
  return col;
}

}  // namespace sluice::engine
