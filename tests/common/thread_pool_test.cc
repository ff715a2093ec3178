#include "common/thread_pool.h"

#include <gtest/gtest.h>

#include <atomic>
#include <vector>

namespace sluice {
namespace {

TEST(ThreadPoolTest, ParallelForVisitsEveryIndexOnce) {
  ThreadPool pool(4);
  std::vector<std::atomic<int>> hits(1000);
  ASSERT_TRUE(pool.ParallelFor(hits.size(), [&](size_t i) {
                    hits[i]++;
                    return Status::OK();
                  }).ok());
  for (auto& h : hits) EXPECT_EQ(h.load(), 1);
}

TEST(ThreadPoolTest, ReturnsFirstErrorAndStops) {
  ThreadPool pool(2);
  std::atomic<int> ran{0};
  Status st = pool.ParallelFor(100000, [&](size_t i) {
    ran++;
    return i == 10 ? Status::Internal("boom") : Status::OK();
  });
  EXPECT_EQ(st.message(), "boom");
  EXPECT_LT(ran.load(), 100000);
}

TEST(ThreadPoolTest, NestedLoopsDoNotDeadlock) {
  ThreadPool pool(2);
  std::atomic<int> total{0};
  ASSERT_TRUE(pool.ParallelFor(8, [&](size_t) {
                    return pool.ParallelFor(8, [&](size_t) {
                      total++;
                      return Status::OK();
                    });
                  }).ok());
  EXPECT_EQ(total.load(), 64);
}

TEST(ThreadPoolTest, MaxWorkersLimitsConcurrency) {
  ThreadPool pool(4);
  std::atomic<int> now{0}, peak{0};
  ASSERT_TRUE(pool.ParallelFor(
                      64,
                      [&](size_t) {
                        int n = ++now;
                        int p = peak.load();
                        while (n > p && !peak.compare_exchange_weak(p, n)) {
                        }
                        for (volatile int k = 0; k < 10000; k = k + 1) {
                        }
                        --now;
                        return Status::OK();
                      },
                      2)
                  .ok());
  EXPECT_LE(peak.load(), 2);
}

}  // namespace
}  // namespace sluice
