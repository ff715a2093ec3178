// Reading the YAML of a job spec field by field: string scalars come back with their
// {{ }} variables substituted and a map from each byte to its line:column; maps are checked
// for unknown, duplicate and missing keys. Private to the job-spec loader.
#pragma once

#include <yaml-cpp/yaml.h>

#include <initializer_list>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "common/status.h"
#include "engine/spec_source.h"

namespace sluice::engine {

using SpecVars = std::map<std::string, std::string>;

// The spec's text (for positions) and the variables in scope where a node is read.
struct SpecContext {
  const SpecSource* source = nullptr;
  const SpecVars* vars = nullptr;

  SourcePos PosOf(const YAML::Node& node) const;
  Status Error(const YAML::Node& node, std::string_view message) const;
};

// A string scalar after {{ }} substitution.
struct Scalar {
  std::string text;
  SourcePos pos;          // of the scalar (its opening quote when quoted)
  OffsetToPos positions;  // byte offset in `text` -> position in the spec

  SourcePos At(size_t offset) const { return positions(offset); }
};

// "a map", "a list", "a string" or "nothing", for messages.
std::string_view DescribeNode(const YAML::Node& node);

// Reads `node` as a string. `where` stands for the node when it is missing or empty: an
// empty YAML value has no position of its own. `what` names the field in messages.
Result<Scalar> ReadScalar(const SpecContext& ctx, const YAML::Node& node, const SourcePos& where,
                          std::string_view what);

// A node that must be a list: its items, or an error naming `what`.
Result<std::vector<YAML::Node>> ReadList(const SpecContext& ctx, const YAML::Node& node,
                                         const SourcePos& where, std::string_view what);

// One YAML mapping of the spec.
class MapReader {
 public:
  struct Entry {
    std::string key;  // as written (keys are not templated unless read with KeyScalar)
    YAML::Node key_node;
    YAML::Node value;
  };

  // An error unless `node` is a map with scalar, distinct keys. `what` names it in
  // messages: "input 'features'", "step", "join".
  static Result<MapReader> Make(const SpecContext& ctx, const YAML::Node& node,
                                const SourcePos& where, std::string what);

  // Unknown keys (listing the allowed ones) and missing required keys.
  Status CheckKeys(std::initializer_list<std::string_view> allowed,
                   std::initializer_list<std::string_view> required = {}) const;

  const std::vector<Entry>& entries() const { return entries_; }
  const SourcePos& pos() const { return pos_; }
  const SpecContext& context() const { return *ctx_; }

  bool Has(std::string_view key) const { return Find(key) != nullptr; }
  // The value, or an undefined node when the key is absent.
  YAML::Node Value(std::string_view key) const;
  SourcePos KeyPos(std::string_view key) const;
  // Where the value is; the key's position when the value is empty.
  SourcePos ValuePos(std::string_view key) const;
  Status ErrorAt(std::string_view key, std::string_view message) const;

  Result<Scalar> String(std::string_view key) const;
  Result<std::optional<Scalar>> OptionalString(std::string_view key) const;
  Result<bool> Bool(std::string_view key, bool fallback) const;
  // One character; "\t" written as backslash-t also means a tab.
  Result<char> Char(std::string_view key, char fallback) const;
  // The key of an entry as a templated string (user-chosen names).
  Result<Scalar> KeyScalar(const Entry& entry) const;

 private:
  MapReader(const SpecContext& ctx, SourcePos pos, std::string what)
      : ctx_(&ctx), pos_(std::move(pos)), what_(std::move(what)) {}
  const Entry* Find(std::string_view key) const;

  const SpecContext* ctx_;
  SourcePos pos_;
  std::string what_;
  std::vector<Entry> entries_;
};

}  // namespace sluice::engine
