#include "common/big_array.h"

#include <sys/mman.h>

#include <new>

namespace sluice {

void* AllocateZeroed(size_t bytes) {
  if (bytes == 0) bytes = 1;
  void* p = mmap(nullptr, bytes, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
  if (p == MAP_FAILED) throw std::bad_alloc();
  if (bytes >= (size_t{2} << 20)) madvise(p, bytes, MADV_HUGEPAGE);
  return p;
}

void Release(void* p, size_t bytes) { munmap(p, bytes == 0 ? 1 : bytes); }

}  // namespace sluice
