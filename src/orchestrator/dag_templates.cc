// Load-time template checks of a DAG's task fields: a template that cannot parse, or names
// something that cannot exist, is reported at its line and column.
#include "orchestrator/dag_loader_internal.h"
#include "orchestrator/task_template.h"

namespace sluice::orchestrator {

namespace {

using nlohmann::json;

struct Walk {
  const YamlDoc& doc;
  const DagSpec& dag;
  const TaskSpec& task;
  const RawField& field;
};

Status CheckNode(const Walk& w, const json& value, const std::string& pointer,
                 const std::string& name) {
  if (value.is_string()) {
    const std::string& text = value.get_ref<const std::string&>();
    auto exists = [&](std::string_view id) { return w.dag.task_index.count(id) > 0; };
    std::optional<TemplateIssue> issue = FindTemplateError(text, exists);
    if (!issue) return Status::OK();
    const SourcePos at = w.doc.PosInScalar(w.field.At(pointer), text, issue->offset);
    return ErrorAt(at, "task '" + w.task.id + "': " + name + ": bad template: " + issue->message);
  }
  if (value.is_array()) {
    for (size_t i = 0; i < value.size(); ++i) {
      RETURN_NOT_OK(CheckNode(w, value[i], ChildPointer(pointer, std::to_string(i)),
                              name + "[" + std::to_string(i) + "]"));
    }
  } else if (value.is_object()) {
    for (auto it = value.begin(); it != value.end(); ++it) {
      RETURN_NOT_OK(
          CheckNode(w, it.value(), ChildPointer(pointer, it.key()), name + "." + it.key()));
    }
  }
  return Status::OK();
}

}  // namespace

Status CheckTaskTemplates(const YamlDoc& doc, const DagSpec& dag) {
  for (const TaskSpec& task : dag.tasks) {
    // In file order of the keys, so the first error reported is the first in the file.
    std::vector<std::pair<SourcePos, const std::string*>> keys;
    for (const auto& [key, field] : task.fields) keys.emplace_back(field.pos, &key);
    std::sort(keys.begin(), keys.end(), [](const auto& a, const auto& b) {
      return std::pair(a.first.line, a.first.column) < std::pair(b.first.line, b.first.column);
    });
    for (const auto& [pos, key] : keys) {
      const RawField& field = task.fields.at(*key);
      RETURN_NOT_OK(CheckNode(Walk{doc, dag, task, field}, field.value, "", *key));
    }
  }
  return Status::OK();
}

}  // namespace sluice::orchestrator
