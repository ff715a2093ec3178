// Maps fixed-width group keys (a few 64-bit words) to dense group ids, by open addressing.
#pragma once

#include <cstdint>
#include <cstring>
#include <vector>

namespace sluice::engine {

class GroupTable {
 public:
  explicit GroupTable(int words) : words_(words), slots_(1024, kEmpty), mask_(1023) {}

  // The group id of `key` (words_ words), adding a new group if it is not there yet.
  uint32_t FindOrAdd(const uint64_t* key, uint64_t hash) {
    for (uint64_t s = hash & mask_;; s = (s + 1) & mask_) {
      uint32_t gid = slots_[s];
      if (gid == kEmpty) {
        gid = static_cast<uint32_t>(hashes_.size());
        slots_[s] = gid;
        keys_.insert(keys_.end(), key, key + words_);
        hashes_.push_back(hash);
        if (hashes_.size() * 2 > slots_.size()) Grow();
        return gid;
      }
      if (hashes_[gid] == hash &&
          std::memcmp(&keys_[size_t{gid} * words_], key, words_ * sizeof(uint64_t)) == 0) {
        return gid;
      }
    }
  }

  size_t size() const { return hashes_.size(); }
  const uint64_t* KeyAt(uint32_t gid) const { return keys_.data() + size_t{gid} * words_; }
  uint64_t HashAt(uint32_t gid) const { return hashes_[gid]; }

 private:
  static constexpr uint32_t kEmpty = UINT32_MAX;

  void Grow() {
    slots_.assign(slots_.size() * 2, kEmpty);
    mask_ = slots_.size() - 1;
    for (uint32_t gid = 0; gid < hashes_.size(); ++gid) {
      uint64_t s = hashes_[gid] & mask_;
      while (slots_[s] != kEmpty) s = (s + 1) & mask_;
      slots_[s] = gid;
    }
  }

  int words_;
  std::vector<uint32_t> slots_;
  uint64_t mask_;
  std::vector<uint64_t> keys_;
  std::vector<uint64_t> hashes_;
};

}  // namespace sluice::engine
