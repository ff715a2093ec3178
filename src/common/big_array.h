// A large zero-initialised array for randomly accessed tables (hash tables), backed by
// transparent huge pages where the kernel allows: random probes into hundreds of MiB
// otherwise spend most of their time in TLB misses, above all in virtual machines.
#pragma once

#include <cstddef>
#include <cstdint>

namespace sluice {

// Zeroed memory of `bytes` bytes (throws std::bad_alloc on failure); huge pages advised.
void* AllocateZeroed(size_t bytes);
void Release(void* p, size_t bytes);

template <typename T>
class BigArray {
 public:
  BigArray() = default;
  explicit BigArray(size_t n) { Reset(n); }
  ~BigArray() { Free(); }
  BigArray(const BigArray&) = delete;
  BigArray& operator=(const BigArray&) = delete;

  // Replaces the contents with n zero values.
  void Reset(size_t n) {
    Free();
    data_ = static_cast<T*>(AllocateZeroed(n * sizeof(T)));
    size_ = n;
  }
  T& operator[](size_t i) { return data_[i]; }
  const T& operator[](size_t i) const { return data_[i]; }
  T* data() { return data_; }
  const T* data() const { return data_; }
  size_t size() const { return size_; }

 private:
  void Free() {
    if (data_) Release(data_, size_ * sizeof(T));
    data_ = nullptr;
    size_ = 0;
  }
  T* data_ = nullptr;
  size_t size_ = 0;
};

}  // namespace sluice
