// The parsed form of a task template: literal text and {{ expr }} expressions, with byte
// offsets into the template for messages. The grammar is in task_template.h. Private to
// the templating files.
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "orchestrator/task_template.h"

namespace sluice::orchestrator {

struct TemplateExpr;
using TemplateExprPtr = std::unique_ptr<TemplateExpr>;

// `.field` (when `index` is null) or `[index]`.
struct TemplateAccessor {
  std::string field;
  TemplateExprPtr index;
  size_t end = 0;  // just past the accessor
};

struct TemplateExpr {
  enum class Kind { kName, kString, kInteger, kXCom };
  Kind kind = Kind::kName;
  std::string text;  // the name, or the string literal's value
  int64_t integer = 0;
  TemplateExprPtr xcom_task;
  TemplateExprPtr xcom_key;  // null means "return_value"
  std::vector<TemplateAccessor> accessors;
  size_t begin = 0;
  size_t primary_end = 0;  // just past the name, literal or call
};

// Literal text followed by one {{ }} (`expr` is null for the trailing text).
struct TemplateSegment {
  std::string literal;
  TemplateExprPtr expr;
  size_t begin = 0;  // of "{{"
  size_t end = 0;    // just past "}}"
};

using ParsedTemplate = std::vector<TemplateSegment>;

std::variant<ParsedTemplate, TemplateIssue> ParseTemplate(std::string_view text);

}  // namespace sluice::orchestrator
