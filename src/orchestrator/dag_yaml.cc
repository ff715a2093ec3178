#include "orchestrator/dag_yaml.h"

#include <algorithm>
#include <cctype>
#include <charconv>
#include <cstdlib>

namespace sluice::orchestrator {

namespace {

using nlohmann::json;

bool IsDigits(std::string_view s) {
  return !s.empty() && std::all_of(s.begin(), s.end(), [](char c) { return c >= '0' && c <= '9'; });
}

std::string_view WithoutSign(std::string_view s) {
  if (!s.empty() && (s[0] == '-' || s[0] == '+')) s.remove_prefix(1);
  return s;
}

// [-+]? ( \.[0-9]+ | [0-9]+ ( \. [0-9]* )? ) ( [eE] [-+]? [0-9]+ )?
bool IsFloat(std::string_view s) {
  s = WithoutSign(s);
  size_t e = s.find_first_of("eE");
  std::string_view mantissa = s.substr(0, e);
  if (e != std::string_view::npos && !IsDigits(WithoutSign(s.substr(e + 1)))) return false;
  size_t dot = mantissa.find('.');
  if (dot == std::string_view::npos) return IsDigits(mantissa);
  std::string_view whole = mantissa.substr(0, dot);
  std::string_view frac = mantissa.substr(dot + 1);
  if (whole.empty()) return IsDigits(frac);
  return IsDigits(whole) && (frac.empty() || IsDigits(frac));
}

// A plain scalar by the YAML 1.2 core schema (null and the empty value are handled before).
json TypedPlainScalar(const std::string& s) {
  if (s == "true" || s == "True" || s == "TRUE") return true;
  if (s == "false" || s == "False" || s == "FALSE") return false;
  if (IsDigits(WithoutSign(s))) {
    int64_t v = 0;
    const char* begin = s.data() + (s[0] == '+' ? 1 : 0);
    auto [ptr, ec] = std::from_chars(begin, s.data() + s.size(), v);
    if (ec == std::errc() && ptr == s.data() + s.size()) return v;
    return std::strtod(s.c_str(), nullptr);
  }
  if (IsFloat(s)) return std::strtod(s.c_str(), nullptr);
  return s;
}

Status ExpectedScalar(const YamlEntry& e, std::string_view what, std::string_view expected) {
  return ErrorAt(e.value_pos, std::string(what) + ": expected " + std::string(expected) +
                                  ", found " + std::string(DescribeNode(e.value)));
}

}  // namespace

SourcePos YamlDoc::PosOf(const YAML::Node& node, const SourcePos& fallback) const {
  if (!node.IsDefined()) return fallback;
  const YAML::Mark m = node.Mark();
  if (m.is_null() || m.line < 0) return fallback;
  return source_.Pos(m.line, m.column);
}

SourcePos YamlDoc::PosInScalar(const SourcePos& scalar, std::string_view value,
                               size_t offset) const {
  if (scalar.line <= 0) return scalar;
  return source_.PosInScalar(scalar.line - 1, scalar.column - 1, value, offset);
}

bool IsEmptyNode(const YAML::Node& node) { return !node.IsDefined() || node.IsNull(); }

std::string_view DescribeNode(const YAML::Node& node) {
  if (IsEmptyNode(node)) return "nothing";
  if (node.IsMap()) return "a map";
  if (node.IsSequence()) return "a list";
  return "a string";
}

Result<std::vector<YamlEntry>> ReadMap(const YamlDoc& doc, const YAML::Node& node,
                                       const SourcePos& where, std::string_view what) {
  if (!node.IsMap()) {
    return ErrorAt(doc.PosOf(node, where), std::string(what) + ": expected a map, found " +
                                               std::string(DescribeNode(node)));
  }
  std::vector<YamlEntry> entries;
  for (auto it = node.begin(); it != node.end(); ++it) {
    const YAML::Node key = it->first;
    const SourcePos key_pos = doc.PosOf(key, where);
    if (!key.IsScalar()) {
      return ErrorAt(key_pos, std::string(what) + ": keys must be names, found " +
                                  std::string(DescribeNode(key)));
    }
    if (const YamlEntry* first = FindEntry(entries, key.Scalar())) {
      return ErrorAt(key_pos, std::string(what) + ": duplicate key '" + key.Scalar() +
                                  "' (first at line " + std::to_string(first->key_pos.line) + ")");
    }
    YamlEntry e;
    e.key = key.Scalar();
    e.key_pos = key_pos;
    e.value = it->second;
    e.value_pos = IsEmptyNode(e.value) ? key_pos : doc.PosOf(e.value, key_pos);
    entries.push_back(std::move(e));
  }
  return entries;
}

Status CheckKeys(const std::vector<YamlEntry>& entries,
                 const std::vector<std::string_view>& allowed, std::string_view what) {
  for (const YamlEntry& e : entries) {
    if (std::find(allowed.begin(), allowed.end(), e.key) != allowed.end()) continue;
    std::string list;
    for (std::string_view a : allowed) list += (list.empty() ? "" : ", ") + std::string(a);
    return ErrorAt(e.key_pos,
                   std::string(what) + ": unknown key '" + e.key + "' (allowed: " + list + ")");
  }
  return Status::OK();
}

const YamlEntry* FindEntry(const std::vector<YamlEntry>& entries, std::string_view key) {
  for (const YamlEntry& e : entries) {
    if (e.key == key) return &e;
  }
  return nullptr;
}

Result<std::string> ReadText(const YamlEntry& e, std::string_view what) {
  if (IsEmptyNode(e.value)) return ExpectedScalar(e, what, "a value");
  if (!e.value.IsScalar()) return ExpectedScalar(e, what, "a string");
  return e.value.Scalar();
}

Result<bool> ReadBool(const YamlEntry& e, std::string_view what) {
  ASSIGN_OR_RETURN(std::string text, ReadText(e, what));
  std::string lower = text;
  std::transform(lower.begin(), lower.end(), lower.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  if (lower == "true") return true;
  if (lower == "false") return false;
  return ErrorAt(e.value_pos, std::string(what) + ": expected true or false, found '" + text + "'");
}

Result<int> ReadInt(const YamlEntry& e, std::string_view what, int min) {
  ASSIGN_OR_RETURN(std::string text, ReadText(e, what));
  int v = 0;
  auto [ptr, ec] = std::from_chars(text.data(), text.data() + text.size(), v);
  if (ec != std::errc() || ptr != text.data() + text.size()) {
    return ErrorAt(e.value_pos,
                   std::string(what) + ": expected a whole number, found '" + text + "'");
  }
  if (v < min) {
    return ErrorAt(e.value_pos, std::string(what) + ": expected at least " + std::to_string(min) +
                                    ", found " + text);
  }
  return v;
}

Result<Micros> ReadDuration(const YamlEntry& e, std::string_view what) {
  ASSIGN_OR_RETURN(std::string text, ReadText(e, what));
  Result<Micros> d = ParseDuration(text);
  if (!d.ok()) return ErrorAt(e.value_pos, std::string(what) + ": " + d.status().message());
  return *d;
}

Result<std::vector<std::string>> ReadStringList(const YamlDoc& doc, const YamlEntry& e,
                                                std::string_view what,
                                                std::vector<SourcePos>* pos) {
  std::vector<std::string> out;
  if (IsEmptyNode(e.value)) return out;
  if (e.value.IsScalar()) {
    if (pos) pos->push_back(e.value_pos);
    out.push_back(e.value.Scalar());
    return out;
  }
  if (!e.value.IsSequence()) return ExpectedScalar(e, what, "a list of names");
  for (const YAML::Node& item : e.value) {
    const SourcePos at = doc.PosOf(item, e.value_pos);
    if (!item.IsScalar()) {
      return ErrorAt(
          at, std::string(what) + ": expected a name, found " + std::string(DescribeNode(item)));
    }
    if (pos) pos->push_back(at);
    out.push_back(item.Scalar());
  }
  return out;
}

Result<json> ToJson(const YamlDoc& doc, const YAML::Node& node, const SourcePos& fallback,
                    const std::string& pointer, std::map<std::string, SourcePos>* positions) {
  const SourcePos at = doc.PosOf(node, fallback);
  if (positions) (*positions)[pointer] = at;
  if (IsEmptyNode(node)) return json(nullptr);
  if (node.IsScalar()) {
    // Quoted and block scalars, and explicitly tagged ones, are strings ("!" or a tag).
    if (node.Tag() != "?") return json(node.Scalar());
    return TypedPlainScalar(node.Scalar());
  }
  if (node.IsSequence()) {
    json out = json::array();
    size_t i = 0;
    for (const YAML::Node& item : node) {
      ASSIGN_OR_RETURN(
          json v, ToJson(doc, item, at, ChildPointer(pointer, std::to_string(i++)), positions));
      out.push_back(std::move(v));
    }
    return out;
  }
  ASSIGN_OR_RETURN(std::vector<YamlEntry> entries, ReadMap(doc, node, at, "map"));
  json out = json::object();
  for (const YamlEntry& e : entries) {
    ASSIGN_OR_RETURN(json v,
                     ToJson(doc, e.value, e.value_pos, ChildPointer(pointer, e.key), positions));
    out[e.key] = std::move(v);
  }
  return out;
}

std::string ChildPointer(const std::string& pointer, std::string_view key) {
  std::string out = pointer + "/";
  for (char c : key) {
    if (c == '~') {
      out += "~0";
    } else if (c == '/') {
      out += "~1";
    } else {
      out += c;
    }
  }
  return out;
}

bool IsDagId(std::string_view id) {
  return !id.empty() && std::all_of(id.begin(), id.end(), [](char c) {
    return std::isalnum(static_cast<unsigned char>(c)) || c == '_' || c == '.' || c == '-';
  });
}

}  // namespace sluice::orchestrator
