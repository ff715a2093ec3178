// A string dictionary shared by every chunk of one dictionary-encoded column, so that
// equal strings get equal codes across chunks and threads (aggregation on small codes).
#pragma once

#include <atomic>
#include <cstdint>
#include <memory>
#include <mutex>
#include <string_view>
#include <unordered_map>
#include <vector>

namespace sluice::engine {

class Dictionary {
 public:
  Dictionary();
  ~Dictionary();
  Dictionary(const Dictionary&) = delete;
  Dictionary& operator=(const Dictionary&) = delete;

  // The code of `s`, adding it if new. Thread-safe.
  uint32_t Intern(std::string_view s);
  // The string of a code returned by Intern. Thread-safe, lock-free, stable forever.
  std::string_view At(uint32_t code) const {
    return blocks_[code >> kBlockBits].load(std::memory_order_acquire)[code & kBlockMask];
  }
  uint32_t size() const { return size_.load(std::memory_order_acquire); }

 private:
  static constexpr uint32_t kBlockBits = 12;
  static constexpr uint32_t kBlockMask = (1u << kBlockBits) - 1;
  static constexpr uint32_t kMaxBlocks = 1u << 20;

  std::mutex mu_;
  std::unordered_map<std::string_view, uint32_t> index_;  // guarded by mu_
  std::vector<std::unique_ptr<char[]>> arena_;            // guarded by mu_; owns the bytes
  size_t arena_left_ = 0;
  char* arena_pos_ = nullptr;
  // calloc'ed: the OS maps zero pages lazily, so an unused table costs no memory.
  std::atomic<std::string_view*>* blocks_;
  std::atomic<uint32_t> size_{0};
};

// A per-thread front for a shared Dictionary: repeated strings are answered from a local
// map without taking the dictionary's lock.
class DictionaryCache {
 public:
  explicit DictionaryCache(Dictionary* dict) : dict_(dict) {}
  uint32_t Intern(std::string_view s) {
    auto it = local_.find(s);
    if (it != local_.end()) return it->second;
    uint32_t code = dict_->Intern(s);
    local_.emplace(dict_->At(code), code);  // key points at the dictionary's stable bytes
    return code;
  }

 private:
  Dictionary* dict_;
  std::unordered_map<std::string_view, uint32_t> local_;
};

}  // namespace sluice::engine
