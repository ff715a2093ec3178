#include "engine/dictionary.h"

#include <cstdlib>
#include <cstring>
#include <new>
#include <stdexcept>

namespace sluice::engine {

namespace {
constexpr size_t kArenaBlock = 1 << 16;
}

Dictionary::Dictionary()
    : blocks_(static_cast<std::atomic<std::string_view*>*>(
          std::calloc(kMaxBlocks, sizeof(std::atomic<std::string_view*>)))) {
  if (!blocks_) throw std::bad_alloc();
}

Dictionary::~Dictionary() {
  for (uint32_t i = 0; i < kMaxBlocks; ++i) {
    std::string_view* block = blocks_[i].load(std::memory_order_relaxed);
    if (!block) break;
    delete[] block;
  }
  std::free(blocks_);
}

uint32_t Dictionary::Intern(std::string_view s) {
  std::lock_guard<std::mutex> lock(mu_);
  auto it = index_.find(s);
  if (it != index_.end()) return it->second;
  if (s.size() > arena_left_) {
    size_t n = std::max(kArenaBlock, s.size());
    arena_.emplace_back(new char[n]);
    arena_pos_ = arena_.back().get();
    arena_left_ = n;
  }
  if (!s.empty()) std::memcpy(arena_pos_, s.data(), s.size());  // arena may still be null
  std::string_view stored(arena_pos_, s.size());
  arena_pos_ += s.size();
  arena_left_ -= s.size();

  uint32_t code = size_.load(std::memory_order_relaxed);
  uint32_t block = code >> kBlockBits;
  if (block >= kMaxBlocks) throw std::length_error("dictionary is full");
  std::string_view* slots = blocks_[block].load(std::memory_order_relaxed);
  if (!slots) {
    slots = new std::string_view[kBlockMask + 1];
    blocks_[block].store(slots, std::memory_order_release);
  }
  slots[code & kBlockMask] = stored;
  index_.emplace(stored, code);
  size_.store(code + 1, std::memory_order_release);
  return code;
}

}  // namespace sluice::engine
