// The steps of loading a DAG file: reading each task (dag_task_reader.cc), checking its
// templates (dag_templates.cc) and linking the tasks into a graph (dag_graph.cc). Private to
// the DAG loader.
#pragma once

#include <string_view>
#include <vector>

#include "orchestrator/dag.h"
#include "orchestrator/dag_yaml.h"

namespace sluice::orchestrator {

// The keys a task may have, and the subset default_args may give.
const std::vector<std::string_view>& TaskKeys();
const std::vector<std::string_view>& DefaultArgKeys();

// A task as read, with what linking needs to point at.
struct TaskDraft {
  TaskSpec spec;
  SourcePos id_pos;
  std::vector<SourcePos> upstream_pos;  // one per item of spec.upstream as written
  bool trigger_rule_written = false;    // in the task itself, not by default_args
};

// Reads one item of `tasks:`; `defaults` are the entries of default_args.
Result<TaskDraft> ReadTask(const YamlDoc& doc, const YAML::Node& node, const SourcePos& where,
                           const std::vector<YamlEntry>& defaults);

// Checks every string of every operator field for template syntax and names (xcom task ids
// must be tasks of this DAG).
Status CheckTaskTemplates(const YamlDoc& doc, const DagSpec& dag);

// Duplicate ids, unknown upstream and teardown_of ids, teardown rules, cycles; fills
// upstream (teardown setups), downstream, is_setup, task_index and topo_order.
Status LinkTasks(std::vector<TaskDraft> drafts, DagSpec* dag);

}  // namespace sluice::orchestrator
