// Lowering one item of `outputs:`: where its rows come from, its own steps, where and how it
// is written, and for_each, which repeats the item once per value of one variable.
#include <algorithm>
#include <cctype>

#include "common/ascii.h"
#include "engine/job_steps.h"
#include "engine/template.h"
#include "storage/object_store.h"

namespace sluice::engine {

namespace {

Status ReadWriteOptions(const MapReader& o, OutputSpec* spec) {
  ASSIGN_OR_RETURN(std::optional<Scalar> format, o.OptionalString("format"));
  if (format && AsciiLower(format->text) != "csv") {
    return ErrorAt(format->pos, "format: only csv is supported, found '" + format->text + "'");
  }
  ASSIGN_OR_RETURN(std::optional<Scalar> mode, o.OptionalString("mode"));
  if (mode) {
    Result<storage::SaveMode> m = storage::ParseSaveMode(AsciiLower(mode->text));
    if (!m.ok()) return ErrorAt(mode->pos, "mode: " + m.status().message());
    spec->mode = *m;
  }
  ASSIGN_OR_RETURN(spec->csv.header, o.Bool("header", true));
  ASSIGN_OR_RETURN(spec->csv.delimiter, o.Char("delimiter", ','));
  ASSIGN_OR_RETURN(std::optional<Scalar> null_value, o.OptionalString("null_value"));
  if (null_value) spec->csv.null_value = null_value->text;
  return Status::OK();
}

// The output item with every variable bound.
Result<OutputSpec> LowerOne(const SpecContext& ctx, const NameScope& scope, const YAML::Node& item,
                            const SourcePos& where) {
  ASSIGN_OR_RETURN(MapReader o, MapReader::Make(ctx, item, where, "output"));
  OutputSpec spec;
  spec.pos = o.pos();
  ASSIGN_OR_RETURN(Scalar name, o.String("name"));
  RETURN_NOT_OK(CheckName(name, "output name"));
  spec.name = name.text;

  NameScope local = scope;  // its steps' names are its own
  PlanNodePtr from;
  if (o.Has("from")) {
    ASSIGN_OR_RETURN(Scalar from_name, o.String("from"));
    ASSIGN_OR_RETURN(from, local.Resolve(from_name));
  }
  if (o.Has("steps")) {
    ASSIGN_OR_RETURN(spec.input, LowerSteps(ctx, &local, spec.name + ".steps", o.Value("steps"),
                                            o.KeyPos("steps"), from));
  } else if (from) {
    spec.input = from;
  } else {
    return ErrorAt(o.pos(), "output '" + spec.name +
                                "' needs 'from' (the input or step whose rows it writes)");
  }
  ASSIGN_OR_RETURN(Scalar path, o.String("path"));
  if (path.text.empty()) return ErrorAt(path.pos, "path: expected a folder path or URI");
  spec.uri = path.text;
  RETURN_NOT_OK(ReadWriteOptions(o, &spec));
  return spec;
}

struct ForEach {
  std::string variable;
  std::vector<std::string> values;
};

Result<ForEach> ReadForEach(const SpecContext& ctx, const MapReader& o) {
  ASSIGN_OR_RETURN(MapReader fe,
                   MapReader::Make(ctx, o.Value("for_each"), o.KeyPos("for_each"), "for_each"));
  if (fe.entries().size() != 1) {
    return ErrorAt(fe.pos(),
                   "for_each: expected one variable and its values, e.g. "
                   "{feature: [companyId, jobType]}");
  }
  const MapReader::Entry& entry = fe.entries()[0];
  ForEach out;
  out.variable = entry.key;
  if (!IsIdentifier(out.variable)) {
    return ctx.Error(entry.key_node, "for_each: '" + out.variable +
                                         "' is not a variable name (letters, digits and '_')");
  }
  ASSIGN_OR_RETURN(std::vector<YAML::Node> items,
                   ReadList(ctx, entry.value, ctx.PosOf(entry.key_node), out.variable));
  if (items.empty()) {
    return ctx.Error(entry.value,
                     "for_each: the list of values for '" + out.variable + "' is empty");
  }
  for (const YAML::Node& item : items) {
    ASSIGN_OR_RETURN(Scalar value, ReadScalar(ctx, item, ctx.PosOf(entry.key_node), out.variable));
    out.values.push_back(value.text);
  }
  return out;
}

}  // namespace

Status LowerOutput(const SpecContext& ctx, const NameScope& scope, const YAML::Node& item,
                   const SourcePos& where, std::vector<OutputSpec>* out) {
  ASSIGN_OR_RETURN(MapReader o, MapReader::Make(ctx, item, where, "output"));
  RETURN_NOT_OK(o.CheckKeys({"name", "for_each", "from", "steps", "path", "format", "mode",
                             "header", "delimiter", "null_value"},
                            {"name", "path"}));
  if (!o.Has("for_each")) {
    ASSIGN_OR_RETURN(OutputSpec spec, LowerOne(ctx, scope, item, where));
    out->push_back(std::move(spec));
    return Status::OK();
  }
  ASSIGN_OR_RETURN(ForEach fe, ReadForEach(ctx, o));
  for (const std::string& value : fe.values) {
    SpecVars vars = *ctx.vars;
    vars[fe.variable] = value;  // the loop variable wins over a --var of the same name
    SpecContext inner{ctx.source, &vars};
    ASSIGN_OR_RETURN(OutputSpec spec, LowerOne(inner, scope, item, where));
    out->push_back(std::move(spec));
  }
  return Status::OK();
}

}  // namespace sluice::engine
