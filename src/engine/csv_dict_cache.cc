#include "engine/csv_dict_cache.h"

#include <string_view>

namespace sluice::engine {

namespace {
constexpr int kInitialBits = 8;
}

CsvDictCache::CsvDictCache(Dictionary* dict) : dict_(dict) {
  slots_.resize(size_t{1} << kInitialBits);
  mask_ = slots_.size() - 1;
  shift_ = 64 - kInitialBits;
}

uint32_t CsvDictCache::Insert(size_t slot, const char* p, size_t n, uint64_t word) {
  uint32_t code = dict_->Intern(std::string_view(p, n));
  // The key points at the dictionary's bytes, which outlive every block buffer.
  std::string_view stored = dict_->At(code);
  Entry& e = slots_[slot];
  e.word = word;
  e.ptr = stored.data();
  e.len = static_cast<uint32_t>(n);
  e.code = code;
  if (++used_ * 2 > slots_.size()) Grow();
  return code;
}

void CsvDictCache::Grow() {
  std::vector<Entry> old = std::move(slots_);
  slots_.assign(old.size() * 2, Entry{});
  mask_ = slots_.size() - 1;
  --shift_;
  for (const Entry& e : old) {
    if (e.len == kEmpty) continue;
    size_t i = Hash(e.ptr, e.len, e.word) >> shift_;
    while (slots_[i].len != kEmpty) i = (i + 1) & mask_;
    slots_[i] = e;
  }
}

}  // namespace sluice::engine
