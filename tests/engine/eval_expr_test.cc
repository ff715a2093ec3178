// Binding and evaluation of scalar expressions over small hand-made chunks.
#include <gtest/gtest.h>

#include <cmath>
#include <cstdlib>
#include <limits>

#include "engine/bound_expr.h"
#include "engine/expr_parser.h"
#include "engine_test_util.h"

namespace sluice::engine {
namespace {

using testutil::ColumnText;
using testutil::MakeChunk;
using testutil::MakeDictColumn;
using Strings = std::vector<std::string>;

const char* kNull = "<null>";

// Binds `text` (parsed as a job spec would) against `schema` and evaluates it over `chunk`.
class Evaluator {
 public:
  Evaluator(Schema schema, Chunk chunk) : schema_(std::move(schema)), chunk_(std::move(chunk)) {}

  Result<BoundExprPtr> Bind(std::string_view text) const {
    ASSIGN_OR_RETURN(ExprPtr e, ParseExpr(text, LinePositions("job.yml", 4, 11)));
    return BindExpr(*e, schema_);
  }

  // The result as text per row ("<null>" for NULL), or "ERROR: ..." in the first cell.
  Strings Eval(std::string_view text) const {
    auto bound = Bind(text);
    if (!bound.ok()) return {"ERROR: " + bound.status().message()};
    auto col = Evaluate(**bound, chunk_);
    if (!col.ok()) return {"ERROR: " + col.status().message()};
    EXPECT_EQ((*col)->length, chunk_.num_rows) << text;
    EXPECT_EQ((*col)->type, (*bound)->type) << text;
    return ColumnText(**col);
  }

  TypeId TypeOf(std::string_view text) const {
    auto bound = Bind(text);
    EXPECT_TRUE(bound.ok()) << bound.status().ToString();
    return bound.ok() ? (*bound)->type : TypeId::kString;
  }

  // The binder's message for an expression that must not bind.
  std::string BindError(std::string_view text) const {
    auto bound = Bind(text);
    if (bound.ok()) return "bound";
    EXPECT_EQ(bound.status().code(), StatusCode::kInvalidArgument);
    return bound.status().message();
  }

  const Chunk& chunk() const { return chunk_; }
  const Schema& schema() const { return schema_; }

 private:
  Schema schema_;
  Chunk chunk_;
};

// Four rows of every type, with a NULL in each column.
Evaluator Mixed() {
  Schema schema{{{"i", TypeId::kInt64},
                 {"j", TypeId::kInt64},
                 {"d", TypeId::kDouble},
                 {"s", TypeId::kString},
                 {"b", TypeId::kBool}}};
  Chunk chunk = MakeChunk({
      MakeInt64Column({7, -7, 0, 0}, {1, 1, 1, 0}),
      MakeInt64Column({2, 2, 0, 5}),
      MakeDoubleColumn({1.5, -2.5, 0.0, 0.0}, {1, 1, 1, 0}),
      MakeStringColumn({"12.7", "abc", "", " 3 "}, {1, 1, 0, 1}),
      MakeBoolColumn({1, 0, 0, 1}, {1, 1, 0, 1}),
  });
  return Evaluator(std::move(schema), std::move(chunk));
}

// ---- arithmetic ---------------------------------------------------------------------------

TEST(EvalArithmeticTest, IntegerOperationsStayIntegers) {
  Evaluator ev = Mixed();
  EXPECT_EQ(ev.Eval("i + j"), (Strings{"9", "-5", "0", kNull}));
  EXPECT_EQ(ev.Eval("i - j"), (Strings{"5", "-9", "0", kNull}));
  EXPECT_EQ(ev.Eval("i * 3"), (Strings{"21", "-21", "0", kNull}));
  EXPECT_EQ(ev.Eval("-i"), (Strings{"-7", "7", "0", kNull}));
  EXPECT_EQ(ev.TypeOf("i + j"), TypeId::kInt64);
  EXPECT_EQ(ev.TypeOf("i * 3"), TypeId::kInt64);
}

TEST(EvalArithmeticTest, IntegerDivisionIsFractionalAndDivisionByZeroIsNull) {
  Evaluator ev = Mixed();
  EXPECT_EQ(ev.TypeOf("i / j"), TypeId::kDouble);
  EXPECT_EQ(ev.Eval("i / j"), (Strings{"3.5", "-3.5", kNull, kNull}));
  EXPECT_EQ(ev.Eval("j / 4"), (Strings{"0.5", "0.5", "0.0", "1.25"}));
  EXPECT_EQ(ev.Eval("d / 0"), (Strings{kNull, kNull, kNull, kNull}));
  EXPECT_EQ(ev.Eval("d / 0.0"), (Strings{kNull, kNull, kNull, kNull}));
}

TEST(EvalArithmeticTest, ModuloFollowsTheDividendsSignAndModuloZeroIsNull) {
  Evaluator ev = Mixed();
  EXPECT_EQ(ev.TypeOf("i % j"), TypeId::kInt64);
  EXPECT_EQ(ev.Eval("i % j"), (Strings{"1", "-1", kNull, kNull}));
  EXPECT_EQ(ev.Eval("d % 2"), (Strings{"1.5", "-0.5", "0.0", kNull}));
  EXPECT_EQ(ev.Eval("j % 0"), (Strings{kNull, kNull, kNull, kNull}));
}

// Evaluates INT64_MIN % -1 (which traps in a machine division); exits 0 iff it gives 0.
void ModuloOfTheSmallestIntByMinusOneAndExit() {
  Schema schema{{{"a", TypeId::kInt64}, {"b", TypeId::kInt64}}};
  Evaluator ev(schema, MakeChunk({MakeInt64Column({std::numeric_limits<int64_t>::min(), 7}),
                                  MakeInt64Column({-1, -1})}));
  EXPECT_EQ(ev.Eval("a % b"), (Strings{"0", "0"}));  // as Java's Long.MIN_VALUE % -1
  std::exit(::testing::Test::HasFailure() ? 1 : 0);
}

TEST(EvalArithmeticTest, ModuloOfTheSmallestIntByMinusOneIsZero) {
  // In a child process: a crash (SIGFPE) must fail this test only, not the whole binary.
  GTEST_FLAG_SET(death_test_style, "threadsafe");
  EXPECT_EXIT(ModuloOfTheSmallestIntByMinusOneAndExit(), ::testing::ExitedWithCode(0), "");
}

TEST(EvalArithmeticTest, MixedIntAndDoubleWidensToDouble) {
  Evaluator ev = Mixed();
  EXPECT_EQ(ev.TypeOf("i + d"), TypeId::kDouble);
  EXPECT_EQ(ev.Eval("i + d"), (Strings{"8.5", "-9.5", "0.0", kNull}));
  EXPECT_EQ(ev.Eval("j * 0.5"), (Strings{"1.0", "1.0", "0.0", "2.5"}));
}

TEST(EvalArithmeticTest, StringsInArithmeticAreReadAsDoubles) {
  Evaluator ev = Mixed();
  EXPECT_EQ(ev.TypeOf("s + 1"), TypeId::kDouble);
  // 'abc' is not a number: NULL, as Spark does.
  EXPECT_EQ(ev.Eval("s + 1"), (Strings{"13.7", kNull, kNull, "4.0"}));
}

TEST(EvalArithmeticTest, NullLiteralsTakeTheTypeOfTheOtherOperand) {
  Evaluator ev = Mixed();
  EXPECT_EQ(ev.TypeOf("i + null"), TypeId::kInt64);
  EXPECT_EQ(ev.Eval("i + null"), (Strings{kNull, kNull, kNull, kNull}));
}

// ---- comparison ---------------------------------------------------------------------------

TEST(EvalCompareTest, ComparesNumbersAndPropagatesNull) {
  Evaluator ev = Mixed();
  EXPECT_EQ(ev.Eval("i = 7"), (Strings{"true", "false", "false", kNull}));
  EXPECT_EQ(ev.Eval("i != 7"), (Strings{"false", "true", "true", kNull}));
  EXPECT_EQ(ev.Eval("i < j"), (Strings{"false", "true", "false", kNull}));
  EXPECT_EQ(ev.Eval("i <= 0"), (Strings{"false", "true", "true", kNull}));
  EXPECT_EQ(ev.Eval("d > -3"), (Strings{"true", "true", "true", kNull}));
  EXPECT_EQ(ev.Eval("d >= 1.5"), (Strings{"true", "false", "false", kNull}));
  EXPECT_EQ(ev.Eval("i = d"), (Strings{"false", "false", "true", kNull}));
  EXPECT_EQ(ev.Eval("j = null"), (Strings{kNull, kNull, kNull, kNull}));
}

TEST(EvalCompareTest, StringAgainstNumberComparesAsNumbers) {
  Evaluator ev = Mixed();
  // As text "12.7" < "5"; as numbers 12.7 > 5.
  EXPECT_EQ(ev.Eval("s > 5"), (Strings{"true", kNull, kNull, "false"}));
  EXPECT_EQ(ev.Eval("'10' < 9"), (Strings{"false", "false", "false", "false"}));
  EXPECT_EQ(ev.Eval("3 = s"), (Strings{"false", kNull, kNull, "true"}));
}

TEST(EvalCompareTest, StringAgainstStringComparesAsText) {
  Evaluator ev = Mixed();
  EXPECT_EQ(ev.Eval("'10' < '9'"), (Strings{"true", "true", "true", "true"}));
  EXPECT_EQ(ev.Eval("s = 'abc'"), (Strings{"false", "true", kNull, "false"}));
  EXPECT_EQ(ev.Eval("s >= 'b'"), (Strings{"false", "false", kNull, "false"}));
}

TEST(EvalCompareTest, BoolsCompareWithBools) {
  Evaluator ev = Mixed();
  EXPECT_EQ(ev.Eval("b = true"), (Strings{"true", "false", kNull, "true"}));
  EXPECT_EQ(ev.Eval("b > false"), (Strings{"true", "false", kNull, "true"}));
}

// ---- boolean logic ------------------------------------------------------------------------

// Every pair of (true, false, NULL).
Evaluator TruthTable() {
  Schema schema{{{"p", TypeId::kBool}, {"q", TypeId::kBool}}};
  Chunk chunk = MakeChunk({
      MakeBoolColumn({1, 1, 1, 0, 0, 0, 0, 0, 0}, {1, 1, 1, 1, 1, 1, 0, 0, 0}),
      MakeBoolColumn({1, 0, 0, 1, 0, 0, 1, 0, 0}, {1, 1, 0, 1, 1, 0, 1, 1, 0}),
  });
  return Evaluator(std::move(schema), std::move(chunk));
}

TEST(EvalLogicTest, AndIsThreeValued) {
  Evaluator ev = TruthTable();
  // p:  T     T      T     F      F      F      N     N      N
  // q:  T     F      N     T      F      N      T     F      N
  EXPECT_EQ(ev.Eval("p and q"),
            (Strings{"true", "false", kNull, "false", "false", "false", kNull, "false", kNull}));
}

TEST(EvalLogicTest, OrIsThreeValued) {
  Evaluator ev = TruthTable();
  EXPECT_EQ(ev.Eval("p or q"),
            (Strings{"true", "true", "true", "true", "false", kNull, "true", kNull, kNull}));
}

TEST(EvalLogicTest, NotKeepsNull) {
  Evaluator ev = TruthTable();
  EXPECT_EQ(ev.Eval("not p"),
            (Strings{"false", "false", "false", "true", "true", "true", kNull, kNull, kNull}));
  EXPECT_EQ(ev.Eval("not (p and q)"),
            (Strings{"false", "true", kNull, "true", "true", "true", kNull, "true", kNull}));
}

TEST(EvalLogicTest, NullLiteralsInLogic) {
  Evaluator ev = TruthTable();
  EXPECT_EQ(ev.Eval("p and null"),
            (Strings{kNull, kNull, kNull, "false", "false", "false", kNull, kNull, kNull}));
  EXPECT_EQ(ev.Eval("null or q"),
            (Strings{"true", kNull, kNull, "true", kNull, kNull, "true", kNull, kNull}));
}

TEST(EvalLogicTest, IsNullAndIsNotNullAreNeverNull) {
  Evaluator ev = Mixed();
  EXPECT_EQ(ev.Eval("i is null"), (Strings{"false", "false", "false", "true"}));
  EXPECT_EQ(ev.Eval("s is not null"), (Strings{"true", "true", "false", "true"}));
  EXPECT_EQ(ev.Eval("j is null"), (Strings{"false", "false", "false", "false"}));
  EXPECT_EQ(ev.Eval("(i / j) is null"), (Strings{"false", "false", "true", "true"}));
}

// ---- cast ---------------------------------------------------------------------------------

TEST(EvalCastTest, StringToNumbers) {
  Evaluator ev = Mixed();
  // "12.7" -> 12 (truncated, as Spark); "abc" -> NULL; " 3 " -> 3 (spaces allowed).
  EXPECT_EQ(ev.Eval("cast(s as int64)"), (Strings{"12", kNull, kNull, "3"}));
  EXPECT_EQ(ev.Eval("cast(s as double)"), (Strings{"12.7", kNull, kNull, "3.0"}));
  EXPECT_EQ(ev.Eval("cast('-12.9' as int64)"), (Strings{"-12", "-12", "-12", "-12"}));
  EXPECT_EQ(ev.TypeOf("cast(s as int)"), TypeId::kInt64);
}

TEST(EvalCastTest, StringToBool) {
  Schema schema{{{"t", TypeId::kString}}};
  Evaluator ev(schema, MakeChunk({MakeStringColumn({"true", "FALSE", " True ", "yes", "1", "x"},
                                                   {1, 1, 1, 1, 1, 0})}));
  EXPECT_EQ(ev.Eval("cast(t as bool)"), (Strings{"true", "false", "true", kNull, kNull, kNull}));
}

TEST(EvalCastTest, NumbersAndBoolsToString) {
  Evaluator ev = Mixed();
  EXPECT_EQ(ev.Eval("cast(i as string)"), (Strings{"7", "-7", "0", kNull}));
  EXPECT_EQ(ev.Eval("cast(d as string)"), (Strings{"1.5", "-2.5", "0.0", kNull}));
  EXPECT_EQ(ev.Eval("cast(b as string)"), (Strings{"true", "false", kNull, "true"}));
  EXPECT_EQ(ev.Eval("cast(j / 4 as string)"), (Strings{"0.5", "0.5", "0.0", "1.25"}));
}

TEST(EvalCastTest, BetweenNumbersAndBools) {
  Evaluator ev = Mixed();
  EXPECT_EQ(ev.Eval("cast(i as double)"), (Strings{"7.0", "-7.0", "0.0", kNull}));
  EXPECT_EQ(ev.Eval("cast(d as int64)"), (Strings{"1", "-2", "0", kNull}));  // toward zero
  EXPECT_EQ(ev.Eval("cast(i as bool)"), (Strings{"true", "true", "false", kNull}));
  EXPECT_EQ(ev.Eval("cast(d as bool)"), (Strings{"true", "true", "false", kNull}));
  EXPECT_EQ(ev.Eval("cast(b as int64)"), (Strings{"1", "0", kNull, "1"}));
  EXPECT_EQ(ev.Eval("cast(b as double)"), (Strings{"1.0", "0.0", kNull, "1.0"}));
}

TEST(EvalCastTest, NonFiniteDoubleToIntIsNull) {
  Schema schema{{{"x", TypeId::kDouble}}};
  Evaluator ev(
      schema,
      MakeChunk({MakeDoubleColumn({std::numeric_limits<double>::infinity(), std::nan(""), 2.9})}));
  EXPECT_EQ(ev.Eval("cast(x as int64)"), (Strings{kNull, kNull, "2"}));
}

TEST(EvalCastTest, OutOfRangeDoubleToIntSaturatesAsSpark) {
  // Spark (non-ANSI) casts with Java's double-to-long conversion, which saturates; a plain
  // static_cast is undefined there and gives INT64_MIN for both on x86.
  Schema schema{{{"x", TypeId::kDouble}, {"s", TypeId::kString}}};
  Evaluator ev(schema, MakeChunk({MakeDoubleColumn({1e19, -1e19, 9.3e18}),
                                  MakeStringColumn({"1e19", "-1e300", "12"})}));
  const std::string max = std::to_string(std::numeric_limits<int64_t>::max());
  const std::string min = std::to_string(std::numeric_limits<int64_t>::min());
  EXPECT_EQ(ev.Eval("cast(x as int64)"), (Strings{max, min, max}));
  EXPECT_EQ(ev.Eval("cast(s as int64)"), (Strings{max, min, "12"}));
}

TEST(EvalCastTest, CastToTheSameTypeIsTheColumnItself) {
  Evaluator ev = Mixed();
  auto bound = ev.Bind("cast(i as int64)");
  ASSERT_TRUE(bound.ok());
  EXPECT_EQ((*bound)->kind, BoundExpr::Kind::kColumn);
  EXPECT_EQ(ev.Eval("cast(i as int64)"), (Strings{"7", "-7", "0", kNull}));
}

// ---- functions ----------------------------------------------------------------------------

TEST(EvalFunctionTest, Round) {
  Evaluator ev = Mixed();
  EXPECT_EQ(ev.Eval("round(d)"), (Strings{"2.0", "-3.0", "0.0", kNull}));
  EXPECT_EQ(ev.Eval("round(i / 3, 2)"), (Strings{"2.33", "-2.33", "0.0", kNull}));
  EXPECT_EQ(ev.TypeOf("round(i, -1)"), TypeId::kInt64);
  EXPECT_EQ(ev.Eval("round(i, -1)"), (Strings{"10", "-10", "0", kNull}));
  EXPECT_EQ(ev.Eval("round(s, 0)"), (Strings{"13.0", kNull, kNull, "3.0"}));
  EXPECT_EQ(ev.Eval("round(1.005, 2)"), (Strings{"1.01", "1.01", "1.01", "1.01"}));
}

TEST(EvalFunctionTest, RoundDigitsMustBeAnIntegerLiteral) {
  Evaluator ev = Mixed();
  EXPECT_NE(ev.BindError("round(d, j)").find("integer literal"), std::string::npos);
  EXPECT_NE(ev.BindError("round(d, 1.5)").find("integer literal"), std::string::npos);
}

TEST(EvalFunctionTest, Abs) {
  Evaluator ev = Mixed();
  EXPECT_EQ(ev.Eval("abs(i)"), (Strings{"7", "7", "0", kNull}));
  EXPECT_EQ(ev.Eval("abs(d)"), (Strings{"1.5", "2.5", "0.0", kNull}));
  EXPECT_EQ(ev.TypeOf("abs(i)"), TypeId::kInt64);
}

TEST(EvalFunctionTest, CoalesceTakesTheFirstNonNullWithACommonType) {
  Evaluator ev = Mixed();
  EXPECT_EQ(ev.Eval("coalesce(i, j)"), (Strings{"7", "-7", "0", "5"}));
  EXPECT_EQ(ev.TypeOf("coalesce(i, d)"), TypeId::kDouble);
  EXPECT_EQ(ev.Eval("coalesce(d, i, 9)"), (Strings{"1.5", "-2.5", "0.0", "9.0"}));
  EXPECT_EQ(ev.Eval("coalesce(s, 'none')"), (Strings{"12.7", "abc", "none", " 3 "}));
  EXPECT_EQ(ev.Eval("coalesce(null, i)"), (Strings{"7", "-7", "0", kNull}));
  EXPECT_EQ(ev.Eval("coalesce(null, null)"), (Strings{kNull, kNull, kNull, kNull}));
  EXPECT_EQ(ev.Eval("coalesce(b, false)"), (Strings{"true", "false", "false", "true"}));
}

TEST(EvalFunctionTest, ConcatIsNullWhenAnyArgumentIsNull) {
  Evaluator ev = Mixed();
  EXPECT_EQ(ev.Eval("concat(s, '-', j)"), (Strings{"12.7-2", "abc-2", kNull, " 3 -5"}));
  EXPECT_EQ(ev.Eval("concat(s, i)"), (Strings{"12.77", "abc-7", kNull, kNull}));
  EXPECT_EQ(ev.Eval("s || '!'"), (Strings{"12.7!", "abc!", kNull, " 3 !"}));
  EXPECT_EQ(ev.Eval("concat(d, b)"), (Strings{"1.5true", "-2.5false", kNull, kNull}));
  EXPECT_EQ(ev.Eval("concat('', '')"), (Strings{"", "", "", ""}));
}

Evaluator Texts() {
  Schema schema{{{"t", TypeId::kString}}};
  Chunk chunk = MakeChunk(
      {MakeStringColumn({"Hello", "h\xC3\xA9llo", "\xE6\x97\xA5\xE6\x9C\xAC", "", "  a b  ", "x"},
                        {1, 1, 1, 1, 1, 0})});
  return Evaluator(std::move(schema), std::move(chunk));
}

TEST(EvalFunctionTest, LowerUpper) {
  Evaluator ev = Texts();
  EXPECT_EQ(ev.Eval("lower(t)"),
            (Strings{"hello", "h\xC3\xA9llo", "\xE6\x97\xA5\xE6\x9C\xAC", "", "  a b  ", kNull}));
  EXPECT_EQ(ev.Eval("upper(t)")[0], "HELLO");
  EXPECT_EQ(ev.Eval("upper(t)")[4], "  A B  ");
  EXPECT_EQ(ev.Eval("upper(t)")[5], kNull);
  EXPECT_EQ(ev.Eval("upper(12)")[0], "12");
}

TEST(EvalFunctionTest, LengthCountsUtf8CodePoints) {
  Evaluator ev = Texts();
  EXPECT_EQ(ev.Eval("length(t)"), (Strings{"5", "5", "2", "0", "7", kNull}));
  EXPECT_EQ(ev.TypeOf("length(t)"), TypeId::kInt64);
}

TEST(EvalFunctionTest, TrimRemovesSurroundingSpaces) {
  Evaluator ev = Texts();
  EXPECT_EQ(ev.Eval("trim(t)")[4], "a b");
  EXPECT_EQ(ev.Eval("trim(t)")[0], "Hello");
  EXPECT_EQ(ev.Eval("trim('   ')")[0], "");
  EXPECT_EQ(ev.Eval("trim(t)")[5], kNull);
}

TEST(EvalFunctionTest, SubstrIsOneBasedWithNegativeStartsFromTheEnd) {
  Evaluator ev = Texts();
  auto first = [&](std::string_view text) { return ev.Eval(text)[0]; };
  EXPECT_EQ(first("substr(t, 2)"), "ello");
  EXPECT_EQ(first("substr(t, 2, 3)"), "ell");
  EXPECT_EQ(first("substr(t, 1, 1)"), "H");
  EXPECT_EQ(first("substr(t, 0)"), "Hello");  // 0 behaves as 1
  EXPECT_EQ(first("substr(t, -3)"), "llo");
  EXPECT_EQ(first("substr(t, -3, 2)"), "ll");
  EXPECT_EQ(first("substr(t, 10)"), "");
  EXPECT_EQ(first("substr(t, 2, 0)"), "");
  EXPECT_EQ(first("substr(t, 2, -1)"), "");
  EXPECT_EQ(first("substr(t, 4, 100)"), "lo");
  EXPECT_EQ(ev.Eval("substr(t, 2)")[5], kNull);
  EXPECT_EQ(first("substr(t, null)"), kNull);
}

TEST(EvalFunctionTest, SubstrWithAStartBeforeTheBeginningCountsFromThere) {
  // Spark: substr('Hello', -7, 3) starts 2 characters before the string and takes 3, so
  // only "H" is left; substr('Hello', -10, 4) ends before the first character.
  Evaluator ev = Texts();
  EXPECT_EQ(ev.Eval("substr(t, -7, 3)")[0], "H");
  EXPECT_EQ(ev.Eval("substr(t, -10, 4)")[0], "");
}

TEST(EvalFunctionTest, SubstrCountsUtf8CodePointsLikeLength) {
  Evaluator ev = Texts();
  EXPECT_EQ(ev.Eval("substr(t, 2, 3)")[1], "\xC3\xA9ll");  // "éll"
  EXPECT_EQ(ev.Eval("substr(t, -1)")[2], "\xE6\x9C\xAC");  // last of "日本"
  EXPECT_EQ(ev.Eval("substr(t, 2)")[2], "\xE6\x9C\xAC");
}

TEST(EvalFunctionTest, IfPicksThenOrElseAndTreatsNullConditionAsFalse) {
  Evaluator ev = Mixed();
  EXPECT_EQ(ev.Eval("if(b, i, j)"), (Strings{"7", "2", "0", kNull}));
  EXPECT_EQ(ev.TypeOf("if(b, i, d)"), TypeId::kDouble);
  EXPECT_EQ(ev.Eval("if(b, j, d)"), (Strings{"2.0", "-2.5", "0.0", "5.0"}));
  EXPECT_EQ(ev.Eval("if(j > 1, 'big', null)"), (Strings{"big", "big", kNull, "big"}));
  EXPECT_EQ(ev.Eval("if(i > 0, 'pos', 'other')"), (Strings{"pos", "other", "other", "other"}));
}

// ---- dictionary-encoded strings -----------------------------------------------------------

TEST(EvalDictionaryTest, DictionaryColumnsWorkEverywhereStringsDo) {
  auto dict = std::make_shared<Dictionary>();
  Schema schema{{{"k", TypeId::kString}, {"p", TypeId::kString}, {"n", TypeId::kString}}};
  Chunk chunk = MakeChunk({
      MakeDictColumn({"b", "a", "", "b", "A"}, {1, 1, 0, 1, 1}, dict),
      MakeStringColumn({"b", "x", "y", "", "A"}, {1, 1, 1, 0, 1}),
      MakeDictColumn({"12.5", "x", "3", "", "-1"}, {1, 1, 1, 0, 1}),
  });
  Evaluator ev(schema, chunk);
  EXPECT_EQ(ev.Eval("k = p"), (Strings{"true", "false", kNull, kNull, "true"}));
  EXPECT_EQ(ev.Eval("k < 'b'"), (Strings{"false", "true", kNull, "false", "true"}));
  EXPECT_EQ(ev.Eval("upper(k)"), (Strings{"B", "A", kNull, "B", "A"}));
  EXPECT_EQ(ev.Eval("lower(k)"), (Strings{"b", "a", kNull, "b", "a"}));
  EXPECT_EQ(ev.Eval("length(k)"), (Strings{"1", "1", kNull, "1", "1"}));
  EXPECT_EQ(ev.Eval("k || p"), (Strings{"bb", "ax", kNull, kNull, "AA"}));
  EXPECT_EQ(ev.Eval("coalesce(k, p)"), (Strings{"b", "a", "y", "b", "A"}));
  EXPECT_EQ(ev.Eval("if(k = 'b', k, p)"), (Strings{"b", "x", "y", "b", "A"}));
  EXPECT_EQ(ev.Eval("substr(k, 1, 1)"), (Strings{"b", "a", kNull, "b", "A"}));
  EXPECT_EQ(ev.Eval("cast(n as int64)"), (Strings{"12", kNull, "3", kNull, "-1"}));
  EXPECT_EQ(ev.Eval("n * 2"), (Strings{"25.0", kNull, "6.0", kNull, "-2.0"}));
  EXPECT_EQ(ev.Eval("n > 2"), (Strings{"true", kNull, "true", kNull, "false"}));
  EXPECT_EQ(ev.Eval("k is null"), (Strings{"false", "false", "true", "false", "false"}));
}

// ---- binder -------------------------------------------------------------------------------

TEST(BindExprTest, UnknownColumnNamesThePositionAndListsTheColumns) {
  Evaluator ev = Mixed();
  std::string msg = ev.BindError("j + nope");
  EXPECT_NE(msg.find("job.yml:4:15"), std::string::npos) << msg;
  EXPECT_NE(msg.find("unknown column 'nope'"), std::string::npos) << msg;
  EXPECT_NE(msg.find("i, j, d, s, b"), std::string::npos) << msg;
}

TEST(BindExprTest, ColumnNamesAreCaseSensitive) {
  Evaluator ev = Mixed();
  EXPECT_NE(ev.BindError("I + 1").find("unknown column 'I'"), std::string::npos);
}

TEST(BindExprTest, UnknownFunctionIsAnError) {
  Evaluator ev = Mixed();
  SourcePos pos{"job.yml", 7, 3};
  auto e = Call("frobnicate", {ColumnRef("i")}, pos);
  auto r = BindExpr(*e, ev.schema());
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().code(), StatusCode::kInvalidArgument);
  EXPECT_NE(r.status().message().find("job.yml:7:3"), std::string::npos) << r.status().message();
  EXPECT_NE(r.status().message().find("unknown function 'frobnicate'"), std::string::npos);
}

TEST(BindExprTest, WrongNumberOfArgumentsIsAnError) {
  Evaluator ev = Mixed();
  for (auto e : {Call("abs", {ColumnRef("i"), ColumnRef("j")}, {"job.yml", 2, 5}),
                 Call("if", {ColumnRef("b"), ColumnRef("i")}, {"job.yml", 2, 5}),
                 Call("substr", {ColumnRef("s")}, {"job.yml", 2, 5}),
                 Call("coalesce", {}, {"job.yml", 2, 5})}) {
    auto r = BindExpr(*e, ev.schema());
    ASSERT_FALSE(r.ok()) << e->name;
    EXPECT_NE(r.status().message().find("wrong number of arguments to " + e->name),
              std::string::npos)
        << r.status().message();
    EXPECT_NE(r.status().message().find("job.yml:2:5"), std::string::npos);
  }
}

TEST(BindExprTest, BoolsAreNotNumbers) {
  Evaluator ev = Mixed();
  std::string msg = ev.BindError("b + 1");
  EXPECT_NE(msg.find("expected numbers, found a bool"), std::string::npos) << msg;
  EXPECT_NE(msg.find("job.yml:4:"), std::string::npos) << msg;
  EXPECT_NE(msg.find("'b + 1'"), std::string::npos) << msg;  // quotes the source text
  EXPECT_NE(ev.BindError("-b").find("found a bool"), std::string::npos);
  EXPECT_NE(ev.BindError("abs(b)").find("found a bool"), std::string::npos);
}

TEST(BindExprTest, LogicNeedsBools) {
  Evaluator ev = Mixed();
  EXPECT_NE(ev.BindError("i and b").find("expected a bool operand, found int64"),
            std::string::npos);
  EXPECT_NE(ev.BindError("not s").find("expected a bool operand, found string"), std::string::npos);
  EXPECT_NE(ev.BindError("if(i, 1, 2)").find("bool"), std::string::npos);
}

TEST(BindExprTest, BoolsDoNotCompareWithNumbers) {
  Evaluator ev = Mixed();
  EXPECT_NE(ev.BindError("b = 1").find("cannot compare bool with int64"), std::string::npos);
}

TEST(BindExprTest, LiteralsAreTyped) {
  Evaluator ev = Mixed();
  EXPECT_EQ(ev.TypeOf("1"), TypeId::kInt64);
  EXPECT_EQ(ev.TypeOf("1.5"), TypeId::kDouble);
  EXPECT_EQ(ev.TypeOf("'x'"), TypeId::kString);
  EXPECT_EQ(ev.TypeOf("true"), TypeId::kBool);
  EXPECT_EQ(ev.Eval("'x'"), (Strings{"x", "x", "x", "x"}));
  EXPECT_EQ(ev.Eval("null"), (Strings{kNull, kNull, kNull, kNull}));
}

TEST(BindExprTest, HandBuiltTreesBindLikeParsedOnes) {
  Evaluator ev = Mixed();
  auto e = Call("+", {ColumnRef("i"), CastTo(ColumnRef("s"), TypeId::kInt64)});
  auto bound = BindExpr(*e, ev.schema());
  ASSERT_TRUE(bound.ok()) << bound.status().ToString();
  EXPECT_EQ((*bound)->type, TypeId::kInt64);
  auto col = Evaluate(**bound, ev.chunk());
  ASSERT_TRUE(col.ok());
  EXPECT_EQ(ColumnText(**col), (Strings{"19", "<null>", "<null>", "<null>"}));
  auto lit = BindExpr(*Literal(int64_t{4}), ev.schema());
  ASSERT_TRUE(lit.ok());
  EXPECT_EQ((*lit)->type, TypeId::kInt64);
}

}  // namespace
}  // namespace sluice::engine
