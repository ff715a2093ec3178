#include "engine/template.h"

#include <cctype>

namespace sluice::engine {

namespace {

bool IsSpace(char c) { return c == ' ' || c == '\t'; }

void Append(TemplateText* out, std::string_view s, size_t origin_first, bool same_origin) {
  for (size_t k = 0; k < s.size(); ++k) {
    out->text.push_back(s[k]);
    out->origin.push_back(same_origin ? origin_first : origin_first + k);
  }
}

}  // namespace

bool IsIdentifier(std::string_view name) {
  if (name.empty()) return false;
  auto head = static_cast<unsigned char>(name[0]);
  if (!std::isalpha(head) && head != '_') return false;
  for (char c : name) {
    auto u = static_cast<unsigned char>(c);
    if (!std::isalnum(u) && u != '_') return false;
  }
  return true;
}

Result<TemplateText> ExpandTemplate(std::string_view tmpl,
                                    const std::map<std::string, std::string>& vars,
                                    const OffsetToPos& pos) {
  TemplateText out;
  size_t i = 0;
  while (i < tmpl.size()) {
    size_t open = tmpl.find("{{", i);
    if (open == std::string_view::npos) break;
    Append(&out, tmpl.substr(i, open - i), i, false);
    size_t close = tmpl.find("}}", open + 2);
    if (close == std::string_view::npos) {
      return ErrorAt(pos(open), "unclosed '{{' (expected '{{ name }}')");
    }
    size_t b = open + 2, e = close;
    while (b < e && IsSpace(tmpl[b])) ++b;
    while (e > b && IsSpace(tmpl[e - 1])) --e;
    std::string name(tmpl.substr(b, e - b));
    if (!IsIdentifier(name)) {
      return ErrorAt(pos(open), "expected a variable name inside '{{ }}', found '" +
                                    std::string(tmpl.substr(open, close + 2 - open)) + "'");
    }
    auto it = vars.find(name);
    if (it == vars.end()) {
      return ErrorAt(pos(open), "unknown variable '" + name + "' (pass --var " + name + "=...)");
    }
    Append(&out, it->second, open, true);
    i = close + 2;
  }
  if (i < tmpl.size()) Append(&out, tmpl.substr(i), i, false);
  out.origin.push_back(tmpl.size());
  return out;
}

std::vector<std::string> TemplateNames(std::string_view text) {
  std::vector<std::string> names;
  for (size_t open = text.find("{{"); open != std::string_view::npos;
       open = text.find("{{", open + 2)) {
    size_t close = text.find("}}", open + 2);
    if (close == std::string_view::npos) break;
    std::string_view inner = text.substr(open + 2, close - open - 2);
    while (!inner.empty() && inner.front() == ' ') inner.remove_prefix(1);
    while (!inner.empty() && inner.back() == ' ') inner.remove_suffix(1);
    if (IsIdentifier(inner)) names.emplace_back(inner);
  }
  return names;
}

}  // namespace sluice::engine
