// Reading one task of a DAG file: its own keys, then default_args for the keys it lacks.
#include <algorithm>
#include <cctype>
#include <functional>

#include "orchestrator/dag_loader_internal.h"

namespace sluice::orchestrator {

namespace {

using Handler =
    std::function<Status(const YamlDoc&, const YamlEntry&, const std::string& what, TaskDraft*)>;

bool IsOperatorName(std::string_view s) {
  if (s.empty() || !(std::isalpha(static_cast<unsigned char>(s[0])) || s[0] == '_')) return false;
  return std::all_of(s.begin(), s.end(), [](char c) {
    return std::isalnum(static_cast<unsigned char>(c)) || c == '_';
  });
}

Handler Duration(Micros TaskSpec::*member) {
  return [member](const YamlDoc&, const YamlEntry& e, const std::string& what, TaskDraft* t) {
    ASSIGN_OR_RETURN(t->spec.*member, ReadDuration(e, what + ": " + e.key));
    return Status::OK();
  };
}

Handler OptionalDuration(std::optional<Micros> TaskSpec::*member) {
  return [member](const YamlDoc&, const YamlEntry& e, const std::string& what, TaskDraft* t) {
    if (IsEmptyNode(e.value)) return Status::OK();  // null: no limit
    ASSIGN_OR_RETURN(t->spec.*member, ReadDuration(e, what + ": " + e.key));
    return Status::OK();
  };
}

Handler Bool(bool TaskSpec::*member) {
  return [member](const YamlDoc&, const YamlEntry& e, const std::string& what, TaskDraft* t) {
    ASSIGN_OR_RETURN(t->spec.*member, ReadBool(e, what + ": " + e.key));
    return Status::OK();
  };
}

Handler Text(std::string TaskSpec::*member, bool allow_empty) {
  return [=](const YamlDoc&, const YamlEntry& e, const std::string& what, TaskDraft* t) {
    if (allow_empty && IsEmptyNode(e.value)) return Status::OK();
    ASSIGN_OR_RETURN(t->spec.*member, ReadText(e, what + ": " + e.key));
    return Status::OK();
  };
}

Status ReadOperator(const YamlDoc&, const YamlEntry& e, const std::string& what, TaskDraft* t) {
  ASSIGN_OR_RETURN(t->spec.operator_name, ReadText(e, what + ": operator"));
  if (!IsOperatorName(t->spec.operator_name)) {
    return ErrorAt(e.value_pos, what + ": operator '" + t->spec.operator_name +
                                    "' is not an operator name (letters, digits and '_')");
  }
  return Status::OK();
}

Status ReadUpstream(const YamlDoc& doc, const YamlEntry& e, const std::string& what, TaskDraft* t) {
  ASSIGN_OR_RETURN(t->spec.upstream, ReadStringList(doc, e, what + ": upstream", &t->upstream_pos));
  for (size_t i = 0; i < t->spec.upstream.size(); ++i) {
    for (size_t j = 0; j < i; ++j) {
      if (t->spec.upstream[i] == t->spec.upstream[j]) {
        return ErrorAt(t->upstream_pos[i],
                       what + ": upstream lists '" + t->spec.upstream[i] + "' twice");
      }
    }
  }
  return Status::OK();
}

Status ReadTriggerRule(const YamlDoc&, const YamlEntry& e, const std::string& what, TaskDraft* t) {
  ASSIGN_OR_RETURN(std::string name, ReadText(e, what + ": trigger_rule"));
  std::optional<TriggerRule> rule = ParseTriggerRule(name);
  if (!rule) {
    return ErrorAt(e.value_pos, what + ": unknown trigger rule '" + name +
                                    "' (expected one of: " + TriggerRuleNames() + ")");
  }
  t->spec.trigger_rule = *rule;
  t->trigger_rule_written = !e.from_default;
  return Status::OK();
}

Status ReadRetries(const YamlDoc&, const YamlEntry& e, const std::string& what, TaskDraft* t) {
  ASSIGN_OR_RETURN(t->spec.retries, ReadInt(e, what + ": retries", 0));
  return Status::OK();
}

Status ReadTeardownOf(const YamlDoc&, const YamlEntry& e, const std::string& what, TaskDraft* t) {
  ASSIGN_OR_RETURN(t->spec.teardown_of, ReadText(e, what + ": teardown_of"));
  return Status::OK();
}

Status ReadMode(const YamlDoc&, const YamlEntry& e, const std::string& what, TaskDraft* t) {
  ASSIGN_OR_RETURN(std::string mode, ReadText(e, what + ": mode"));
  if (mode == "poke") {
    t->spec.mode = SensorMode::kPoke;
  } else if (mode == "reschedule") {
    t->spec.mode = SensorMode::kReschedule;
  } else {
    return ErrorAt(e.value_pos, what + ": mode: expected poke or reschedule, found '" + mode + "'");
  }
  return Status::OK();
}

Status ReadOperatorField(const YamlDoc& doc, const YamlEntry& e, const std::string&, TaskDraft* t) {
  RawField field;
  field.pos = e.value_pos;
  field.from_default_args = e.from_default;
  ASSIGN_OR_RETURN(field.value, ToJson(doc, e.value, e.value_pos, "", &field.positions));
  t->spec.fields[e.key] = std::move(field);
  return Status::OK();
}

const std::vector<std::pair<std::string_view, Handler>>& Handlers() {
  static const auto* kHandlers = new std::vector<std::pair<std::string_view, Handler>>{
      {"id", nullptr},  // read first, by ReadTask
      {"operator", ReadOperator},
      {"upstream", ReadUpstream},
      {"trigger_rule", ReadTriggerRule},
      {"retries", ReadRetries},
      {"retry_delay", Duration(&TaskSpec::retry_delay)},
      {"retry_exponential_backoff", Bool(&TaskSpec::retry_exponential_backoff)},
      {"max_retry_delay", OptionalDuration(&TaskSpec::max_retry_delay)},
      {"execution_timeout", OptionalDuration(&TaskSpec::execution_timeout)},
      {"depends_on_past", Bool(&TaskSpec::depends_on_past)},
      {"teardown_of", ReadTeardownOf},
      {"pool", Text(&TaskSpec::pool, false)},
      {"doc", Text(&TaskSpec::doc, true)},
      {"poke_interval", Duration(&TaskSpec::poke_interval)},
      {"timeout", Duration(&TaskSpec::timeout)},
      {"mode", ReadMode},
      {"soft_fail", Bool(&TaskSpec::soft_fail)},
      {"env", ReadOperatorField},
      {"cwd", ReadOperatorField},
      {"command", ReadOperatorField},
      {"bash", ReadOperatorField},
      {"job", ReadOperatorField},
      {"vars", ReadOperatorField},
      {"cluster", ReadOperatorField},
      {"steps", ReadOperatorField},
      {"cluster_id", ReadOperatorField},
      {"step_id", ReadOperatorField},
      {"connection", ReadOperatorField},
  };
  return *kHandlers;
}

const Handler& HandlerFor(std::string_view key) {
  static const Handler kNone;
  for (const auto& [name, handler] : Handlers()) {
    if (name == key) return handler;
  }
  return kNone;
}

Status ReadId(const std::vector<YamlEntry>& entries, const SourcePos& pos, TaskDraft* t) {
  const YamlEntry* id = FindEntry(entries, "id");
  if (id == nullptr) return ErrorAt(pos, "task: missing the required key 'id'");
  ASSIGN_OR_RETURN(t->spec.id, ReadText(*id, "task: id"));
  if (!IsDagId(t->spec.id)) {
    return ErrorAt(id->value_pos,
                   "task id '" + t->spec.id + "' may only have letters, digits, '_', '.' and '-'");
  }
  t->id_pos = id->value_pos;
  return Status::OK();
}

}  // namespace

const std::vector<std::string_view>& TaskKeys() {
  static const auto* kKeys = [] {
    auto* keys = new std::vector<std::string_view>;
    for (const auto& [name, handler] : Handlers()) keys->push_back(name);
    return keys;
  }();
  return *kKeys;
}

const std::vector<std::string_view>& DefaultArgKeys() {
  static const auto* kKeys = [] {
    auto* keys = new std::vector<std::string_view>;
    for (std::string_view k : TaskKeys()) {
      if (k != "id" && k != "operator" && k != "upstream" && k != "teardown_of" && k != "doc") {
        keys->push_back(k);
      }
    }
    return keys;
  }();
  return *kKeys;
}

Result<TaskDraft> ReadTask(const YamlDoc& doc, const YAML::Node& node, const SourcePos& where,
                           const std::vector<YamlEntry>& defaults) {
  ASSIGN_OR_RETURN(std::vector<YamlEntry> entries, ReadMap(doc, node, where, "task"));
  TaskDraft t;
  t.spec.file = doc.file();
  t.spec.pos = doc.PosOf(node, where);
  RETURN_NOT_OK(ReadId(entries, t.spec.pos, &t));
  const std::string what = "task '" + t.spec.id + "'";
  RETURN_NOT_OK(CheckKeys(entries, TaskKeys(), what));
  if (FindEntry(entries, "operator") == nullptr) {
    return ErrorAt(t.spec.pos, what + ": missing the required key 'operator'");
  }
  for (const YamlEntry& d : defaults) {
    if (FindEntry(entries, d.key) != nullptr) continue;
    entries.push_back(d);
    entries.back().from_default = true;
    t.spec.defaulted.insert(d.key);
  }
  for (const YamlEntry& e : entries) {
    t.spec.key_pos[e.key] = e.value_pos;
    const Handler& handler = HandlerFor(e.key);
    if (handler) RETURN_NOT_OK(handler(doc, e, what, &t));
  }
  return t;
}

}  // namespace sluice::orchestrator
