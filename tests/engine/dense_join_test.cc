// Joins on dense keys (int64, or one prefix then a canonical number) take the direct-indexed
// array; they must answer exactly as the hash table does, for every join type and for probe
// keys that only look like build keys. Also the key numbering rules themselves.
#include <gtest/gtest.h>

#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "engine/join_hash_table.h"
#include "engine/key_numbers.h"
#include "engine/operators.h"
#include "engine_test_util.h"

namespace sluice::engine {
namespace {

using testutil::MakeChunk;
using testutil::MakeDictColumn;
using testutil::Rows;
using testutil::Sorted;
using testutil::TableRows;

const char* kNull = "<null>";

TEST(KeyNumbersTest, PrefixThenCanonicalDigits) {
  int64_t n = -1;
  std::string_view prefix;
  EXPECT_TRUE(SplitPrefixedNumber("JOB1362684407687", &prefix, &n));
  EXPECT_EQ(prefix, "JOB");
  EXPECT_EQ(n, 1362684407687);
  EXPECT_TRUE(SplitPrefixedNumber("0", &prefix, &n));
  EXPECT_EQ(prefix, "");
  EXPECT_EQ(n, 0);
  EXPECT_TRUE(SplitPrefixedNumber("a1b20", &prefix, &n));
  EXPECT_EQ(prefix, "a1b");
  EXPECT_EQ(n, 20);
  EXPECT_FALSE(SplitPrefixedNumber("JOB", &prefix, &n)) << "no digits";
  EXPECT_FALSE(SplitPrefixedNumber("JOB007", &prefix, &n)) << "a leading zero is not canonical";
  EXPECT_FALSE(SplitPrefixedNumber("", &prefix, &n));
  EXPECT_TRUE(ParsePrefixedNumber("K999999999999999999", "K", &n)) << "18 digits fit";
  EXPECT_EQ(n, 999999999999999999);
  EXPECT_FALSE(ParsePrefixedNumber("K1000000000000000000", "K", &n)) << "19 digits do not";
  EXPECT_FALSE(ParsePrefixedNumber("k12", "K", &n));
  EXPECT_FALSE(ParsePrefixedNumber("K1x", "K", &n));
  EXPECT_FALSE(ParsePrefixedNumber("K00", "K", &n));
  EXPECT_FALSE(ParsePrefixedNumber("K", "K", &n));
}

std::shared_ptr<Column> Keys(int64_t from, int64_t to, const std::string& prefix) {
  std::vector<std::string> keys;
  for (int64_t k = from; k < to; ++k) keys.push_back(prefix + std::to_string(k));
  return MakeStringColumn(keys);
}

TEST(DenseJoinTableTest, ChosenOnlyForUniqueKeysInADenseRange) {
  auto build = [](std::vector<std::shared_ptr<Column>> chunks) {
    auto t = std::make_unique<JoinHashTable>(std::vector<int>{0});
    for (size_t c = 0; c < chunks.size(); ++c) t->Add(MakeChunk({chunks[c]}, c));
    EXPECT_TRUE(t->Build("j").ok());
    return t;
  };
  EXPECT_TRUE(build({Keys(100, 200, "JOB"), Keys(200, 300, "JOB")})->dense());
  EXPECT_TRUE(build({MakeInt64Column({7, 5, 6, 0}, {1, 1, 1, 0})})->dense()) << "NULLs skipped";
  EXPECT_FALSE(build({Keys(100, 200, "JOB"), Keys(150, 151, "JOB")})->dense()) << "a duplicate";
  EXPECT_FALSE(build({Keys(100, 200, "JOB"), Keys(200, 300, "ID")})->dense()) << "two prefixes";
  EXPECT_FALSE(build({MakeStringColumn({"K1", "K5000000"})})->dense()) << "a sparse range";
  EXPECT_FALSE(build({MakeStringColumn({"K1", "K02"})})->dense()) << "not canonical";
  EXPECT_FALSE(build({MakeStringColumn({"K1", "K2"}, {1, 0})})->dense()) << "a NULL string";
  EXPECT_FALSE(build({MakeInt64Column({INT64_MIN, INT64_MAX})})->dense()) << "the widest range";
}

// A naive join of probe and build (key, value) pairs by string equality: the expected rows.
Rows NaiveJoin(JoinType type, const std::vector<std::pair<std::string, bool>>& probe,
               const std::vector<std::string>& build) {
  Rows rows;
  for (size_t i = 0; i < probe.size(); ++i) {
    std::string key = probe[i].second ? probe[i].first : kNull;
    std::vector<std::string> matches;
    for (size_t j = 0; j < build.size(); ++j) {
      if (probe[i].second && build[j] == probe[i].first) matches.push_back(std::to_string(j));
    }
    std::string lv = std::to_string(i);
    if (type == JoinType::kSemi && !matches.empty()) rows.push_back({key, lv});
    if (type == JoinType::kAnti && matches.empty()) rows.push_back({key, lv});
    if (type == JoinType::kInner || type == JoinType::kLeft) {
      for (const auto& m : matches) rows.push_back({key, lv, m});
      if (type == JoinType::kLeft && matches.empty()) rows.push_back({key, lv, kNull});
    }
  }
  return Sorted(rows);
}

struct JoinResult {
  Rows rows;
  JoinStats stats;
};

JoinResult RunJoin(JoinType type, const std::vector<std::pair<std::string, bool>>& probe,
                   const std::vector<std::string>& build, bool probe_dict) {
  bool two_cols = type == JoinType::kSemi || type == JoinType::kAnti;
  Schema out{{{"k", TypeId::kString}, {"lv", TypeId::kInt64}}};
  if (!two_cols) out.fields.push_back({"rv", TypeId::kInt64});
  auto op = MakeHashJoin("j", type, {0}, {0}, {1}, {TypeId::kInt64});
  CollectSink sink("sink", out);
  op->AddConsumer(&sink, 0);
  std::vector<int64_t> build_values;
  for (size_t j = 0; j < build.size(); ++j) build_values.push_back(static_cast<int64_t>(j));
  size_t half = build.size() / 2;  // two build chunks
  std::vector<std::string> first(build.begin(), build.begin() + half);
  std::vector<std::string> second(build.begin() + half, build.end());
  EXPECT_TRUE(
      op->Push(1, MakeChunk({MakeStringColumn(first),
                             MakeInt64Column({build_values.begin(), build_values.begin() + half})},
                            0))
          .ok());
  EXPECT_TRUE(
      op->Push(1, MakeChunk({MakeStringColumn(second),
                             MakeInt64Column({build_values.begin() + half, build_values.end()})},
                            1))
          .ok());
  EXPECT_TRUE(op->InputDone(1).ok());
  std::vector<std::string> keys;
  std::vector<uint8_t> valid;
  std::vector<int64_t> lv;
  for (size_t i = 0; i < probe.size(); ++i) {
    keys.push_back(probe[i].first);
    valid.push_back(probe[i].second);
    lv.push_back(static_cast<int64_t>(i));
  }
  auto key_col = probe_dict ? MakeDictColumn(keys, valid) : MakeStringColumn(keys, valid);
  EXPECT_TRUE(op->Push(0, MakeChunk({key_col, MakeInt64Column(lv)})).ok());
  EXPECT_TRUE(op->InputDone(0).ok());
  return {Sorted(TableRows(sink.TakeTable())), op->stats()};
}

TEST(DenseJoinTest, EveryJoinTypeAnswersAsTheNaiveJoinOnDenseAndSparseKeys) {
  // Probe keys that match, and ones that only resemble build keys.
  std::vector<std::pair<std::string, bool>> probe = {
      {"JOB100", true}, {"JOB199", true},  {"JOB150", true},  {"JOB99", true},
      {"JOB200", true}, {"JOB0150", true}, {"job150", true},  {"JOB", true},
      {"JOB15x", true}, {"", true},        {"JOB150", false}, {"JOB1000000000000000000", true},
      {"JOB150", true}, {"150", true}};
  std::vector<std::string> dense;
  for (int k = 100; k < 200; ++k) dense.push_back("JOB" + std::to_string(k));
  std::vector<std::string> sparse = dense;
  sparse.push_back("JOB99999999999");  // spreads the range: the hash table is used
  for (const auto* build : {&dense, &sparse}) {
    for (JoinType type : {JoinType::kInner, JoinType::kLeft, JoinType::kSemi, JoinType::kAnti}) {
      for (bool dict : {false, true}) {
        JoinResult r = RunJoin(type, probe, *build, dict);
        EXPECT_EQ(r.rows, NaiveJoin(type, probe, *build))
            << "join type " << static_cast<int>(type) << ", dict " << dict << ", "
            << (build == &dense ? "dense" : "sparse") << " keys";
        EXPECT_EQ(r.stats.probe_unmatched, 14 - 4);
        EXPECT_EQ(r.stats.build_unmatched, static_cast<int64_t>(build->size()) - 3);
      }
    }
  }
}

TEST(DenseJoinTest, IntegerKeysWithNullsOnBothSides) {
  auto op = MakeHashJoin("j", JoinType::kLeft, {0}, {0}, {1}, {TypeId::kInt64});
  Schema out{{{"k", TypeId::kInt64}, {"rv", TypeId::kInt64}}};
  CollectSink sink("sink", out);
  op->AddConsumer(&sink, 0);
  ASSERT_TRUE(op->Push(1, MakeChunk({MakeInt64Column({-3, -1, 0, -2}, {1, 1, 0, 1}),
                                     MakeInt64Column({30, 10, 99, 20})},
                                    0))
                  .ok());
  ASSERT_TRUE(op->InputDone(1).ok());
  ASSERT_TRUE(op->Push(0, MakeChunk({MakeInt64Column({-1, 0, -3, 5, -2}, {1, 0, 1, 1, 1})})).ok());
  ASSERT_TRUE(op->InputDone(0).ok());
  EXPECT_EQ(TableRows(sink.TakeTable()),
            (Rows{{"-1", "10"}, {kNull, kNull}, {"-3", "30"}, {"5", kNull}, {"-2", "20"}}));
  EXPECT_EQ(op->stats().build_unmatched, 1) << "only the NULL build key";
}

}  // namespace
}  // namespace sluice::engine
