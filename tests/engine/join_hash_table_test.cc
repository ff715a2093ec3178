// The build side's key storage: packed fixed-width keys, packed keys of varying length with
// NULLs, keys too long to pack, chunks of both kinds in one table, and duplicate detection.
#include "engine/join_hash_table.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "engine/hash.h"
#include "engine_test_util.h"

namespace sluice::engine {
namespace {

using testutil::MakeChunk;

// The build rows (as "chunk:row") whose key equals `key`, marked in *matched when given.
std::vector<std::string> Lookup(const JoinHashTable& t, const std::string& key,
                                JoinHashTable::MatchBits* matched = nullptr) {
  JoinHashTable::MatchBits scratch = t.NewMatchBits();
  if (matched == nullptr) matched = &scratch;
  auto probe = MakeStringColumn({key});
  std::vector<const Column*> keys{probe.get()};
  std::vector<std::string> found;
  auto record = [&](uint64_t ref) {
    found.push_back(std::to_string(JoinHashTable::RefChunk(ref)) + ":" +
                    std::to_string(JoinHashTable::RefRow(ref)));
    return true;
  };
  if (t.dense()) {
    uint64_t ref = 0;
    t.DenseRefs(*probe, 0, 1, &ref);
    if (ref != 0) {
      t.MarkMatched(ref, matched);
      record(ref);
    }
    return found;
  }
  std::vector<uint64_t> hashes;
  std::vector<uint8_t> nulls;
  HashKeys(keys, 1, &hashes, &nulls);
  t.PrefetchBatch(hashes, nulls, 0, 1);
  t.Probe(keys, 0, hashes[0], matched, record);
  return found;
}

TEST(JoinHashTableTest, FixedWidthKeysArePackedAndFound) {
  JoinHashTable t({0});
  t.Add(MakeChunk({MakeStringColumn({"JOB01", "JOB02", "JOB03"}), MakeInt64Column({1, 2, 3})}, 0));
  ASSERT_TRUE(t.Build("j").ok());
  EXPECT_EQ(t.chunk(0).columns[0], nullptr) << "a packed key column is released";
  EXPECT_EQ(Lookup(t, "JOB02"), (std::vector<std::string>{"0:1"}));
  EXPECT_TRUE(Lookup(t, "JOB04").empty());
  EXPECT_TRUE(Lookup(t, "JOB0").empty()) << "a prefix of a key is not the key";
  EXPECT_TRUE(t.unique_keys());
}

TEST(JoinHashTableTest, VaryingLengthsAndNullsStayDistinct) {
  JoinHashTable t({0});
  t.Add(MakeChunk({MakeStringColumn({"a", "", "abc", "ab", "x"}, {1, 1, 1, 1, 0})}, 0));
  ASSERT_TRUE(t.Build("j").ok());
  // Two probing threads, each with its own bitmap.
  JoinHashTable::MatchBits first = t.NewMatchBits(), second = t.NewMatchBits();
  EXPECT_EQ(Lookup(t, "a", &first), (std::vector<std::string>{"0:0"}));
  EXPECT_EQ(Lookup(t, "ab", &first), (std::vector<std::string>{"0:3"}));
  EXPECT_EQ(Lookup(t, "abc", &second), (std::vector<std::string>{"0:2"}));
  EXPECT_EQ(Lookup(t, "", &second), (std::vector<std::string>{"0:1"})) << "empty string is a key";
  EXPECT_EQ(Lookup(t, "a", &second), (std::vector<std::string>{"0:0"}));
  EXPECT_TRUE(Lookup(t, "x", &second).empty()) << "the NULL row's bytes are never a key";
  EXPECT_EQ(t.CountUnmatched({&first, &second}), 5 - 4) << "four distinct rows matched";
  EXPECT_EQ(t.CountUnmatched({&first}), 5 - 2);
  EXPECT_EQ(t.CountUnmatched({&second}), 5 - 3);
  EXPECT_EQ(t.CountUnmatched({}), 5);
}

TEST(JoinHashTableTest, LongKeysAndMixedChunksMatchAcrossKinds) {
  std::string long_key(40, 'k');
  JoinHashTable t({0});
  t.Add(MakeChunk({MakeStringColumn({long_key, "short"})}, 0));  // too long: not packed
  t.Add(MakeChunk({MakeStringColumn({"short", "other"})}, 1));   // packed
  ASSERT_TRUE(t.Build("j").ok());
  EXPECT_NE(t.chunk(0).columns[0], nullptr);
  EXPECT_EQ(t.chunk(1).columns[0], nullptr);
  EXPECT_EQ(Lookup(t, long_key), (std::vector<std::string>{"0:0"}));
  auto both = Lookup(t, "short");
  std::sort(both.begin(), both.end());
  EXPECT_EQ(both, (std::vector<std::string>{"0:1", "1:0"}));
  EXPECT_FALSE(t.unique_keys()) << "'short' is in both chunks, one packed, one not";
}

TEST(JoinHashTableTest, DuplicatesAcrossManyChunksAreDetected) {
  JoinHashTable t({0});
  for (int c = 0; c < 20; ++c) {
    std::vector<std::string> keys;
    for (int r = 0; r < 1000; ++r) keys.push_back("K" + std::to_string(c * 1000 + r));
    if (c == 19) keys[999] = "K5";  // one duplicate, in the last chunk
    t.Add(MakeChunk({MakeStringColumn(keys)}, c));
  }
  ASSERT_TRUE(t.Build("j").ok());
  EXPECT_FALSE(t.dense()) << "numbered keys fall back to the hash table";
  EXPECT_FALSE(t.unique_keys());
  EXPECT_EQ(Lookup(t, "K5").size(), 2u);
  EXPECT_EQ(Lookup(t, "K12345").size(), 1u);
}

TEST(JoinHashTableTest, UniqueKeysAcrossManyChunks) {
  JoinHashTable t({0});
  for (int c = 0; c < 20; ++c) {
    std::vector<std::string> keys;
    for (int r = 0; r < 1000; ++r) keys.push_back("K" + std::to_string(c * 1000 + r));
    t.Add(MakeChunk({MakeStringColumn(keys)}, c));
  }
  ASSERT_TRUE(t.Build("j").ok());
  EXPECT_TRUE(t.dense());
  EXPECT_TRUE(t.unique_keys());
  EXPECT_EQ(t.rows(), 20000);
  JoinHashTable::MatchBits matched = t.NewMatchBits();
  EXPECT_EQ(Lookup(t, "K12345", &matched), (std::vector<std::string>{"12:345"}));
  EXPECT_TRUE(Lookup(t, "K20000", &matched).empty());
  EXPECT_EQ(t.CountUnmatched({&matched}), 19999);
}

}  // namespace
}  // namespace sluice::engine
