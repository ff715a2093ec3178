#include "engine/template.h"

#include <gtest/gtest.h>

#include "engine/expr_parser.h"

namespace sluice::engine {
namespace {

const OffsetToPos kPos = LinePositions("job.yml", 3, 10);

TEST(TemplateTest, SubstitutesVariablesWithOrWithoutSpaces) {
  std::map<std::string, std::string> vars = {{"data", "/d"}, {"f", "jobType"}};
  auto r = ExpandTemplate("{{ data }}/x_{{f}}_{{  f  }}.csv", vars, kPos);
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_EQ(r->text, "/d/x_jobType_jobType.csv");
}

TEST(TemplateTest, TextWithoutTemplatesIsUnchanged) {
  auto r = ExpandTemplate("plain } { text }}", {}, kPos);
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->text, "plain } { text }}");
  ASSERT_EQ(r->origin.size(), r->text.size() + 1);
  EXPECT_EQ(r->origin[6], 6u);
}

TEST(TemplateTest, OriginMapsOutputBytesBackToTheTemplate) {
  auto r = ExpandTemplate("ab{{ v }}cd", {{"v", "XYZ"}}, kPos);
  ASSERT_TRUE(r.ok());
  ASSERT_EQ(r->text, "abXYZcd");
  EXPECT_EQ(r->origin[0], 0u);
  EXPECT_EQ(r->origin[1], 1u);
  EXPECT_EQ(r->origin[2], 2u);  // every substituted byte maps to its '{{'
  EXPECT_EQ(r->origin[4], 2u);
  EXPECT_EQ(r->origin[5], 9u);   // 'c'
  EXPECT_EQ(r->origin[7], 11u);  // the end
}

TEST(TemplateTest, UnknownVariableNamesItAndItsPosition) {
  auto r = ExpandTemplate("x/{{ data }}", {{"other", "1"}}, kPos);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().code(), StatusCode::kParseError);
  EXPECT_EQ(r.status().message(), "job.yml:3:12: unknown variable 'data' (pass --var data=...)");
}

TEST(TemplateTest, UnclosedAndEmptyTemplatesAreErrors) {
  auto unclosed = ExpandTemplate("a {{ data", {{"data", "1"}}, kPos);
  ASSERT_FALSE(unclosed.ok());
  EXPECT_EQ(unclosed.status().message(), "job.yml:3:12: unclosed '{{' (expected '{{ name }}')");

  auto empty = ExpandTemplate("{{ }}", {}, kPos);
  ASSERT_FALSE(empty.ok());
  EXPECT_EQ(empty.status().message(),
            "job.yml:3:10: expected a variable name inside '{{ }}', found '{{ }}'");

  auto dotted = ExpandTemplate("{{ params.x }}", {}, kPos);
  ASSERT_FALSE(dotted.ok());
  EXPECT_NE(dotted.status().message().find("expected a variable name"), std::string::npos);
}

TEST(TemplateTest, SubstitutedValuesAreNotExpandedAgain) {
  auto r = ExpandTemplate("{{ a }}", {{"a", "{{ b }}"}}, kPos);
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->text, "{{ b }}");
}

TEST(TemplateTest, IsIdentifier) {
  EXPECT_TRUE(IsIdentifier("data"));
  EXPECT_TRUE(IsIdentifier("_x9"));
  EXPECT_FALSE(IsIdentifier(""));
  EXPECT_FALSE(IsIdentifier("9x"));
  EXPECT_FALSE(IsIdentifier("a.b"));
  EXPECT_FALSE(IsIdentifier("a-b"));
}

}  // namespace
}  // namespace sluice::engine
