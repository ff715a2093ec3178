#include "engine/spec_reader.h"

#include <algorithm>
#include <cctype>

#include "common/ascii.h"
#include "engine/template.h"

namespace sluice::engine {

namespace {

bool IsEmpty(const YAML::Node& node) { return !node.IsDefined() || node.IsNull(); }

}  // namespace

SourcePos SpecContext::PosOf(const YAML::Node& node) const {
  YAML::Mark m = node.IsDefined() ? node.Mark() : YAML::Mark::null_mark();
  if (m.is_null()) return SourcePos{source->file(), 0, 0};
  return source->Pos(m.line, m.column);
}

Status SpecContext::Error(const YAML::Node& node, std::string_view message) const {
  return ErrorAt(PosOf(node), message);
}

std::string_view DescribeNode(const YAML::Node& node) {
  if (IsEmpty(node)) return "nothing";
  if (node.IsMap()) return "a map";
  if (node.IsSequence()) return "a list";
  return "a string";
}

Result<Scalar> ReadScalar(const SpecContext& ctx, const YAML::Node& node, const SourcePos& where,
                          std::string_view what) {
  if (IsEmpty(node)) return ErrorAt(where, std::string(what) + ": expected a value, found nothing");
  if (!node.IsScalar()) {
    return ctx.Error(
        node, std::string(what) + ": expected a string, found " + std::string(DescribeNode(node)));
  }
  const YAML::Mark mark = node.Mark();
  const SpecSource* source = ctx.source;
  OffsetToPos raw_pos = [source, mark, raw = node.Scalar()](size_t offset) {
    return source->PosInScalar(mark.line, mark.column, raw, offset);
  };
  ASSIGN_OR_RETURN(TemplateText expanded, ExpandTemplate(node.Scalar(), *ctx.vars, raw_pos));
  Scalar out;
  out.text = std::move(expanded.text);
  out.pos = ctx.PosOf(node);
  out.positions = [raw_pos, origin = std::move(expanded.origin)](size_t offset) {
    return raw_pos(origin[std::min(offset, origin.size() - 1)]);
  };
  return out;
}

Result<std::vector<YAML::Node>> ReadList(const SpecContext& ctx, const YAML::Node& node,
                                         const SourcePos& where, std::string_view what) {
  if (IsEmpty(node)) return ErrorAt(where, std::string(what) + ": expected a list, found nothing");
  if (!node.IsSequence()) {
    return ctx.Error(
        node, std::string(what) + ": expected a list, found " + std::string(DescribeNode(node)));
  }
  std::vector<YAML::Node> items;
  for (const YAML::Node& item : node) items.push_back(item);
  return items;
}

Result<MapReader> MapReader::Make(const SpecContext& ctx, const YAML::Node& node,
                                  const SourcePos& where, std::string what) {
  if (IsEmpty(node)) return engine::ErrorAt(where, what + ": expected a map, found nothing");
  if (!node.IsMap()) {
    return ctx.Error(node, what + ": expected a map, found " + std::string(DescribeNode(node)));
  }
  MapReader reader(ctx, ctx.PosOf(node), std::move(what));
  for (auto it = node.begin(); it != node.end(); ++it) {
    const YAML::Node key = it->first;
    const YAML::Node value = it->second;
    if (!key.IsScalar()) {
      return ctx.Error(key, "keys of " + reader.what_ + " must be names, found " +
                                std::string(DescribeNode(key)));
    }
    if (const Entry* first = reader.Find(key.Scalar())) {
      return ctx.Error(key, "duplicate key '" + key.Scalar() + "' in " + reader.what_ +
                                " (first at line " +
                                std::to_string(ctx.PosOf(first->key_node).line) + ")");
    }
    reader.entries_.push_back(Entry{key.Scalar(), key, value});
  }
  return reader;
}

const MapReader::Entry* MapReader::Find(std::string_view key) const {
  for (const Entry& e : entries_) {
    if (e.key == key) return &e;
  }
  return nullptr;
}

Status MapReader::CheckKeys(std::initializer_list<std::string_view> allowed,
                            std::initializer_list<std::string_view> required) const {
  for (const Entry& e : entries_) {
    if (std::find(allowed.begin(), allowed.end(), e.key) != allowed.end()) continue;
    std::string list;
    for (std::string_view a : allowed) list += (list.empty() ? "" : ", ") + std::string(a);
    return ctx_->Error(e.key_node,
                       "unknown key '" + e.key + "' in " + what_ + " (allowed: " + list + ")");
  }
  for (std::string_view r : required) {
    if (!Has(r)) {
      return engine::ErrorAt(pos_, what_ + " is missing the required key '" + std::string(r) + "'");
    }
  }
  return Status::OK();
}

YAML::Node MapReader::Value(std::string_view key) const {
  const Entry* e = Find(key);
  return e ? e->value : YAML::Node(YAML::NodeType::Undefined);
}

SourcePos MapReader::KeyPos(std::string_view key) const {
  const Entry* e = Find(key);
  return e ? ctx_->PosOf(e->key_node) : pos_;
}

SourcePos MapReader::ValuePos(std::string_view key) const {
  const Entry* e = Find(key);
  if (e == nullptr) return pos_;
  if (IsEmpty(e->value)) return ctx_->PosOf(e->key_node);
  return ctx_->PosOf(e->value);
}

Status MapReader::ErrorAt(std::string_view key, std::string_view message) const {
  return engine::ErrorAt(ValuePos(key), message);
}

Result<Scalar> MapReader::String(std::string_view key) const {
  if (!Has(key)) {
    return engine::ErrorAt(pos_, what_ + " is missing the required key '" + std::string(key) + "'");
  }
  return ReadScalar(*ctx_, Value(key), KeyPos(key), key);
}

Result<std::optional<Scalar>> MapReader::OptionalString(std::string_view key) const {
  if (!Has(key)) return std::optional<Scalar>();
  ASSIGN_OR_RETURN(Scalar s, ReadScalar(*ctx_, Value(key), KeyPos(key), key));
  return std::optional<Scalar>(std::move(s));
}

Result<bool> MapReader::Bool(std::string_view key, bool fallback) const {
  ASSIGN_OR_RETURN(std::optional<Scalar> s, OptionalString(key));
  if (!s) return fallback;
  std::string v = AsciiLower(s->text);
  if (v == "true") return true;
  if (v == "false") return false;
  return engine::ErrorAt(s->pos,
                         std::string(key) + ": expected true or false, found '" + s->text + "'");
}

Result<char> MapReader::Char(std::string_view key, char fallback) const {
  ASSIGN_OR_RETURN(std::optional<Scalar> s, OptionalString(key));
  if (!s) return fallback;
  if (s->text.size() == 1) return s->text[0];
  if (s->text == "\\t") return '\t';
  return engine::ErrorAt(s->pos,
                         std::string(key) + ": expected one character, found '" + s->text + "'");
}

Result<Scalar> MapReader::KeyScalar(const Entry& entry) const {
  return ReadScalar(*ctx_, entry.key_node, ctx_->PosOf(entry.key_node), "name");
}

}  // namespace sluice::engine
