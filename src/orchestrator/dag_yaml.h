// Reading the YAML of a DAG file with positions: maps checked for duplicate and unknown keys,
// scalars as text or as typed JSON (YAML 1.2 core schema), and where each node is in the
// file. Private to the DAG loader.
#pragma once

#include <yaml-cpp/yaml.h>

#include <initializer_list>
#include <map>
#include <nlohmann/json.hpp>
#include <string>
#include <string_view>
#include <vector>

#include "common/status.h"
#include "engine/spec_source.h"
#include "orchestrator/dag.h"

namespace sluice::orchestrator {

class YamlDoc {
 public:
  YamlDoc(std::string file, std::string_view text) : source_(std::move(file), text) {}

  const std::string& file() const { return source_.file(); }
  // The node's position; `fallback` when the node has none (an empty value).
  SourcePos PosOf(const YAML::Node& node, const SourcePos& fallback = {}) const;
  // Where byte `offset` of a scalar's value is, given the scalar's own position.
  SourcePos PosInScalar(const SourcePos& scalar, std::string_view value, size_t offset) const;

 private:
  engine::SpecSource source_;
};

using engine::ErrorAt;  // ParseError "<pos>: <message>"

bool IsEmptyNode(const YAML::Node& node);
// "a map", "a list", "a string" or "nothing", for messages.
std::string_view DescribeNode(const YAML::Node& node);

struct YamlEntry {
  std::string key;
  SourcePos key_pos;
  SourcePos value_pos;  // the key's when the value is empty
  YAML::Node value;
  bool from_default = false;
};

// The entries of a mapping, in order; `what` names it in messages ("task 'x'").
Result<std::vector<YamlEntry>> ReadMap(const YamlDoc& doc, const YAML::Node& node,
                                       const SourcePos& where, std::string_view what);
// Unknown keys are errors that list the allowed ones.
Status CheckKeys(const std::vector<YamlEntry>& entries,
                 const std::vector<std::string_view>& allowed, std::string_view what);
const YamlEntry* FindEntry(const std::vector<YamlEntry>& entries, std::string_view key);

// Scalars read as text; `what` prefixes messages ("task 'x': retries").
Result<std::string> ReadText(const YamlEntry& e, std::string_view what);
Result<bool> ReadBool(const YamlEntry& e, std::string_view what);
Result<int> ReadInt(const YamlEntry& e, std::string_view what, int min);
Result<Micros> ReadDuration(const YamlEntry& e, std::string_view what);
// A list of strings; a single string is a list of one. Positions of the items go to `pos`.
Result<std::vector<std::string>> ReadStringList(const YamlDoc& doc, const YamlEntry& e,
                                                std::string_view what,
                                                std::vector<SourcePos>* pos = nullptr);

// The node as JSON; positions of it and of every node inside go to `positions` by JSON
// pointer, starting with `pointer` for the node itself.
Result<nlohmann::json> ToJson(const YamlDoc& doc, const YAML::Node& node, const SourcePos& fallback,
                              const std::string& pointer,
                              std::map<std::string, SourcePos>* positions);
// "/a~1b" for key "a/b" under "": a JSON pointer one level down.
std::string ChildPointer(const std::string& pointer, std::string_view key);

// True for [A-Za-z0-9_.-]+ (dag and task ids).
bool IsDagId(std::string_view id);

}  // namespace sluice::orchestrator
