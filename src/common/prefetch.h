// Software prefetch that the optimiser keeps: GCC deletes __builtin_prefetch in loops whose
// only effect is prefetching, which is exactly how batched hash-table probes use it.
#pragma once

namespace sluice {

inline void Prefetch(const void* p) {
#if defined(__x86_64__)
  asm volatile("prefetcht0 %0" : : "m"(*static_cast<const char*>(p)));
#else
  __builtin_prefetch(p);
#endif
}

}  // namespace sluice
