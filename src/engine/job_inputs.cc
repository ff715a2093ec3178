// Lowering one entry of `inputs:` to a kScan node: where the file is and how to read it.
#include <algorithm>
#include <cctype>

#include "common/ascii.h"
#include "engine/job_steps.h"

namespace sluice::engine {

namespace {

Result<TypeId> TypeAt(const Scalar& type) {
  Result<TypeId> id = ParseTypeName(type.text);
  if (!id.ok()) return ErrorAt(type.pos, id.status().message());
  return id;
}

// One schema item: {name: type} or "name:type".
Result<Field> SchemaField(const SpecContext& ctx, const YAML::Node& item, const SourcePos& where) {
  if (item.IsMap()) {
    ASSIGN_OR_RETURN(MapReader one, MapReader::Make(ctx, item, where, "schema item"));
    if (one.entries().size() != 1) {
      return ErrorAt(one.pos(), "schema: expected one {name: type} per item");
    }
    ASSIGN_OR_RETURN(Scalar name, one.KeyScalar(one.entries()[0]));
    ASSIGN_OR_RETURN(Scalar type, ReadScalar(ctx, one.entries()[0].value, name.pos, name.text));
    ASSIGN_OR_RETURN(TypeId id, TypeAt(type));
    return Field{name.text, id};
  }
  ASSIGN_OR_RETURN(Scalar text, ReadScalar(ctx, item, where, "schema"));
  size_t colon = text.text.rfind(':');
  if (colon == std::string::npos || colon == 0) {
    return ErrorAt(text.pos,
                   "schema: expected 'name:type' or {name: type}, found '" + text.text + "'");
  }
  size_t type_at = text.text.find_first_not_of(' ', colon + 1);
  if (type_at == std::string::npos) type_at = text.text.size();
  Result<TypeId> id = ParseTypeName(text.text.substr(type_at));
  if (!id.ok()) return ErrorAt(text.At(type_at), id.status().message());
  std::string name = text.text.substr(0, colon);
  name.erase(name.find_last_not_of(' ') + 1);
  return Field{name, *id};
}

Status ReadSchema(const MapReader& in, CsvReadOptions* csv) {
  if (!in.Has("schema")) return Status::OK();
  ASSIGN_OR_RETURN(std::vector<YAML::Node> items,
                   ReadList(in.context(), in.Value("schema"), in.KeyPos("schema"), "schema"));
  for (const YAML::Node& item : items) {
    ASSIGN_OR_RETURN(Field f, SchemaField(in.context(), item, in.KeyPos("schema")));
    for (const Field& g : csv->schema) {
      if (g.name == f.name) {
        return in.context().Error(item, "schema: column '" + f.name + "' is given twice");
      }
    }
    csv->schema.push_back(std::move(f));
  }
  if (csv->schema.empty()) return in.ErrorAt("schema", "schema: expected at least one column");
  return Status::OK();
}

Status ReadTypes(const MapReader& in, CsvReadOptions* csv) {
  if (!in.Has("types")) return Status::OK();
  if (in.Has("schema")) {
    return ErrorAt(in.KeyPos("types"),
                   "types: give either schema (every column, in file order) or types (some "
                   "columns by name), not both");
  }
  ASSIGN_OR_RETURN(MapReader types,
                   MapReader::Make(in.context(), in.Value("types"), in.KeyPos("types"), "types"));
  for (const MapReader::Entry& entry : types.entries()) {
    ASSIGN_OR_RETURN(Scalar name, types.KeyScalar(entry));
    ASSIGN_OR_RETURN(Scalar type, ReadScalar(in.context(), entry.value, name.pos, name.text));
    ASSIGN_OR_RETURN(TypeId id, TypeAt(type));
    csv->column_types[name.text] = id;
  }
  return Status::OK();
}

Status ReadColumns(const MapReader& in, CsvReadOptions* csv) {
  if (!in.Has("columns")) return Status::OK();
  ASSIGN_OR_RETURN(std::vector<YAML::Node> items,
                   ReadList(in.context(), in.Value("columns"), in.KeyPos("columns"), "columns"));
  for (const YAML::Node& item : items) {
    ASSIGN_OR_RETURN(Scalar name, ReadScalar(in.context(), item, in.KeyPos("columns"), "columns"));
    if (std::find(csv->columns.begin(), csv->columns.end(), name.text) != csv->columns.end()) {
      return ErrorAt(name.pos, "columns: '" + name.text + "' is given twice");
    }
    csv->columns.push_back(name.text);
  }
  if (csv->columns.empty()) return in.ErrorAt("columns", "columns: expected at least one column");
  return Status::OK();
}

Status ReadDialect(const MapReader& in, CsvReadOptions* csv) {
  ASSIGN_OR_RETURN(std::optional<Scalar> format, in.OptionalString("format"));
  if (format && AsciiLower(format->text) != "csv") {
    return ErrorAt(format->pos, "format: only csv is supported, found '" + format->text + "'");
  }
  ASSIGN_OR_RETURN(csv->header, in.Bool("header", true));
  ASSIGN_OR_RETURN(csv->delimiter, in.Char("delimiter", ','));
  ASSIGN_OR_RETURN(csv->quote, in.Char("quote", '"'));
  if (csv->quote == csv->delimiter) {
    return in.ErrorAt("quote", "quote: must differ from the delimiter");
  }
  ASSIGN_OR_RETURN(std::optional<Scalar> mode, in.OptionalString("mode"));
  if (mode) {
    Result<MalformedMode> m = ParseMalformedMode(AsciiLower(mode->text));
    if (!m.ok()) return ErrorAt(mode->pos, "mode: " + m.status().message());
    csv->mode = *m;
  }
  return Status::OK();
}

}  // namespace

Result<PlanNodePtr> LowerInput(const SpecContext& ctx, const std::string& name,
                               const SourcePos& name_pos, const YAML::Node& node) {
  ASSIGN_OR_RETURN(MapReader in, MapReader::Make(ctx, node, name_pos, "input '" + name + "'"));
  RETURN_NOT_OK(in.CheckKeys({"path", "format", "header", "delimiter", "quote", "mode", "rejects",
                              "schema", "types", "columns"},
                             {"path"}));
  PlanNodePtr scan = NewNode(PlanNode::Kind::kScan, name, name_pos, {});
  ASSIGN_OR_RETURN(Scalar path, in.String("path"));
  if (path.text.empty()) return ErrorAt(path.pos, "path: expected a file path or URI");
  scan->uri = path.text;
  RETURN_NOT_OK(ReadDialect(in, &scan->csv));
  RETURN_NOT_OK(ReadSchema(in, &scan->csv));
  RETURN_NOT_OK(ReadTypes(in, &scan->csv));
  RETURN_NOT_OK(ReadColumns(in, &scan->csv));
  if (!scan->csv.header && scan->csv.schema.empty()) {
    return in.ErrorAt("header",
                      "header: false needs a schema (every column's name and type, in file "
                      "order)");
  }
  ASSIGN_OR_RETURN(std::optional<Scalar> rejects, in.OptionalString("rejects"));
  if (rejects) {
    if (scan->csv.mode != MalformedMode::kPermissive) {
      return ErrorAt(rejects->pos, "rejects: only mode: permissive records rejected rows");
    }
    if (rejects->text.empty()) return ErrorAt(rejects->pos, "rejects: expected a folder URI");
    scan->rejects_uri = rejects->text;
  }
  return scan;
}

}  // namespace sluice::engine
