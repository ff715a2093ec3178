#include "engine/expr_parser.h"

#include <gtest/gtest.h>

namespace sluice::engine {
namespace {

const OffsetToPos kPos = LinePositions("job.yml", 1, 1);

// A canonical rendering: columns by name, literals typed, calls as (name args...).
std::string Show(const Expr& e) {
  switch (e.kind) {
    case Expr::Kind::kColumn:
      return e.name;
    case Expr::Kind::kLiteral:
      if (std::holds_alternative<std::monostate>(e.literal)) return "NULL";
      if (auto* b = std::get_if<bool>(&e.literal)) return *b ? "TRUE" : "FALSE";
      if (auto* i = std::get_if<int64_t>(&e.literal)) return "i" + std::to_string(*i);
      if (auto* d = std::get_if<double>(&e.literal)) return "d" + std::to_string(*d);
      return "'" + std::get<std::string>(e.literal) + "'";
    case Expr::Kind::kCall: {
      std::string out = "(" + e.name;
      for (const auto& a : e.args) out += " " + Show(*a);
      if (e.name == "cast") out += " " + std::string(TypeName(e.cast_to));
      return out + ")";
    }
  }
  return "?";
}

std::string Parse(std::string_view text, bool aggregates = false) {
  ExprParseOptions options;
  options.allow_aggregates = aggregates;
  auto r = ParseExpr(text, kPos, options);
  if (!r.ok()) return "ERROR " + r.status().message();
  return Show(**r);
}

std::string Error(std::string_view text, bool aggregates = false) {
  ExprParseOptions options;
  options.allow_aggregates = aggregates;
  auto r = ParseExpr(text, kPos, options);
  if (r.ok()) return "parsed as " + Show(**r);
  EXPECT_EQ(r.status().code(), StatusCode::kParseError);
  return r.status().message();
}

TEST(ExprParserTest, ArithmeticPrecedenceAndAssociativity) {
  EXPECT_EQ(Parse("a + b * c"), "(+ a (* b c))");
  EXPECT_EQ(Parse("a * b + c"), "(+ (* a b) c)");
  EXPECT_EQ(Parse("a - b - c"), "(- (- a b) c)");
  EXPECT_EQ(Parse("a / b % c"), "(% (/ a b) c)");
  EXPECT_EQ(Parse("(a + b) * c"), "(* (+ a b) c)");
  EXPECT_EQ(Parse("-a * b"), "(* (neg a) b)");
  EXPECT_EQ(Parse("- - a"), "(neg (neg a))");
  EXPECT_EQ(Parse("a - -b"), "(- a (neg b))");
}

TEST(ExprParserTest, ConcatSitsBetweenComparisonAndArithmetic) {
  EXPECT_EQ(Parse("a || b + c"), "(concat a (+ b c))");
  EXPECT_EQ(Parse("a = b || c"), "(= a (concat b c))");
  EXPECT_EQ(Parse("a || b || c"), "(concat (concat a b) c)");
}

TEST(ExprParserTest, BooleanPrecedence) {
  EXPECT_EQ(Parse("a or b and c"), "(or a (and b c))");
  EXPECT_EQ(Parse("a and b or c"), "(or (and a b) c)");
  EXPECT_EQ(Parse("not a = b and c or d"), "(or (and (not (= a b)) c) d)");
  EXPECT_EQ(Parse("NOT not x"), "(not (not x))");
  EXPECT_EQ(Parse("a < 1 + 2 AND b >= c * 2"), "(and (< a (+ i1 i2)) (>= b (* c i2)))");
}

TEST(ExprParserTest, EveryOperatorName) {
  EXPECT_EQ(Parse("a = b"), "(= a b)");
  EXPECT_EQ(Parse("a == b"), "(= a b)");
  EXPECT_EQ(Parse("a != b"), "(!= a b)");
  EXPECT_EQ(Parse("a <> b"), "(!= a b)");
  EXPECT_EQ(Parse("a < b"), "(< a b)");
  EXPECT_EQ(Parse("a <= b"), "(<= a b)");
  EXPECT_EQ(Parse("a > b"), "(> a b)");
  EXPECT_EQ(Parse("a >= b"), "(>= a b)");
  EXPECT_EQ(Parse("a+b"), "(+ a b)");
  EXPECT_EQ(Parse("a-b"), "(- a b)");
  EXPECT_EQ(Parse("a*b"), "(* a b)");
  EXPECT_EQ(Parse("a/b"), "(/ a b)");
  EXPECT_EQ(Parse("a%b"), "(% a b)");
  EXPECT_EQ(Parse("a||b"), "(concat a b)");
  EXPECT_EQ(Parse("a AND b"), "(and a b)");
  EXPECT_EQ(Parse("a Or b"), "(or a b)");
  EXPECT_EQ(Parse("not a"), "(not a)");
  EXPECT_EQ(Parse("-a"), "(neg a)");
  EXPECT_EQ(Parse("a is null"), "(is_null a)");
  EXPECT_EQ(Parse("a IS NOT NULL"), "(is_not_null a)");
  EXPECT_EQ(Parse("a is null and b is not null"), "(and (is_null a) (is_not_null b))");
  EXPECT_EQ(Parse("a + 1 is null"), "(is_null (+ a i1))");
}

TEST(ExprParserTest, Literals) {
  EXPECT_EQ(Parse("42"), "i42");
  EXPECT_EQ(Parse("-42"), "i-42");
  EXPECT_EQ(Parse("1.5"), "d1.500000");
  EXPECT_EQ(Parse(".5"), "d0.500000");
  EXPECT_EQ(Parse("1e3"), "d1000.000000");
  EXPECT_EQ(Parse("-2.5E-1"), "d-0.250000");
  EXPECT_EQ(Parse("'it''s'"), "'it's'");
  EXPECT_EQ(Parse("''"), "''");
  EXPECT_EQ(Parse("true"), "TRUE");
  EXPECT_EQ(Parse("FALSE"), "FALSE");
  EXPECT_EQ(Parse("Null"), "NULL");
  EXPECT_EQ(Parse("9223372036854775807"), "i9223372036854775807");
}

TEST(ExprParserTest, Identifiers) {
  EXPECT_EQ(Parse("jobId"), "jobId");
  EXPECT_EQ(Parse("`odd name`"), "odd name");
  EXPECT_EQ(Parse("`a``b`"), "a`b");
  EXPECT_EQ(Parse("`and` and `or`"), "(and and or)");
  EXPECT_EQ(Parse("_x9"), "_x9");
}

TEST(ExprParserTest, EveryFunctionName) {
  EXPECT_EQ(Parse("round(x)"), "(round x)");
  EXPECT_EQ(Parse("ROUND(x, 2)"), "(round x i2)");
  EXPECT_EQ(Parse("abs(x)"), "(abs x)");
  EXPECT_EQ(Parse("coalesce(a, b, 'z')"), "(coalesce a b 'z')");
  EXPECT_EQ(Parse("concat(a, '-', b)"), "(concat a '-' b)");
  EXPECT_EQ(Parse("lower(a)"), "(lower a)");
  EXPECT_EQ(Parse("Upper(a)"), "(upper a)");
  EXPECT_EQ(Parse("length(a)"), "(length a)");
  EXPECT_EQ(Parse("trim(a)"), "(trim a)");
  EXPECT_EQ(Parse("substr(a, 1)"), "(substr a i1)");
  EXPECT_EQ(Parse("substr(a, 1, 3)"), "(substr a i1 i3)");
  EXPECT_EQ(Parse("if(a > 1, 'big', 'small')"), "(if (> a i1) 'big' 'small')");
  EXPECT_EQ(Parse("cast(x as int)"), "(cast x int64)");
  EXPECT_EQ(Parse("CAST(a + 1 AS double)"), "(cast (+ a i1) double)");
  EXPECT_EQ(Parse("cast(x as string) || 'k'"), "(concat (cast x string) 'k')");
}

TEST(ExprParserTest, AggregatesOnlyWhereAllowed) {
  EXPECT_EQ(Parse("round(avg(salary), 4)", true), "(round (avg salary) i4)");
  EXPECT_EQ(Parse("count(*)", true), "(count)");
  EXPECT_EQ(Parse("COUNT(x)", true), "(count x)");
  EXPECT_EQ(Parse("sum(a) / count(*)", true), "(/ (sum a) (count))");
  EXPECT_EQ(Parse("mean(a) + min(b) - max(c)", true), "(- (+ (mean a) (min b)) (max c))");
  EXPECT_EQ(Error("1 + avg(salary)"),
            "job.yml:1:5: aggregate function 'avg' is only allowed in the values of an "
            "aggregate step");
  EXPECT_EQ(Error("sum(avg(x))", true),
            "job.yml:1:5: aggregate functions cannot be nested ('avg' inside another "
            "aggregate)");
  EXPECT_EQ(Error("sum(*)", true), "job.yml:1:5: only count takes '*'; sum takes 1 argument");
  EXPECT_EQ(Error("count()", true), "job.yml:1:1: count takes 1 argument or *, found 0");
}

TEST(ExprParserTest, TextAndPositionsOfSubexpressions) {
  auto r = ParseExpr("round(avg(salary), 4)", LinePositions("job.yml", 20, 31),
                     {.allow_aggregates = true});
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  const Expr& e = **r;
  EXPECT_EQ(e.text, "round(avg(salary), 4)");
  EXPECT_EQ(e.pos.ToString(), "job.yml:20:31");
  EXPECT_EQ(e.args[0]->text, "avg(salary)");
  EXPECT_EQ(e.args[0]->pos.ToString(), "job.yml:20:37");
  EXPECT_EQ(e.args[0]->args[0]->pos.ToString(), "job.yml:20:41");
  EXPECT_EQ(e.args[1]->text, "4");

  auto b = ParseExpr("(a + b) * c", kPos);
  ASSERT_TRUE(b.ok());
  EXPECT_EQ((*b)->text, "(a + b) * c");
  EXPECT_EQ((*b)->pos.column, 9);  // the operator
  EXPECT_EQ((*b)->args[0]->text, "a + b");
}

TEST(ExprParserTest, ErrorsSayWhereAndWhatWasExpected) {
  EXPECT_EQ(Error("a +"), "job.yml:1:4: expected an expression, found the end of the expression");
  EXPECT_EQ(Error("a + )"), "job.yml:1:5: expected an expression, found ')'");
  EXPECT_EQ(Error("(a + b"),
            "job.yml:1:7: expected ')' to close the '(' at column 1, found the end of the "
            "expression");
  EXPECT_EQ(Error("a b"),
            "job.yml:1:3: expected an operator or the end of the expression, found 'b'");
  EXPECT_EQ(Error("a < b < c"),
            "job.yml:1:7: comparisons cannot be chained: combine them with 'and'");
  EXPECT_EQ(Error("x is 5"), "job.yml:1:6: expected 'null' or 'not null' after 'is', found '5'");
  EXPECT_EQ(Error("x is not 5"), "job.yml:1:10: expected 'null' after 'is', found '5'");
  EXPECT_EQ(Error("'abc"), "job.yml:1:1: unclosed string: expected a closing '");
  EXPECT_EQ(Error("`abc"), "job.yml:1:1: unclosed `quoted name`: expected a closing `");
  EXPECT_EQ(Error("a = \"x\""),
            "job.yml:1:5: unexpected '\"': write strings in 'single quotes' and odd column "
            "names in `backquotes`");
  EXPECT_EQ(Error("a $ b"), "job.yml:1:3: unexpected character '$'");
  EXPECT_EQ(Error("a ! b"), "job.yml:1:3: unexpected character '!'");
  EXPECT_EQ(Error("foo(a)").substr(0, 41), "job.yml:1:1: unknown function 'foo' (expe");
  EXPECT_EQ(Error("round(a, 1, 2)"), "job.yml:1:1: round takes 1 or 2 arguments, found 3");
  EXPECT_EQ(Error("abs()"), "job.yml:1:1: abs takes 1 argument, found 0");
  EXPECT_EQ(Error("coalesce()"), "job.yml:1:1: coalesce takes at least 1 argument, found 0");
  EXPECT_EQ(Error("if(a, b)"), "job.yml:1:1: if takes 3 arguments, found 2");
  EXPECT_EQ(Error("round(a 2)"),
            "job.yml:1:9: expected ',' or ')' after an argument of round, found '2'");
  EXPECT_EQ(Error("cast(x int64)"), "job.yml:1:8: expected 'as' in cast(x as type), found 'int64'");
  EXPECT_EQ(Error("cast(x as blob)"),
            "job.yml:1:11: unknown type 'blob' (expected string, int64, double or bool)");
  EXPECT_EQ(Error("cast(x as int"),
            "job.yml:1:14: expected ')' after the type of cast, found the end of the "
            "expression");
  EXPECT_EQ(Error("a and"), "job.yml:1:6: expected an expression, found the end of the expression");
  EXPECT_EQ(Error("and"),
            "job.yml:1:1: expected an expression, found 'and' (a column with that name must be "
            "written `and`)");
  EXPECT_EQ(Error(""), "job.yml:1:1: expected an expression, found the end of the expression");
  EXPECT_EQ(Error("99999999999999999999"),
            "job.yml:1:1: number '99999999999999999999' is out of range for int64");
}

TEST(ExprParserTest, SortKeys) {
  auto k = ParseSortKey("average_salary desc", kPos);
  ASSERT_TRUE(k.ok());
  EXPECT_EQ(Show(*k->expr), "average_salary");
  EXPECT_TRUE(k->descending);
  EXPECT_FALSE(k->nulls_first);

  k = ParseSortKey("companyId", kPos);
  ASSERT_TRUE(k.ok());
  EXPECT_FALSE(k->descending);
  EXPECT_FALSE(k->nulls_first);

  k = ParseSortKey("a + b ASC NULLS FIRST", kPos);
  ASSERT_TRUE(k.ok());
  EXPECT_EQ(Show(*k->expr), "(+ a b)");
  EXPECT_FALSE(k->descending);
  EXPECT_TRUE(k->nulls_first);

  k = ParseSortKey("x desc nulls last", kPos);
  ASSERT_TRUE(k.ok());
  EXPECT_TRUE(k->descending);
  EXPECT_FALSE(k->nulls_first);

  k = ParseSortKey("x nulls first", kPos);
  ASSERT_TRUE(k.ok());
  EXPECT_TRUE(k->nulls_first);

  k = ParseSortKey("x descending", kPos);
  ASSERT_FALSE(k.ok());
  EXPECT_EQ(k.status().message(),
            "job.yml:1:3: expected asc, desc, nulls first, nulls last or the end of the key, "
            "found 'descending'");
  k = ParseSortKey("x nulls", kPos);
  ASSERT_FALSE(k.ok());
  EXPECT_EQ(k.status().message(),
            "job.yml:1:8: expected 'first' or 'last' after 'nulls', found the end of the "
            "expression");
}

TEST(ExprTest, CollectColumnsInOrderWithoutRepeats) {
  auto r = ParseExpr("if(b > a, concat(c, b), `d e`) || 'a'", kPos);
  ASSERT_TRUE(r.ok());
  std::vector<std::string> cols;
  CollectColumns(**r, &cols);
  EXPECT_EQ(cols, (std::vector<std::string>{"b", "a", "c", "d e"}));
}

TEST(ExprTest, FactoriesSetKindNameAndText) {
  ExprPtr e = Call("+", {ColumnRef("a"), Literal(int64_t{1})});
  EXPECT_EQ(e->kind, Expr::Kind::kCall);
  EXPECT_EQ(e->text, "+(a, 1)");
  ExprPtr c = CastTo(ColumnRef("a"), TypeId::kDouble);
  EXPECT_EQ(c->name, "cast");
  EXPECT_EQ(c->cast_to, TypeId::kDouble);
  EXPECT_EQ(c->text, "cast(a as double)");
  EXPECT_EQ(Literal(std::string("it's"))->text, "'it''s'");
  EXPECT_EQ(Literal(Value{})->text, "null");
}

TEST(ExprTest, SourcePosToString) {
  EXPECT_EQ((SourcePos{"job.yml", 12, 7}).ToString(), "job.yml:12:7");
  EXPECT_EQ((SourcePos{"job.yml", 12, 0}).ToString(), "job.yml:12");
  EXPECT_EQ((SourcePos{"job.yml", 0, 0}).ToString(), "job.yml");
}

}  // namespace
}  // namespace sluice::engine
