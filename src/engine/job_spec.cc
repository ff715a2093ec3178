#include "engine/job_spec.h"

#include <yaml-cpp/yaml.h>

#include <exception>
#include <set>

#include "engine/job_steps.h"
#include "engine/spec_reader.h"
#include "engine/template.h"
#include "storage/object_store.h"

namespace sluice::engine {

namespace {

// `vars:` in the spec gives defaults; --var values override them. Defaults are literal text.
Result<SpecVars> EffectiveVars(const SpecContext& ctx, const MapReader& top, const JobVars& given) {
  SpecVars vars;
  if (top.Has("vars")) {
    ASSIGN_OR_RETURN(MapReader defaults,
                     MapReader::Make(ctx, top.Value("vars"), top.KeyPos("vars"), "vars"));
    for (const MapReader::Entry& e : defaults.entries()) {
      if (!IsIdentifier(e.key)) {
        return ctx.Error(e.key_node,
                         "vars: '" + e.key + "' is not a variable name (letters, digits and '_')");
      }
      if (!e.value.IsScalar()) {
        return ErrorAt(
            e.value.IsDefined() && !e.value.IsNull() ? ctx.PosOf(e.value) : ctx.PosOf(e.key_node),
            "vars: the default of '" + e.key + "' must be a string, found " +
                std::string(DescribeNode(e.value)));
      }
      vars[e.key] = e.value.Scalar();
    }
  }
  for (const auto& [name, value] : given) vars[name] = value;
  return vars;
}

Status LowerInputs(const SpecContext& ctx, const MapReader& top, NameScope* scope) {
  ASSIGN_OR_RETURN(MapReader inputs,
                   MapReader::Make(ctx, top.Value("inputs"), top.KeyPos("inputs"), "inputs"));
  if (inputs.entries().empty()) return inputs.ErrorAt("inputs", "inputs: expected at least one");
  for (const MapReader::Entry& entry : inputs.entries()) {
    ASSIGN_OR_RETURN(Scalar name, inputs.KeyScalar(entry));
    RETURN_NOT_OK(CheckName(name, "input name"));
    ASSIGN_OR_RETURN(PlanNodePtr scan, LowerInput(ctx, name.text, name.pos, entry.value));
    RETURN_NOT_OK(scope->Define(name.text, name.pos, std::move(scan)));
  }
  return Status::OK();
}

// Names and folders must differ: two outputs into one folder would overwrite each other.
Status CheckDistinct(const std::vector<OutputSpec>& outputs, size_t first_new) {
  for (size_t i = first_new; i < outputs.size(); ++i) {
    for (size_t j = 0; j < i; ++j) {
      const std::string hint =
          j >= first_new ? " (a for_each output needs its variable in this field)" : "";
      if (outputs[i].name == outputs[j].name) {
        return ErrorAt(outputs[i].pos, "duplicate output name '" + outputs[i].name + "' (also at " +
                                           outputs[j].pos.ToString() + ")" + hint);
      }
      if (outputs[i].uri == outputs[j].uri) {
        return ErrorAt(outputs[i].pos, "output '" + outputs[i].name + "' writes to '" +
                                           outputs[i].uri + "', as output '" + outputs[j].name +
                                           "' does" + hint);
      }
    }
  }
  return Status::OK();
}

Status LowerOutputs(const SpecContext& ctx, const MapReader& top, const NameScope& scope,
                    JobPlan* plan) {
  ASSIGN_OR_RETURN(std::vector<YAML::Node> items,
                   ReadList(ctx, top.Value("outputs"), top.KeyPos("outputs"), "outputs"));
  if (items.empty()) return top.ErrorAt("outputs", "outputs: expected at least one output");
  for (const YAML::Node& item : items) {
    size_t first_new = plan->outputs.size();
    RETURN_NOT_OK(LowerOutput(ctx, scope, item, top.KeyPos("outputs"), &plan->outputs));
    RETURN_NOT_OK(CheckDistinct(plan->outputs, first_new));
  }
  return Status::OK();
}

Result<JobPlan> LowerJob(const SpecSource& source, const YAML::Node& root, const JobVars& given) {
  SpecVars no_vars;
  SpecContext raw{&source, &no_vars};
  if (!root.IsDefined() || root.IsNull()) {
    return Status::ParseError(source.file() + ": the job spec is empty");
  }
  ASSIGN_OR_RETURN(MapReader top, MapReader::Make(raw, root, source.Pos(0, 0), "the job spec"));
  RETURN_NOT_OK(top.CheckKeys({"job", "description", "vars", "inputs", "steps", "outputs"},
                              {"job", "inputs", "outputs"}));
  ASSIGN_OR_RETURN(SpecVars vars, EffectiveVars(raw, top, given));
  SpecContext ctx{&source, &vars};
  ASSIGN_OR_RETURN(MapReader job, MapReader::Make(ctx, root, source.Pos(0, 0), "the job spec"));

  JobPlan plan;
  plan.spec_path = source.file();
  ASSIGN_OR_RETURN(Scalar name, job.String("job"));
  RETURN_NOT_OK(CheckName(name, "job name"));
  plan.name = name.text;
  ASSIGN_OR_RETURN(std::optional<Scalar> description, job.OptionalString("description"));
  if (description) plan.description = description->text;

  NameScope scope;
  RETURN_NOT_OK(LowerInputs(ctx, job, &scope));
  if (job.Has("steps")) {
    ASSIGN_OR_RETURN(PlanNodePtr last, LowerSteps(ctx, &scope, "steps", job.Value("steps"),
                                                  job.KeyPos("steps"), nullptr));
    (void)last;  // top-level steps are read by name; the last one is not special
  }
  RETURN_NOT_OK(LowerOutputs(ctx, job, scope, &plan));
  return plan;
}

// A --var the spec never mentions is almost always a typo ("outptu=..."): refuse it rather
// than run with the variable the user meant left at its default or missing.
Status CheckVarsUsed(std::string_view path, std::string_view text, const YAML::Node& root,
                     const JobVars& given) {
  std::vector<std::string> used = TemplateNames(text);
  std::set<std::string> known(used.begin(), used.end());
  if (root.IsMap() && root["vars"] && root["vars"].IsMap()) {
    for (const auto& kv : root["vars"]) known.insert(kv.first.as<std::string>(""));
  }
  for (const auto& [name, value] : given) {
    if (known.count(name)) continue;
    std::string list;
    for (const auto& k : known) list += (list.empty() ? "" : ", ") + k;
    return Status::InvalidArgument("--var " + name + ": " + std::string(path) +
                                   " has no variable '" + name + "' (its variables: " +
                                   (list.empty() ? "none" : list) + ")");
  }
  return Status::OK();
}

}  // namespace

Result<JobPlan> ParseJobSpec(std::string_view text, std::string_view path, const JobVars& vars) {
  // yaml-cpp skips a UTF-8 BOM; dropping it here keeps our line table aligned with its marks.
  if (text.substr(0, 3) == "\xEF\xBB\xBF") text.remove_prefix(3);
  SpecSource source(std::string(path), text);
  YAML::Node root;
  try {
    root = YAML::Load(std::string(text));
  } catch (const YAML::Exception& e) {
    return ErrorAt(source.Pos(e.mark.line, e.mark.column), "YAML syntax error: " + e.msg);
  }
  RETURN_NOT_OK(CheckVarsUsed(path, text, root, vars));
  try {
    return LowerJob(source, root, vars);
  } catch (const std::exception& e) {
    return Status::Internal(std::string(path) +
                            ": unexpected error reading the job spec: " + e.what());
  }
}

Result<JobPlan> LoadJobSpec(std::string_view uri, const JobVars& vars) {
  ASSIGN_OR_RETURN(storage::Location location, storage::ResolveUri(uri));
  Result<std::string> text = location.store->Get(location.key);
  if (!text.ok()) return text.status().WithContext("reading job spec " + std::string(uri));
  return ParseJobSpec(*text, uri, vars);
}

Result<std::pair<std::string, std::string>> ParseVarAssignment(std::string_view text) {
  size_t eq = text.find('=');
  if (eq == std::string_view::npos) {
    return Status::InvalidArgument("--var expects name=value, found '" + std::string(text) + "'");
  }
  std::string name(text.substr(0, eq));
  if (!IsIdentifier(name)) {
    return Status::InvalidArgument("--var '" + std::string(text) + "': '" + name +
                                   "' is not a variable name (letters, digits and '_', not "
                                   "starting with a digit)");
  }
  return std::make_pair(name, std::string(text.substr(eq + 1)));
}

}  // namespace sluice::engine
