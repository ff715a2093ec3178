// {{ name }} substitution in job-spec strings, keeping for every output byte the offset of the
// input byte it came from, so that an error found later in the substituted text (a bad
// expression) still points at the right column of the spec.
#pragma once

#include <cstddef>
#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "common/status.h"
#include "engine/spec_source.h"

namespace sluice::engine {

struct TemplateText {
  std::string text;  // after substitution
  // origin[i]: offset in the template of the byte text[i] came from (a substituted value's
  // bytes all map to its '{{'); origin[text.size()] is the template's size.
  std::vector<size_t> origin;
};

// Replaces each {{ name }} (spaces optional) by vars[name]. A name missing from `vars`,
// an empty or malformed {{ }} and an unclosed '{{' are ParseErrors at `pos(offset)`.
Result<TemplateText> ExpandTemplate(std::string_view tmpl,
                                    const std::map<std::string, std::string>& vars,
                                    const OffsetToPos& pos);

// The names inside every well-formed {{ name }} of `text`, in order of appearance.
std::vector<std::string> TemplateNames(std::string_view text);

// True for [A-Za-z_][A-Za-z0-9_]*: variable names, and what {{ }} may contain.
bool IsIdentifier(std::string_view name);

}  // namespace sluice::engine
