#include "engine/csv_dict_cache.h"

namespace sluice::engine {

namespace {
constexpr int kInitialBits = 7;
}

CsvDictCache::CsvDictCache(Dictionary* dict) : dict_(dict) {
  slots_.resize(size_t{1} << kInitialBits);
  mask_ = slots_.size() - 1;
  shift_ = 64 - kInitialBits;
}

uint32_t CsvDictCache::Insert(size_t slot, const char* p, size_t n, uint64_t word, uint64_t tail) {
  uint32_t code = dict_->Intern(std::string_view(p, n));
  Entry& e = slots_[slot];
  e.word = word;
  e.tail = tail;
  e.len = static_cast<uint32_t>(n);
  e.code = code;
  // Kept at most 3/4 full: small enough to stay in L1 for typical categorical columns.
  if (++used_ * 4 > slots_.size() * 3) Grow();
  return code;
}

void CsvDictCache::Grow() {
  std::vector<Entry> old = std::move(slots_);
  slots_.assign(old.size() * 2, Entry{});
  mask_ = slots_.size() - 1;
  --shift_;
  for (const Entry& e : old) {
    if (e.len == kEmpty) continue;
    std::string_view s = dict_->At(e.code);
    size_t i = Hash(s.data(), s.size(), e.word, e.tail) >> shift_;
    while (slots_[i].len != kEmpty) i = (i + 1) & mask_;
    slots_[i] = e;
  }
}

}  // namespace sluice::engine
