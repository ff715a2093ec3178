#include "engine/hash.h"

namespace sluice::engine {

namespace {

uint64_t HashValue(const Column& c, int64_t i) {
  switch (c.type) {
    case TypeId::kInt64: return MixHash(static_cast<uint64_t>(c.i64[i]));
    case TypeId::kDouble: {
      double d = c.f64[i] == 0 ? 0.0 : c.f64[i];  // -0.0 equals 0.0
      uint64_t bits;
      std::memcpy(&bits, &d, 8);
      return MixHash(bits);
    }
    case TypeId::kBool: return MixHash(c.b[i] + 1);
    case TypeId::kString: return HashString(c.StringAt(i));
  }
  return 0;
}

}  // namespace

void HashKeys(const std::vector<const Column*>& keys, int64_t rows, std::vector<uint64_t>* hashes,
              std::vector<uint8_t>* has_null) {
  hashes->assign(rows, 0);
  has_null->assign(rows, 0);
  for (size_t k = 0; k < keys.size(); ++k) {
    const Column& c = *keys[k];
    for (int64_t i = 0; i < rows; ++i) {
      if (!c.IsValid(i)) {
        (*has_null)[i] = 1;
        continue;
      }
      uint64_t h = HashValue(c, i);
      (*hashes)[i] = k == 0 ? h : CombineHashes((*hashes)[i], h);
    }
  }
}

bool KeysEqual(const std::vector<const Column*>& a, int64_t i, const std::vector<const Column*>& b,
               int64_t j) {
  for (size_t k = 0; k < a.size(); ++k) {
    const Column& x = *a[k];
    const Column& y = *b[k];
    switch (x.type) {
      case TypeId::kInt64:
        if (x.i64[i] != y.i64[j]) return false;
        break;
      case TypeId::kDouble:
        if (!(x.f64[i] == y.f64[j])) return false;
        break;
      case TypeId::kBool:
        if (x.b[i] != y.b[j]) return false;
        break;
      case TypeId::kString:
        if (x.dict && x.dict == y.dict) {
          if (x.codes[i] != y.codes[j]) return false;
        } else if (x.StringAt(i) != y.StringAt(j)) {
          return false;
        }
        break;
    }
  }
  return true;
}

}  // namespace sluice::engine
