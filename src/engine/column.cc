#include "engine/column.h"

#include <cstring>

namespace sluice::engine {

bool Column::has_nulls() const {
  for (uint8_t v : validity) {
    if (!v) return true;
  }
  return false;
}

int64_t Column::MemoryBytes() const {
  return static_cast<int64_t>(validity.size() + i64.size() * 8 + f64.size() * 8 + b.size() +
                              codes.size() * 4 + views.size() * sizeof(std::string_view));
}

std::shared_ptr<Column> MakeInt64Column(std::vector<int64_t> values,
                                        std::vector<uint8_t> validity) {
  auto c = std::make_shared<Column>();
  c->type = TypeId::kInt64;
  c->length = static_cast<int64_t>(values.size());
  c->i64 = std::move(values);
  c->validity = std::move(validity);
  return c;
}

std::shared_ptr<Column> MakeDoubleColumn(std::vector<double> values,
                                         std::vector<uint8_t> validity) {
  auto c = std::make_shared<Column>();
  c->type = TypeId::kDouble;
  c->length = static_cast<int64_t>(values.size());
  c->f64 = std::move(values);
  c->validity = std::move(validity);
  return c;
}

std::shared_ptr<Column> MakeBoolColumn(std::vector<uint8_t> values,
                                       std::vector<uint8_t> validity) {
  auto c = std::make_shared<Column>();
  c->type = TypeId::kBool;
  c->length = static_cast<int64_t>(values.size());
  c->b = std::move(values);
  c->validity = std::move(validity);
  return c;
}

std::shared_ptr<Column> MakeStringColumn(const std::vector<std::string>& values,
                                         std::vector<uint8_t> validity) {
  auto c = std::make_shared<Column>();
  c->type = TypeId::kString;
  c->length = static_cast<int64_t>(values.size());
  size_t total = 0;
  for (const auto& v : values) total += v.size();
  auto buffer = std::shared_ptr<char[]>(new char[total + 1]);
  char* pos = buffer.get();
  c->views.reserve(values.size());
  for (const auto& v : values) {
    std::memcpy(pos, v.data(), v.size());
    c->views.emplace_back(pos, v.size());
    pos += v.size();
  }
  c->KeepAlive(std::shared_ptr<const void>(buffer, buffer.get()));
  c->validity = std::move(validity);
  return c;
}

namespace {

template <typename T>
void TakeValues(const std::vector<T>& in, const std::vector<int64_t>& idx, std::vector<T>* out) {
  out->resize(idx.size());
  for (size_t i = 0; i < idx.size(); ++i) (*out)[i] = idx[i] >= 0 ? in[idx[i]] : T{};
}

}  // namespace

std::shared_ptr<Column> TakeRows(const Column& col, const std::vector<int64_t>& indices) {
  auto out = std::make_shared<Column>();
  out->type = col.type;
  out->length = static_cast<int64_t>(indices.size());
  bool any_missing = false;
  for (int64_t i : indices) any_missing |= (i < 0);
  if (!col.validity.empty() || any_missing) {
    out->validity.resize(indices.size());
    for (size_t i = 0; i < indices.size(); ++i) {
      out->validity[i] = indices[i] >= 0 && col.IsValid(indices[i]);
    }
  }
  switch (col.type) {
    case TypeId::kInt64: TakeValues(col.i64, indices, &out->i64); break;
    case TypeId::kDouble: TakeValues(col.f64, indices, &out->f64); break;
    case TypeId::kBool: TakeValues(col.b, indices, &out->b); break;
    case TypeId::kString:
      if (col.dict) {
        out->dict = col.dict;
        TakeValues(col.codes, indices, &out->codes);
      } else {
        TakeValues(col.views, indices, &out->views);
        out->buffers = col.buffers;
      }
      break;
  }
  return out;
}

std::shared_ptr<Column> SliceRows(const Column& col, int64_t offset, int64_t length) {
  std::vector<int64_t> idx(length);
  for (int64_t i = 0; i < length; ++i) idx[i] = offset + i;
  return TakeRows(col, idx);
}

std::shared_ptr<Column> ConcatColumns(const std::vector<ColumnPtr>& cols) {
  auto out = std::make_shared<Column>();
  if (cols.empty()) return out;
  out->type = cols[0]->type;
  bool same_dict = cols[0]->dict != nullptr;
  bool any_nulls = false;
  for (const auto& c : cols) {
    out->length += c->length;
    same_dict &= c->dict == cols[0]->dict;
    any_nulls |= !c->validity.empty();
  }
  if (any_nulls) {
    out->validity.reserve(out->length);
    for (const auto& c : cols) {
      if (c->validity.empty()) {
        out->validity.insert(out->validity.end(), c->length, 1);
      } else {
        out->validity.insert(out->validity.end(), c->validity.begin(), c->validity.end());
      }
    }
  }
  for (const auto& c : cols) {
    switch (out->type) {
      case TypeId::kInt64: out->i64.insert(out->i64.end(), c->i64.begin(), c->i64.end()); break;
      case TypeId::kDouble: out->f64.insert(out->f64.end(), c->f64.begin(), c->f64.end()); break;
      case TypeId::kBool: out->b.insert(out->b.end(), c->b.begin(), c->b.end()); break;
      case TypeId::kString:
        if (same_dict) {
          out->dict = c->dict;
          out->codes.insert(out->codes.end(), c->codes.begin(), c->codes.end());
        } else {
          // Mixed encodings become plain views; dictionaries stay alive through buffers.
          for (int64_t i = 0; i < c->length; ++i) out->views.push_back(c->StringAt(i));
          if (c->dict) out->KeepAlive(c->dict);
          out->buffers.insert(out->buffers.end(), c->buffers.begin(), c->buffers.end());
        }
        break;
    }
  }
  return out;
}

int64_t Table::num_rows() const {
  int64_t n = 0;
  for (const auto& c : chunks) n += c.num_rows;
  return n;
}

Chunk Table::Combine() const {
  if (chunks.size() == 1) return chunks[0];
  Chunk out;
  out.num_rows = num_rows();
  for (int col = 0; col < schema.size(); ++col) {
    std::vector<ColumnPtr> parts;
    for (const auto& c : chunks) parts.push_back(c.columns[col]);
    out.columns.push_back(ConcatColumns(parts));
  }
  return out;
}

}  // namespace sluice::engine
