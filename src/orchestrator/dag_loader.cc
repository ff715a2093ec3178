#include "orchestrator/dag_loader.h"

#include <algorithm>
#include <exception>

#include "orchestrator/dag_loader_internal.h"
#include "orchestrator/dag_yaml.h"
#include "storage/object_store.h"

namespace sluice::orchestrator {

namespace {

const std::vector<std::string_view> kDagKeys = {
    "dag_id",  "description",     "schedule", "start_date", "end_date",     "timezone",
    "catchup", "max_active_runs", "tags",     "params",     "default_args", "tasks"};

Status ReadDagId(const std::vector<YamlEntry>& top, const SourcePos& pos, DagSpec* dag) {
  const YamlEntry* e = FindEntry(top, "dag_id");
  if (e == nullptr) return ErrorAt(pos, "missing the required key 'dag_id'");
  ASSIGN_OR_RETURN(dag->dag_id, ReadText(*e, "dag_id"));
  if (!IsDagId(dag->dag_id)) {
    return ErrorAt(e->value_pos,
                   "dag_id '" + dag->dag_id + "' may only have letters, digits, '_', '.' and '-'");
  }
  return Status::OK();
}

Result<std::optional<TimePoint>> ReadDate(const YamlEntry* e, const std::string& tz) {
  if (e == nullptr || IsEmptyNode(e->value)) return std::optional<TimePoint>();
  ASSIGN_OR_RETURN(std::string text, ReadText(*e, e->key));
  Result<TimePoint> t = ParseTimePoint(text, tz);
  if (!t.ok()) return ErrorAt(e->value_pos, e->key + ": " + t.status().message());
  return std::optional<TimePoint>(*t);
}

// timezone, schedule, start_date and end_date: the schedule's part of the file.
Status ReadSchedule(const std::vector<YamlEntry>& top, const SourcePos& pos, DagSpec* dag) {
  if (const YamlEntry* e = FindEntry(top, "timezone")) {
    ASSIGN_OR_RETURN(dag->timezone, ReadText(*e, "timezone"));
    Status st = CheckTimeZone(dag->timezone);
    if (!st.ok()) return ErrorAt(e->value_pos, "timezone: " + st.message());
  }
  const YamlEntry* schedule = FindEntry(top, "schedule");
  if (schedule != nullptr && !IsEmptyNode(schedule->value)) {
    ASSIGN_OR_RETURN(std::string text, ReadText(*schedule, "schedule"));
    Result<Timetable> tt = Timetable::Parse(text, dag->timezone);
    if (!tt.ok()) {
      return ErrorAt(schedule->value_pos, "schedule: " + tt.status().message());
    }
    dag->timetable = std::move(*tt);
  }
  ASSIGN_OR_RETURN(dag->start_date, ReadDate(FindEntry(top, "start_date"), dag->timezone));
  ASSIGN_OR_RETURN(dag->end_date, ReadDate(FindEntry(top, "end_date"), dag->timezone));
  if (!dag->timetable.is_manual_only() && !dag->start_date) {
    return ErrorAt(schedule->value_pos, "schedule '" + dag->timetable.text() +
                                            "' needs a start_date (the first interval's start)");
  }
  if (dag->start_date && dag->end_date && *dag->end_date < *dag->start_date) {
    return ErrorAt(FindEntry(top, "end_date")->value_pos, "end_date is before start_date");
  }
  return Status::OK();
}

Status ReadSettings(const YamlDoc& doc, const std::vector<YamlEntry>& top, DagSpec* dag) {
  if (const YamlEntry* e = FindEntry(top, "description"); e && !IsEmptyNode(e->value)) {
    ASSIGN_OR_RETURN(dag->description, ReadText(*e, "description"));
  }
  if (const YamlEntry* e = FindEntry(top, "catchup")) {
    ASSIGN_OR_RETURN(dag->catchup, ReadBool(*e, "catchup"));
  }
  if (const YamlEntry* e = FindEntry(top, "max_active_runs")) {
    ASSIGN_OR_RETURN(dag->max_active_runs, ReadInt(*e, "max_active_runs", 1));
  }
  if (const YamlEntry* e = FindEntry(top, "tags")) {
    ASSIGN_OR_RETURN(dag->tags, ReadStringList(doc, *e, "tags"));
  }
  if (const YamlEntry* e = FindEntry(top, "params"); e && !IsEmptyNode(e->value)) {
    if (!e->value.IsMap()) {
      return ErrorAt(e->value_pos,
                     "params: expected a map, found " + std::string(DescribeNode(e->value)));
    }
    ASSIGN_OR_RETURN(dag->params, ToJson(doc, e->value, e->value_pos, "", nullptr));
  }
  return Status::OK();
}

Result<std::vector<YamlEntry>> ReadDefaults(const YamlDoc& doc, const std::vector<YamlEntry>& top,
                                            DagSpec* dag) {
  const YamlEntry* e = FindEntry(top, "default_args");
  if (e == nullptr || IsEmptyNode(e->value)) return std::vector<YamlEntry>();
  ASSIGN_OR_RETURN(std::vector<YamlEntry> defaults,
                   ReadMap(doc, e->value, e->value_pos, "default_args"));
  RETURN_NOT_OK(CheckKeys(defaults, DefaultArgKeys(), "default_args"));
  ASSIGN_OR_RETURN(dag->default_args, ToJson(doc, e->value, e->value_pos, "", nullptr));
  return defaults;
}

Result<std::vector<TaskDraft>> ReadTasks(const YamlDoc& doc, const std::vector<YamlEntry>& top,
                                         const SourcePos& pos,
                                         const std::vector<YamlEntry>& defaults) {
  const YamlEntry* e = FindEntry(top, "tasks");
  if (e == nullptr) return ErrorAt(pos, "missing the required key 'tasks'");
  if (!e->value.IsSequence() || e->value.size() == 0) {
    return ErrorAt(e->value_pos, "tasks: expected a list of at least one task, found " +
                                     std::string(DescribeNode(e->value)));
  }
  std::vector<TaskDraft> drafts;
  for (const YAML::Node& item : e->value) {
    ASSIGN_OR_RETURN(TaskDraft t, ReadTask(doc, item, doc.PosOf(item, e->value_pos), defaults));
    drafts.push_back(std::move(t));
  }
  return drafts;
}

SourcePos MarkPos(const std::string& file, const YAML::Mark& m) {
  if (m.is_null() || m.line < 0) return SourcePos{file, 0, 0};
  return SourcePos{file, m.line + 1, m.column + 1};
}

Result<YAML::Node> LoadYaml(const std::string& file, std::string_view text) {
  std::vector<YAML::Node> docs;
  try {
    docs = YAML::LoadAll(std::string(text));
  } catch (const YAML::Exception& e) {
    return ErrorAt(MarkPos(file, e.mark), "YAML syntax error: " + e.msg);
  }
  if (docs.empty() || IsEmptyNode(docs[0])) {
    return Status::ParseError(file +
                              ": the file is empty; expected a DAG (dag_id, "
                              "schedule, tasks, ...)");
  }
  if (docs.size() > 1) {
    return ErrorAt(MarkPos(file, docs[1].Mark()),
                   "a DAG file holds one YAML document, found " + std::to_string(docs.size()));
  }
  return docs[0];
}

Result<DagSpec> ParseDag(std::string_view text, std::string_view path,
                         const DagLoadOptions& options) {
  const YamlDoc doc{std::string(path), text};
  ASSIGN_OR_RETURN(YAML::Node root, LoadYaml(doc.file(), text));
  const SourcePos file_pos{std::string(path), 1, 1};
  ASSIGN_OR_RETURN(std::vector<YamlEntry> top, ReadMap(doc, root, file_pos, "DAG"));
  RETURN_NOT_OK(CheckKeys(top, kDagKeys, "DAG"));
  DagSpec dag;
  dag.file = std::string(path);
  for (const YamlEntry& e : top) dag.key_pos[e.key] = e.value_pos;
  const SourcePos pos = doc.PosOf(root, file_pos);
  RETURN_NOT_OK(ReadDagId(top, pos, &dag));
  RETURN_NOT_OK(ReadSchedule(top, pos, &dag));
  RETURN_NOT_OK(ReadSettings(doc, top, &dag));
  ASSIGN_OR_RETURN(std::vector<YamlEntry> defaults, ReadDefaults(doc, top, &dag));
  ASSIGN_OR_RETURN(std::vector<TaskDraft> drafts, ReadTasks(doc, top, pos, defaults));
  RETURN_NOT_OK(LinkTasks(std::move(drafts), &dag));
  RETURN_NOT_OK(CheckTaskTemplates(doc, dag));
  if (options.validate_task) {
    for (const TaskSpec& task : dag.tasks) RETURN_NOT_OK(options.validate_task(task));
  }
  return dag;
}

}  // namespace

TaskValidator KnownOperators(std::vector<std::string> names) {
  std::sort(names.begin(), names.end());
  return [names = std::move(names)](const TaskSpec& task) {
    if (std::binary_search(names.begin(), names.end(), task.operator_name)) return Status::OK();
    std::string list;
    for (const std::string& n : names) list += (list.empty() ? "" : ", ") + n;
    return task.ErrorAt("operator",
                        "unknown operator '" + task.operator_name + "' (known: " + list + ")");
  };
}

Result<DagSpec> ParseDagFile(std::string_view text, std::string_view path,
                             const DagLoadOptions& options) {
  // yaml-cpp skips a UTF-8 BOM; dropping it here keeps our line table aligned with its marks.
  if (text.substr(0, 3) == "\xEF\xBB\xBF") text.remove_prefix(3);
  try {
    return ParseDag(text, path, options);
  } catch (const std::exception& e) {
    return Status::Internal(std::string(path) + ": unexpected error reading the DAG: " + e.what());
  }
}

Result<DagSpec> LoadDagFile(std::string_view uri, const DagLoadOptions& options) {
  ASSIGN_OR_RETURN(storage::Location location, storage::ResolveUri(uri));
  Result<std::string> text = location.store->Get(location.key);
  if (!text.ok()) return text.status().WithContext("reading DAG file " + std::string(uri));
  return ParseDagFile(*text, uri, options);
}

}  // namespace sluice::orchestrator
