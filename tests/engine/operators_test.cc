// The operators driven directly: chunks pushed (from one or several threads) into an
// operator whose consumer is a CollectSink, then the collected table checked.
#include "engine/operators.h"

#include <gtest/gtest.h>

#include <set>
#include <thread>

#include "engine/accumulator.h"
#include "engine/expr_parser.h"
#include "engine_test_util.h"

namespace sluice::engine {
namespace {

using testutil::MakeChunk;
using testutil::MakeDictColumn;
using testutil::PushAll;
using testutil::Rows;
using testutil::Sorted;
using testutil::TableRows;

const char* kNull = "<null>";

// Parses and binds `text` against `schema`; a failure fails the test.
BoundExprPtr Bind(std::string_view text, const Schema& schema) {
  auto e = ParseExpr(text, LinePositions("test.yml"));
  EXPECT_TRUE(e.ok()) << e.status().ToString();
  if (!e.ok()) return std::make_shared<BoundExpr>();
  auto b = BindExpr(**e, schema);
  EXPECT_TRUE(b.ok()) << b.status().ToString();
  return b.ok() ? *b : std::make_shared<BoundExpr>();
}

// An operator feeding a CollectSink.
template <typename Op>
struct Wired {
  Wired(std::unique_ptr<Op> o, Schema out) : op(std::move(o)) {
    sink = std::make_unique<CollectSink>("sink", std::move(out));
    op->AddConsumer(sink.get(), 0);
  }
  Rows Take() { return TableRows(sink->TakeTable()); }

  std::unique_ptr<Op> op;
  std::unique_ptr<CollectSink> sink;
};

Schema XsSchema() { return Schema{{{"x", TypeId::kInt64}, {"s", TypeId::kString}}}; }

// Chunk `seq` of a two-column stream: x = seq*10 + [0, rows), s = "r<x>".
Chunk XsChunk(int64_t seq, int64_t rows) {
  std::vector<int64_t> x;
  std::vector<std::string> s;
  for (int64_t i = 0; i < rows; ++i) {
    x.push_back(seq * 10 + i);
    s.push_back("r" + std::to_string(seq * 10 + i));
  }
  return MakeChunk({MakeInt64Column(x), MakeStringColumn(s)}, seq);
}

Rows XsRows(std::vector<int64_t> xs) {
  Rows out;
  for (int64_t x : xs) out.push_back({std::to_string(x), "r" + std::to_string(x)});
  return out;
}

// ---- filter, project, union ---------------------------------------------------------------

TEST(FilterTest, KeepsRowsWhereThePredicateIsTrueAndDropsNull) {
  Schema schema{{{"x", TypeId::kInt64}, {"s", TypeId::kString}}};
  Wired w(MakeFilter("f", Bind("x > 2", schema)), schema);
  ASSERT_TRUE(w.op->Push(0, MakeChunk({MakeInt64Column({1, 3, 5, 0}, {1, 1, 1, 0}),
                                       MakeStringColumn({"a", "b", "c", "d"})},
                                      0))
                  .ok());
  ASSERT_TRUE(
      w.op->Push(0, MakeChunk({MakeInt64Column({9, 2}), MakeStringColumn({"e", "f"})}, 1)).ok());
  ASSERT_TRUE(w.op->InputDone(0).ok());
  EXPECT_EQ(w.Take(), (Rows{{"3", "b"}, {"5", "c"}, {"9", "e"}}));
  EXPECT_EQ(w.op->rows_out(), 3);
}

TEST(FilterTest, KeepsDictionaryColumnsAndSourceOrderAcrossThreads) {
  Schema schema{{{"x", TypeId::kInt64}, {"k", TypeId::kString}}};
  auto dict = std::make_shared<Dictionary>();
  std::vector<Chunk> chunks;
  for (int64_t seq = 0; seq < 12; ++seq) {
    std::vector<int64_t> x;
    std::vector<std::string> k;
    for (int64_t i = 0; i < 50; ++i) {
      x.push_back(seq * 50 + i);
      k.push_back(i % 3 == 0 ? "keep" : "drop");
    }
    chunks.push_back(MakeChunk({MakeInt64Column(x), MakeDictColumn(k, {}, dict)}, seq));
  }
  std::reverse(chunks.begin(), chunks.end());  // arrival order must not matter
  Wired w(MakeFilter("f", Bind("k = 'keep'", schema)), schema);
  std::set<std::thread::id> threads;
  ASSERT_TRUE(PushAll(w.op.get(), 0, chunks, 4, true, &threads).ok());
  EXPECT_GE(threads.size(), 2u);
  Table t = w.sink->TakeTable();
  Rows expected;
  for (int64_t x = 0; x < 600; ++x) {
    if (x % 50 % 3 == 0) expected.push_back({std::to_string(x), "keep"});
  }
  EXPECT_EQ(TableRows(t), expected);
  for (const Chunk& c : t.chunks) EXPECT_TRUE(c.columns[1]->is_dictionary());
}

TEST(ProjectTest, ComputesEachExpressionInOrder) {
  Schema schema = XsSchema();
  Schema out{{{"double_x", TypeId::kInt64}, {"s", TypeId::kString}, {"big", TypeId::kBool}}};
  Wired w(
      MakeProject("p", {Bind("x * 2", schema), Bind("upper(s)", schema), Bind("x >= 11", schema)}),
      out);
  ASSERT_TRUE(w.op->Push(0, XsChunk(1, 2)).ok());
  ASSERT_TRUE(w.op->Push(0, XsChunk(0, 1)).ok());
  ASSERT_TRUE(w.op->InputDone(0).ok());
  EXPECT_EQ(w.Take(), (Rows{{"0", "R0", "false"}, {"20", "R10", "false"}, {"22", "R11", "true"}}));
}

TEST(UnionTest, InputZeroComesFirstThenEachInputInSourceOrder) {
  Schema schema = XsSchema();
  Wired w(MakeUnion("u", 2), schema);
  // Input 1 arrives first, and each input's chunks arrive out of order.
  ASSERT_TRUE(w.op->Push(1, XsChunk(1, 1)).ok());
  ASSERT_TRUE(w.op->Push(1, XsChunk(0, 2)).ok());
  ASSERT_TRUE(w.op->Push(0, XsChunk(3, 1)).ok());
  ASSERT_TRUE(w.op->Push(0, XsChunk(2, 2)).ok());
  ASSERT_TRUE(w.op->InputDone(1).ok());
  ASSERT_TRUE(w.op->InputDone(0).ok());
  EXPECT_EQ(w.Take(), XsRows({20, 21, 30, 0, 1, 10}));
}

TEST(UnionTest, ConsumersAreDoneOnlyWhenEveryInputIsDone) {
  Schema schema = XsSchema();
  auto u = MakeUnion("u", 3);
  Wired w(MakeLimit("l", 100), schema);  // a limit emits only once its input is done
  u->AddConsumer(w.op.get(), 0);
  ASSERT_TRUE(u->Push(2, XsChunk(0, 1)).ok());
  ASSERT_TRUE(u->Push(0, XsChunk(0, 1)).ok());
  ASSERT_TRUE(u->InputDone(0).ok());
  ASSERT_TRUE(u->InputDone(2).ok());
  EXPECT_EQ(w.op->rows_out(), 0);
  ASSERT_TRUE(u->Push(1, XsChunk(5, 1)).ok());
  ASSERT_TRUE(u->InputDone(1).ok());
  EXPECT_EQ(w.Take(), XsRows({0, 50, 0}));
}

// ---- limit --------------------------------------------------------------------------------

TEST(LimitTest, TakesTheFirstRowsInSequenceOrderWhenPushedOutOfOrder) {
  Wired w(MakeLimit("l", 5), XsSchema());
  ASSERT_TRUE(w.op->Push(0, XsChunk(2, 3)).ok());
  ASSERT_TRUE(w.op->Push(0, XsChunk(0, 3)).ok());
  ASSERT_TRUE(w.op->Push(0, XsChunk(1, 3)).ok());
  ASSERT_TRUE(w.op->InputDone(0).ok());
  EXPECT_EQ(w.Take(), XsRows({0, 1, 2, 10, 11}));
  EXPECT_EQ(w.op->rows_out(), 5);
}

TEST(LimitTest, FromSeveralThreads) {
  std::vector<Chunk> chunks;
  for (int64_t seq = 9; seq >= 0; --seq) chunks.push_back(XsChunk(seq, 4));
  Wired w(MakeLimit("l", 7), XsSchema());
  ASSERT_TRUE(PushAll(w.op.get(), 0, chunks, 4).ok());
  EXPECT_EQ(w.Take(), XsRows({0, 1, 2, 3, 10, 11, 12}));
}

TEST(LimitTest, ZeroAndMoreThanThereIs) {
  Wired zero(MakeLimit("l", 0), XsSchema());
  ASSERT_TRUE(zero.op->Push(0, XsChunk(0, 3)).ok());
  ASSERT_TRUE(zero.op->InputDone(0).ok());
  EXPECT_TRUE(zero.Take().empty());

  Wired all(MakeLimit("l", 100), XsSchema());
  ASSERT_TRUE(all.op->Push(0, XsChunk(1, 2)).ok());
  ASSERT_TRUE(all.op->Push(0, XsChunk(0, 2)).ok());
  ASSERT_TRUE(all.op->InputDone(0).ok());
  EXPECT_EQ(all.Take(), XsRows({0, 1, 10, 11}));

  Wired empty(MakeLimit("l", 3), XsSchema());
  ASSERT_TRUE(empty.op->InputDone(0).ok());
  EXPECT_TRUE(empty.Take().empty());
}

// ---- sort ---------------------------------------------------------------------------------

Schema SortSchema() {
  return Schema{{{"g", TypeId::kString},
                 {"v", TypeId::kInt64},
                 {"d", TypeId::kDouble},
                 {"id", TypeId::kInt64}}};
}

// Rows (g, v, d, id) over two chunks; `id` gives each row's source position.
std::vector<Chunk> SortInput() {
  auto dict = std::make_shared<Dictionary>();
  return {
      MakeChunk({MakeDictColumn({"b", "a", "b", "", "a"}, {1, 1, 1, 0, 1}, dict),
                 MakeInt64Column({1, 5, 3, 2, 5}),
                 MakeDoubleColumn({0.5, 0, -1.5, 2.5, 9}, {1, 0, 1, 1, 1}),
                 MakeInt64Column({0, 1, 2, 3, 4})},
                0),
      MakeChunk({MakeDictColumn({"a", "b", "c"}, {}, dict), MakeInt64Column({5, 0, 7}, {1, 0, 1}),
                 MakeDoubleColumn({1, 2, 3}), MakeInt64Column({5, 6, 7})},
                1),
  };
}

std::vector<std::string> SortedIds(std::vector<BoundSortKey> keys, bool reverse_arrival = false) {
  Wired w(MakeSort("s", std::move(keys)), SortSchema());
  std::vector<Chunk> chunks = SortInput();
  if (reverse_arrival) std::reverse(chunks.begin(), chunks.end());
  for (auto& c : chunks) EXPECT_TRUE(w.op->Push(0, c).ok());
  EXPECT_TRUE(w.op->InputDone(0).ok());
  std::vector<std::string> ids;
  for (const auto& row : w.Take()) ids.push_back(row[3]);
  return ids;
}

using Ids = std::vector<std::string>;

TEST(SortTest, SeveralKeysAscendingAndDescending) {
  Schema s = SortSchema();
  // g asc (nulls last), then v desc (nulls last).
  EXPECT_EQ(SortedIds({{Bind("g", s)}, {Bind("v", s), true}}),
            (Ids{"1", "4", "5", "2", "0", "6", "7", "3"}));
}

TEST(SortTest, NullsLastByDefaultInBothDirections) {
  Schema s = SortSchema();
  EXPECT_EQ(SortedIds({{Bind("d", s)}}), (Ids{"2", "0", "5", "6", "3", "7", "4", "1"}));
  EXPECT_EQ(SortedIds({{Bind("d", s), true}}), (Ids{"4", "7", "3", "6", "5", "0", "2", "1"}));
}

TEST(SortTest, NullsFirstWhenAsked) {
  Schema s = SortSchema();
  EXPECT_EQ(SortedIds({{Bind("d", s), false, true}}),
            (Ids{"1", "2", "0", "5", "6", "3", "7", "4"}));
  EXPECT_EQ(SortedIds({{Bind("g", s), true, true}, {Bind("id", s)}}),
            (Ids{"3", "7", "0", "2", "6", "1", "4", "5"}));
}

TEST(SortTest, IsStableInSourceOrderEvenWhenChunksArriveOutOfOrder) {
  Schema s = SortSchema();
  // v: ids 1, 4 and 5 share 5; ties keep source order whatever the arrival order.
  Ids expected{"6", "0", "3", "2", "1", "4", "5", "7"};
  EXPECT_EQ(SortedIds({{Bind("v", s), false, true}}),
            (Ids{"6", "0", "3", "2", "1", "4", "5", "7"}));
  EXPECT_EQ(SortedIds({{Bind("v", s), false, true}}, true), expected);
}

TEST(SortTest, SortsByAnExpression) {
  Schema s = SortSchema();
  EXPECT_EQ(SortedIds({{Bind("v % 5", s)}, {Bind("id", s), true}}),
            (Ids{"5", "4", "1", "0", "7", "3", "2", "6"}));
}

TEST(SortTest, PlainStringsAndManyChunksFromSeveralThreads) {
  Schema schema = XsSchema();
  std::vector<Chunk> chunks;
  for (int64_t seq = 0; seq < 8; ++seq) chunks.push_back(XsChunk(seq, 10));
  Wired w(MakeSort("s", {{Bind("s", schema), true}}), schema);
  ASSERT_TRUE(PushAll(w.op.get(), 0, chunks, 4).ok());
  Rows rows = w.Take();
  ASSERT_EQ(rows.size(), 80u);
  for (size_t i = 1; i < rows.size(); ++i) EXPECT_GT(rows[i - 1][1], rows[i][1]);
}

TEST(SortTest, EmptyInputGivesNoRows) {
  Schema schema = XsSchema();
  Wired w(MakeSort("s", {{Bind("x", schema)}}), schema);
  ASSERT_TRUE(w.op->InputDone(0).ok());
  EXPECT_TRUE(w.Take().empty());
}

// ---- hash join ----------------------------------------------------------------------------

// left: (id int64, name string); right: (rid int64, score double, tag string).
Schema LeftSchema() { return Schema{{{"id", TypeId::kInt64}, {"name", TypeId::kString}}}; }
Schema JoinedSchema() {
  return Schema{{{"id", TypeId::kInt64},
                 {"name", TypeId::kString},
                 {"score", TypeId::kDouble},
                 {"tag", TypeId::kString}}};
}

Chunk LeftChunk() {
  return MakeChunk({MakeInt64Column({1, 2, 3, 0, 2}, {1, 1, 1, 0, 1}),
                    MakeStringColumn({"one", "two", "three", "null", "two again"})});
}

// Key 2 twice, 3 once, 4 (unmatched), NULL (never matches).
std::vector<Chunk> RightChunks() {
  return {
      MakeChunk(
          {MakeInt64Column({2, 4}), MakeDoubleColumn({2.5, 4.5}), MakeStringColumn({"x", "y"})}, 0),
      MakeChunk({MakeInt64Column({3, 2, 0}, {1, 1, 0}), MakeDoubleColumn({3.5, 2.25, 0}),
                 MakeStringColumn({"z", "w", "n"}, {1, 0, 1})},
                1)};
}

struct JoinRun {
  Rows rows;
  JoinStats stats;
};

JoinRun RunJoin(JoinType type, std::vector<Chunk> left, std::vector<Chunk> right) {
  Schema out = type == JoinType::kSemi || type == JoinType::kAnti ? LeftSchema() : JoinedSchema();
  Wired w(MakeHashJoin("j", type, {0}, {0}, {1, 2}, {TypeId::kDouble, TypeId::kString}), out);
  for (auto& c : right) EXPECT_TRUE(w.op->Push(1, c).ok());
  EXPECT_TRUE(w.op->InputDone(1).ok());
  for (auto& c : left) EXPECT_TRUE(w.op->Push(0, c).ok());
  EXPECT_TRUE(w.op->InputDone(0).ok());
  JoinRun r;
  r.rows = Sorted(w.Take());
  r.stats = w.op->stats();
  return r;
}

TEST(HashJoinTest, InnerMatchesEveryDuplicateAndNeverNull) {
  JoinRun r = RunJoin(JoinType::kInner, {LeftChunk()}, RightChunks());
  EXPECT_EQ(r.rows, Sorted({{"2", "two", "2.5", "x"},
                            {"2", "two", "2.25", kNull},
                            {"3", "three", "3.5", "z"},
                            {"2", "two again", "2.5", "x"},
                            {"2", "two again", "2.25", kNull}}));
}

TEST(HashJoinTest, InnerJoinStats) {
  JoinRun r = RunJoin(JoinType::kInner, {LeftChunk()}, RightChunks());
  EXPECT_EQ(r.stats.rows_out, 5);
  EXPECT_EQ(r.stats.probe_rows, 5);
  EXPECT_EQ(r.stats.probe_unmatched, 2);  // id 1 and the NULL id
  EXPECT_EQ(r.stats.build_rows, 5);
  EXPECT_EQ(r.stats.build_unmatched, 2);  // rid 4 and the NULL rid
}

TEST(HashJoinTest, LeftKeepsUnmatchedAndNullKeysWithNullPayload) {
  JoinRun r = RunJoin(JoinType::kLeft, {LeftChunk()}, RightChunks());
  EXPECT_EQ(r.rows, Sorted({{"1", "one", kNull, kNull},
                            {"2", "two", "2.5", "x"},
                            {"2", "two", "2.25", kNull},
                            {"3", "three", "3.5", "z"},
                            {kNull, "null", kNull, kNull},
                            {"2", "two again", "2.5", "x"},
                            {"2", "two again", "2.25", kNull}}));
  EXPECT_EQ(r.stats.rows_out, 7);
  EXPECT_EQ(r.stats.probe_unmatched, 2);
}

TEST(HashJoinTest, SemiKeepsEachMatchedLeftRowOnce) {
  JoinRun r = RunJoin(JoinType::kSemi, {LeftChunk()}, RightChunks());
  EXPECT_EQ(r.rows, Sorted({{"2", "two"}, {"3", "three"}, {"2", "two again"}}));
  EXPECT_EQ(r.stats.rows_out, 3);
}

TEST(HashJoinTest, AntiKeepsUnmatchedLeftRowsIncludingNullKeys) {
  JoinRun r = RunJoin(JoinType::kAnti, {LeftChunk()}, RightChunks());
  EXPECT_EQ(r.rows, Sorted({{"1", "one"}, {kNull, "null"}}));
  EXPECT_EQ(r.stats.probe_unmatched, 2);
}

TEST(HashJoinTest, KeepsTheProbeSidesOrderWithinAChunk) {
  Wired w(MakeHashJoin("j", JoinType::kLeft, {0}, {0}, {1, 2}, {TypeId::kDouble, TypeId::kString}),
          JoinedSchema());
  Chunk right = MakeChunk(
      {MakeInt64Column({5, 6}), MakeDoubleColumn({5, 6}), MakeStringColumn({"five", "six"})});
  ASSERT_TRUE(w.op->Push(1, right).ok());
  ASSERT_TRUE(w.op->InputDone(1).ok());
  ASSERT_TRUE(
      w.op->Push(0, MakeChunk({MakeInt64Column({6, 7}), MakeStringColumn({"a", "b"})}, 1)).ok());
  ASSERT_TRUE(w.op->Push(0, MakeChunk({MakeInt64Column({5}), MakeStringColumn({"c"})}, 0)).ok());
  ASSERT_TRUE(w.op->InputDone(0).ok());
  EXPECT_EQ(w.Take(),
            (Rows{{"5", "c", "5.0", "five"}, {"6", "a", "6.0", "six"}, {"7", "b", kNull, kNull}}));
}

TEST(HashJoinTest, TwoKeys) {
  Schema out{{{"a", TypeId::kInt64}, {"b", TypeId::kString}, {"v", TypeId::kInt64}}};
  for (JoinType type : {JoinType::kInner, JoinType::kLeft, JoinType::kAnti}) {
    // right: (v, b, a): keys are right columns 2 and 1, payload column 0.
    Schema o = type == JoinType::kAnti ? Schema{{out.fields[0], out.fields[1]}} : out;
    Wired w(MakeHashJoin("j", type, {0, 1}, {2, 1}, {0}, {TypeId::kInt64}), o);
    Chunk right = MakeChunk({MakeInt64Column({10, 20, 30, 40, 50}),
                             MakeStringColumn({"x", "y", "y", "", "x"}, {1, 1, 1, 0, 1}),
                             MakeInt64Column({1, 1, 2, 1, 1})});
    ASSERT_TRUE(w.op->Push(1, right).ok());
    ASSERT_TRUE(w.op->InputDone(1).ok());
    Chunk left = MakeChunk({MakeInt64Column({1, 1, 2, 0, 1}, {1, 1, 1, 0, 1}),
                            MakeStringColumn({"x", "y", "x", "x", ""}, {1, 1, 1, 1, 0})});
    ASSERT_TRUE(w.op->Push(0, left).ok());
    ASSERT_TRUE(w.op->InputDone(0).ok());
    Rows rows = Sorted(w.Take());
    if (type == JoinType::kInner) {
      EXPECT_EQ(rows, Sorted({{"1", "x", "10"}, {"1", "x", "50"}, {"1", "y", "20"}}));
    } else if (type == JoinType::kLeft) {
      EXPECT_EQ(rows, Sorted({{"1", "x", "10"},
                              {"1", "x", "50"},
                              {"1", "y", "20"},
                              {"2", "x", kNull},
                              {kNull, "x", kNull},
                              {"1", kNull, kNull}}));
    } else {
      EXPECT_EQ(rows, Sorted({{"2", "x"}, {kNull, "x"}, {"1", kNull}}));
    }
    if (type != JoinType::kAnti) {  // anti: see SemiAndAntiCountEveryMatchedBuildRow
      EXPECT_EQ(w.op->stats().build_unmatched, 2) << JoinTypeName(type);  // (2,y), (1,NULL)
    }
  }
}

TEST(HashJoinTest, SemiAndAntiCountEveryMatchedBuildRow) {
  // Build keys 2, 2, 3: the probe key 2 matches both rows with key 2, even though a semi or
  // anti join needs only one of them to decide; the summary's "unmatched right" must say 1.
  for (JoinType type : {JoinType::kSemi, JoinType::kAnti}) {
    JoinRun r = RunJoin(type, {MakeChunk({MakeInt64Column({2}), MakeStringColumn({"two"})})},
                        {MakeChunk({MakeInt64Column({2, 2, 3}), MakeDoubleColumn({1, 2, 3}),
                                    MakeStringColumn({"a", "b", "c"})})});
    EXPECT_EQ(r.stats.build_rows, 3);
    EXPECT_EQ(r.stats.build_unmatched, 1) << JoinTypeName(type);
  }
}

TEST(HashJoinTest, ProbeChunksArrivingBeforeTheBuildSideIsDoneWait) {
  Wired w(MakeHashJoin("j", JoinType::kInner, {0}, {0}, {1, 2}, {TypeId::kDouble, TypeId::kString}),
          JoinedSchema());
  std::vector<Chunk> right = RightChunks();
  ASSERT_TRUE(w.op->Push(1, right[0]).ok());
  ASSERT_TRUE(w.op->Push(0, LeftChunk()).ok());  // before the build side is complete
  ASSERT_TRUE(w.op->InputDone(0).ok());          // and the probe side even finishes first
  EXPECT_EQ(w.op->rows_out(), 0);
  ASSERT_TRUE(w.op->Push(1, right[1]).ok());
  ASSERT_TRUE(w.op->InputDone(1).ok());
  EXPECT_EQ(Sorted(w.Take()), Sorted({{"2", "two", "2.5", "x"},
                                      {"2", "two", "2.25", kNull},
                                      {"3", "three", "3.5", "z"},
                                      {"2", "two again", "2.5", "x"},
                                      {"2", "two again", "2.25", kNull}}));
  EXPECT_EQ(w.op->stats().probe_rows, 5);
  EXPECT_EQ(w.op->stats().build_unmatched, 2);
}

TEST(HashJoinTest, EmptyBuildSide) {
  JoinRun left = RunJoin(JoinType::kLeft, {LeftChunk()}, {});
  EXPECT_EQ(left.rows, Sorted({{"1", "one", kNull, kNull},
                               {"2", "two", kNull, kNull},
                               {"3", "three", kNull, kNull},
                               {kNull, "null", kNull, kNull},
                               {"2", "two again", kNull, kNull}}));
  EXPECT_EQ(left.stats.build_rows, 0);
  EXPECT_EQ(left.stats.probe_unmatched, 5);

  EXPECT_TRUE(RunJoin(JoinType::kInner, {LeftChunk()}, {}).rows.empty());
  EXPECT_EQ(RunJoin(JoinType::kAnti, {LeftChunk()}, {}).rows.size(), 5u);
  EXPECT_TRUE(RunJoin(JoinType::kSemi, {LeftChunk()}, {}).rows.empty());
}

TEST(HashJoinTest, EmptyProbeSide) {
  JoinRun r = RunJoin(JoinType::kLeft, {}, RightChunks());
  EXPECT_TRUE(r.rows.empty());
  EXPECT_EQ(r.stats.build_rows, 5);
  EXPECT_EQ(r.stats.build_unmatched, 5);
}

// A string-keyed join: left (k, lv), right (k, rv) with the encodings given.
Rows StringJoin(bool left_dict, bool right_dict, const std::string& prefix) {
  std::vector<std::string> lk = {prefix + "a", prefix + "b", prefix + "c", "", prefix + "a", ""};
  std::vector<uint8_t> lvalid = {1, 1, 1, 1, 1, 0};
  std::vector<std::string> rk = {prefix + "a", prefix + "c", prefix + "d", "", ""};
  std::vector<uint8_t> rvalid = {1, 1, 1, 1, 0};
  auto lcol = left_dict ? MakeDictColumn(lk, lvalid) : MakeStringColumn(lk, lvalid);
  auto rcol = right_dict ? MakeDictColumn(rk, rvalid) : MakeStringColumn(rk, rvalid);
  Schema out{{{"k", TypeId::kString}, {"lv", TypeId::kInt64}, {"rv", TypeId::kInt64}}};
  Wired w(MakeHashJoin("j", JoinType::kLeft, {0}, {0}, {1}, {TypeId::kInt64}), out);
  EXPECT_TRUE(w.op->Push(1, MakeChunk({rcol, MakeInt64Column({10, 30, 40, 50, 60})})).ok());
  EXPECT_TRUE(w.op->InputDone(1).ok());
  EXPECT_TRUE(w.op->Push(0, MakeChunk({lcol, MakeInt64Column({1, 2, 3, 4, 5, 6})})).ok());
  EXPECT_TRUE(w.op->InputDone(0).ok());
  return w.Take();
}

TEST(HashJoinTest, StringKeysMatchAcrossDictionaryAndPlainEncodings) {
  for (const std::string prefix : {"", "a-key-longer-than-thirty-two-bytes-"}) {
    Rows expected = {{prefix + "a", "1", "10"}, {prefix + "b", "2", kNull},
                     {prefix + "c", "3", "30"}, {"", "4", "50"},
                     {prefix + "a", "5", "10"}, {kNull, "6", kNull}};
    for (bool ld : {false, true}) {
      for (bool rd : {false, true}) {
        EXPECT_EQ(StringJoin(ld, rd, prefix), expected)
            << "left dict " << ld << ", right dict " << rd << ", prefix '" << prefix << "'";
      }
    }
  }
}

TEST(HashJoinTest, DictionaryPayloadStaysDictionaryEncoded) {
  auto dict = std::make_shared<Dictionary>();
  Schema out{{{"id", TypeId::kInt64}, {"t", TypeId::kString}}};
  Wired w(MakeHashJoin("j", JoinType::kLeft, {0}, {0}, {1}, {TypeId::kString}), out);
  ASSERT_TRUE(
      w.op->Push(1, MakeChunk({MakeInt64Column({1}), MakeDictColumn({"p"}, {}, dict)}, 0)).ok());
  ASSERT_TRUE(
      w.op->Push(1, MakeChunk({MakeInt64Column({2}), MakeDictColumn({"q"}, {}, dict)}, 1)).ok());
  ASSERT_TRUE(w.op->InputDone(1).ok());
  ASSERT_TRUE(w.op->Push(0, MakeChunk({MakeInt64Column({2, 3, 1})})).ok());
  ASSERT_TRUE(w.op->InputDone(0).ok());
  Table t = w.sink->TakeTable();
  EXPECT_EQ(TableRows(t), (Rows{{"2", "q"}, {"3", kNull}, {"1", "p"}}));
  ASSERT_EQ(t.chunks.size(), 1u);
  EXPECT_EQ(t.chunks[0].columns[1]->dict, dict);
}

TEST(HashJoinTest, ManyChunksFromSeveralThreadsOnBothSides) {
  // Build: keys 0..999 (each once) in 10 chunks; probe: keys 0..1999 in 20 chunks.
  auto dict = std::make_shared<Dictionary>();
  std::vector<Chunk> build, probe;
  for (int64_t c = 0; c < 10; ++c) {
    std::vector<int64_t> k, v;
    for (int64_t i = 0; i < 100; ++i) k.push_back(c * 100 + i), v.push_back((c * 100 + i) * 3);
    build.push_back(MakeChunk({MakeInt64Column(k), MakeInt64Column(v)}, c));
  }
  for (int64_t c = 0; c < 20; ++c) {
    std::vector<int64_t> k;
    for (int64_t i = 0; i < 100; ++i) k.push_back(c * 100 + i);
    probe.push_back(MakeChunk({MakeInt64Column(k)}, c));
  }
  Schema out{{{"k", TypeId::kInt64}, {"v", TypeId::kInt64}}};
  Wired w(MakeHashJoin("j", JoinType::kInner, {0}, {0}, {1}, {TypeId::kInt64}), out);
  ASSERT_TRUE(PushAll(w.op.get(), 1, build, 3).ok());
  std::set<std::thread::id> threads;
  ASSERT_TRUE(PushAll(w.op.get(), 0, probe, 4, true, &threads).ok());
  EXPECT_GE(threads.size(), 2u);
  Rows rows = w.Take();  // the sink restores the probe side's order
  ASSERT_EQ(rows.size(), 1000u);
  for (int64_t i = 0; i < 1000; ++i) {
    EXPECT_EQ(rows[i], (testutil::Row{std::to_string(i), std::to_string(i * 3)}));
  }
  JoinStats s = w.op->stats();
  EXPECT_EQ(s.probe_rows, 2000);
  EXPECT_EQ(s.probe_unmatched, 1000);
  EXPECT_EQ(s.build_unmatched, 0);
  EXPECT_EQ(s.rows_out, 1000);
}

// ---- hash aggregate -----------------------------------------------------------------------

// Input: (g string, n int64, x double, s string), some NULLs everywhere.
Schema AggSchema() {
  return Schema{{{"g", TypeId::kString},
                 {"n", TypeId::kInt64},
                 {"x", TypeId::kDouble},
                 {"s", TypeId::kString},
                 {"h", TypeId::kInt64}}};
}

std::vector<Chunk> AggInput(bool dict_keys) {
  auto dict = std::make_shared<Dictionary>();
  auto key = [&](std::vector<std::string> v, std::vector<uint8_t> valid) -> ColumnPtr {
    return dict_keys ? MakeDictColumn(v, valid, dict) : MakeStringColumn(v, valid);
  };
  return {
      MakeChunk({key({"a", "b", "a", ""}, {1, 1, 1, 0}), MakeInt64Column({1, 2, 3, 4}),
                 MakeDoubleColumn({0.5, 1.5, 0, 2.0}, {1, 1, 0, 1}),
                 MakeStringColumn({"kiwi", "fig", "apple", "plum"}), MakeInt64Column({1, 1, 2, 2})},
                0),
      MakeChunk(
          {key({"b", "a", "", "c"}, {1, 1, 0, 1}), MakeInt64Column({0, 5, 6, 7}, {0, 1, 1, 1}),
           MakeDoubleColumn({-1.0, 2.5, 1.0, 3.0}),
           MakeStringColumn({"", "banana", "", "date"}, {0, 1, 0, 1}),
           MakeInt64Column({1, 0, 2, 0}, {1, 0, 1, 1})},
          1),
  };
}

// count(*), count(x), sum(n), sum(x), avg(n), min(n), max(x), min(s), max(s).
std::vector<BoundAggregate> AllAggregates(const Schema& s) {
  auto agg = [&](AggregateFn fn, const char* arg) {
    BoundAggregate a;
    a.fn = fn;
    if (arg) a.arg = Bind(arg, s);
    a.result_type = AggregateResultType(fn, a.arg ? a.arg->type : TypeId::kInt64);
    return a;
  };
  return {agg(AggregateFn::kCountStar, nullptr),
          agg(AggregateFn::kCount, "x"),
          agg(AggregateFn::kSum, "n"),
          agg(AggregateFn::kSum, "x"),
          agg(AggregateFn::kAvg, "n"),
          agg(AggregateFn::kMin, "n"),
          agg(AggregateFn::kMax, "x"),
          agg(AggregateFn::kMin, "s"),
          agg(AggregateFn::kMax, "s")};
}

Rows RunAggregate(std::vector<int> group_by, std::vector<Chunk> chunks, int threads,
                  std::vector<BoundAggregate> aggs = {}) {
  Schema in = AggSchema();
  std::vector<TypeId> key_types;
  std::vector<Field> key_fields;
  for (int k : group_by) key_types.push_back(in.fields[k].type), key_fields.push_back(in.fields[k]);
  if (aggs.empty()) aggs = AllAggregates(in);
  Schema out{key_fields};
  for (size_t a = 0; a < aggs.size(); ++a) out.fields.push_back({"a" + std::to_string(a)});
  Wired w(MakeHashAggregate("agg", group_by, key_types, std::move(aggs)), out);
  EXPECT_TRUE(PushAll(w.op.get(), 0, chunks, threads).ok());
  return Sorted(w.Take());
}

// Expected rows of AllAggregates by g: cnt, cnt_x, sum_n, sum_x, avg_n, min_n, max_x, min_s,
// max_s.
const Rows kByG = {
    {"a", "3", "2", "9", "3.0", "3.0", "1", "2.5", "apple", "kiwi"},
    {"b", "2", "2", "2", "0.5", "2.0", "2", "1.5", "fig", "fig"},
    {"c", "1", "1", "7", "3.0", "7.0", "7", "3.0", "date", "date"},
    {kNull, "2", "2", "10", "3.0", "5.0", "4", "2.0", "plum", "plum"},
};

TEST(HashAggregateTest, AllFunctionsGroupedByADictionaryColumn) {
  EXPECT_EQ(RunAggregate({0}, AggInput(true), 1), Sorted(kByG));
}

TEST(HashAggregateTest, AllFunctionsGroupedByAPlainStringColumn) {
  EXPECT_EQ(RunAggregate({0}, AggInput(false), 1), Sorted(kByG));
}

TEST(HashAggregateTest, GroupByAnIntegerWithANullGroup) {
  // h: 1 -> rows n=1,2,0(null); 2 -> n=3,4,6; 0 -> n=7; NULL -> n=5.
  Rows rows = RunAggregate({4}, AggInput(true), 1);
  EXPECT_EQ(rows,
            Sorted({
                {"0", "1", "1", "7", "3.0", "7.0", "7", "3.0", "date", "date"},
                {"1", "3", "3", "3", "1.0", "1.5", "1", "1.5", "fig", "kiwi"},
                {"2", "3", "2", "13", "3.0", "4.333333333333333", "3", "2.0", "apple", "plum"},
                {kNull, "1", "1", "5", "2.5", "5.0", "5", "2.5", "banana", "banana"},
            }));
}

TEST(HashAggregateTest, GroupByTwoColumns) {
  Rows rows = RunAggregate({0, 4}, AggInput(true), 1,
                           {{AggregateFn::kCountStar, nullptr, TypeId::kInt64},
                            {AggregateFn::kSum, Bind("n", AggSchema()), TypeId::kInt64}});
  EXPECT_EQ(rows, Sorted({{"a", "1", "1", "1"},
                          {"a", "2", "1", "3"},
                          {"a", kNull, "1", "5"},
                          {"b", "1", "2", "2"},
                          {"c", "0", "1", "7"},
                          {kNull, "2", "2", "10"}}));
}

TEST(HashAggregateTest, NullKeysInTwoColumnsAreDistinctFromZeroAndEmpty) {
  Schema in{{{"a", TypeId::kInt64}, {"b", TypeId::kString}}};
  Chunk c = MakeChunk({MakeInt64Column({0, 0, 0, 0, 0}, {1, 0, 1, 0, 1}),
                       MakeStringColumn({"", "", "", "", "x"}, {1, 1, 0, 0, 1})});
  Wired w(MakeHashAggregate("agg", {0, 1}, {TypeId::kInt64, TypeId::kString},
                            {{AggregateFn::kCountStar, nullptr, TypeId::kInt64}}),
          Schema{{in.fields[0], in.fields[1], {"n", TypeId::kInt64}}});
  ASSERT_TRUE(w.op->Push(0, c).ok());
  ASSERT_TRUE(w.op->InputDone(0).ok());
  EXPECT_EQ(Sorted(w.Take()), Sorted({{"0", "", "1"},
                                      {kNull, "", "1"},
                                      {"0", kNull, "1"},
                                      {kNull, kNull, "1"},
                                      {"0", "x", "1"}}));
}

TEST(HashAggregateTest, GroupByABoolColumn) {
  Schema in{{{"b", TypeId::kBool}, {"n", TypeId::kInt64}}};
  Wired w(MakeHashAggregate("agg", {0}, {TypeId::kBool},
                            {{AggregateFn::kSum, Bind("n", in), TypeId::kInt64}}),
          Schema{{in.fields[0], {"s", TypeId::kInt64}}});
  ASSERT_TRUE(w.op->Push(0, MakeChunk({MakeBoolColumn({1, 0, 1, 0, 0}, {1, 1, 1, 1, 0}),
                                       MakeInt64Column({1, 2, 4, 8, 16})}))
                  .ok());
  ASSERT_TRUE(w.op->InputDone(0).ok());
  EXPECT_EQ(Sorted(w.Take()), Sorted({{"true", "5"}, {"false", "10"}, {kNull, "16"}}));
}

TEST(HashAggregateTest, DictionaryKeysFromDifferentDictionariesMergeByString) {
  Schema in{{{"g", TypeId::kString}, {"n", TypeId::kInt64}}};
  // Two chunks encoded with separate dictionaries: equal strings have different codes.
  Chunk c0 = MakeChunk({MakeDictColumn({"x", "y", "x"}), MakeInt64Column({1, 2, 3})}, 0);
  Chunk c1 = MakeChunk({MakeDictColumn({"y", "z", "x"}), MakeInt64Column({10, 20, 30})}, 1);
  Chunk c2 = MakeChunk({MakeStringColumn({"z", "x"}), MakeInt64Column({100, 200})}, 2);
  Wired w(MakeHashAggregate("agg", {0}, {TypeId::kString},
                            {{AggregateFn::kSum, Bind("n", in), TypeId::kInt64}}),
          Schema{{in.fields[0], {"s", TypeId::kInt64}}});
  ASSERT_TRUE(PushAll(w.op.get(), 0, {c0, c1, c2}, 3).ok());
  EXPECT_EQ(Sorted(w.Take()), Sorted({{"x", "234"}, {"y", "12"}, {"z", "120"}}));
}

TEST(HashAggregateTest, GroupByADictionaryColumnThatIsAllNull) {
  // As the CSV reader gives a column that is empty on every line: dictionary-encoded with
  // nothing interned, every row NULL with code 0 (not a code of the dictionary).
  Schema in{{{"g", TypeId::kString}, {"n", TypeId::kInt64}}};
  auto all_null = MakeDictColumn({"", "", ""}, {0, 0, 0});
  ASSERT_EQ(all_null->dict->size(), 0u);
  Wired w(MakeHashAggregate("agg", {0}, {TypeId::kString},
                            {{AggregateFn::kCountStar, nullptr, TypeId::kInt64}}),
          Schema{{in.fields[0], {"c", TypeId::kInt64}}});
  ASSERT_TRUE(w.op->Push(0, MakeChunk({all_null, MakeInt64Column({1, 2, 3})})).ok());
  ASSERT_TRUE(w.op->InputDone(0).ok());
  EXPECT_EQ(w.Take(), (Rows{{kNull, "3"}}));
}

TEST(HashAggregateTest, GlobalAggregateOverRows) {
  Rows rows = RunAggregate({}, AggInput(true), 2);
  EXPECT_EQ(rows, (Rows{{"8", "7", "28", "9.5", "4.0", "1", "3.0", "apple", "plum"}}));
}

TEST(HashAggregateTest, GlobalAggregateOverNoRowsIsOneRow) {
  Rows expected = {{"0", "0", kNull, kNull, kNull, kNull, kNull, kNull, kNull}};
  EXPECT_EQ(RunAggregate({}, {}, 1), expected);
  // An empty chunk changes nothing.
  Chunk empty = MakeChunk({MakeStringColumn({}), MakeInt64Column({}), MakeDoubleColumn({}),
                           MakeStringColumn({}), MakeInt64Column({})});
  EXPECT_EQ(RunAggregate({}, {empty}, 1), expected);
}

TEST(HashAggregateTest, GroupedAggregateOverNoRowsIsEmpty) {
  EXPECT_TRUE(RunAggregate({0}, {}, 1).empty());
  EXPECT_TRUE(RunAggregate({4}, {}, 1).empty());
  EXPECT_TRUE(RunAggregate({0, 4}, {}, 1).empty());
}

// Deterministic data over `chunks` chunks: keys from a shared dictionary (some NULL), integer
// and exactly representable double values, so sums do not depend on the order of addition.
std::vector<Chunk> BigAggInput(int chunks) {
  auto dict = std::make_shared<Dictionary>();
  std::vector<Chunk> out;
  for (int c = 0; c < chunks; ++c) {
    std::vector<std::string> g, s;
    std::vector<uint8_t> gv, nv;
    std::vector<int64_t> n, h;
    std::vector<double> x;
    for (int i = 0; i < 300; ++i) {
      int row = c * 300 + i;
      g.push_back("k" + std::to_string((row * 7) % 23));
      gv.push_back(row % 17 != 0);
      n.push_back((row * 7919) % 101 - 50);
      nv.push_back(row % 13 != 0);
      x.push_back(((row * 31) % 9) * 0.5);
      s.push_back("s" + std::to_string((row * 13) % 97));
      h.push_back(row % 5);
    }
    out.push_back(MakeChunk({MakeDictColumn(g, gv, dict), MakeInt64Column(n, nv),
                             MakeDoubleColumn(x), MakeStringColumn(s), MakeInt64Column(h)},
                            c));
  }
  return out;
}

TEST(HashAggregateTest, OneOrFourThreadsGiveTheSameResult) {
  std::vector<Chunk> input = BigAggInput(16);
  for (std::vector<int> keys : {std::vector<int>{0}, {3}, {4}, {0, 4}, {}}) {
    Rows one = RunAggregate(keys, input, 1);
    Rows four = RunAggregate(keys, input, 4);
    EXPECT_EQ(one, four) << "group by " << keys.size() << " keys";
    EXPECT_FALSE(one.empty());
  }
  EXPECT_EQ(RunAggregate({0}, input, 1).size(), 24u);  // 23 keys and NULL
}

}  // namespace
}  // namespace sluice::engine
