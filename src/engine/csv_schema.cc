#include "engine/csv_schema.h"

#include <unordered_map>

namespace sluice::engine {

namespace {

std::string NameList(const std::vector<Field>& fields) {
  std::string out;
  for (const auto& f : fields) {
    if (!out.empty()) out += ", ";
    out += f.name;
  }
  return out;
}

Status CheckNames(const std::vector<Field>& fields, std::string_view what, std::string_view uri) {
  std::unordered_map<std::string_view, size_t> seen;
  for (size_t i = 0; i < fields.size(); ++i) {
    const std::string& name = fields[i].name;
    if (name.empty()) {
      return Status::ParseError(std::string(uri) + ": " + std::string(what) + " column " +
                                std::to_string(i + 1) + " has an empty name");
    }
    auto [it, inserted] = seen.emplace(name, i);
    if (!inserted) {
      return Status::ParseError(std::string(uri) + ": " + std::string(what) + " names column '" +
                                name + "' twice (columns " + std::to_string(it->second + 1) +
                                " and " + std::to_string(i + 1) + ")");
    }
  }
  return Status::OK();
}

Status MatchSchema(const std::vector<Field>& header, const std::vector<Field>& schema,
                   std::string_view uri) {
  for (size_t i = 0; i < std::max(header.size(), schema.size()); ++i) {
    if (i < header.size() && i < schema.size() && header[i].name == schema[i].name) continue;
    std::string found = i < header.size() ? "'" + header[i].name + "'" : "nothing";
    std::string expected = i < schema.size() ? "'" + schema[i].name + "'" : "no column";
    return Status::InvalidArgument(
        std::string(uri) + ": header does not match the schema: column " + std::to_string(i + 1) +
        " is " + found + " in the header but " + expected +
        " in the schema (header: " + NameList(header) + "; schema: " + NameList(schema) + ")");
  }
  return Status::OK();
}

Result<std::vector<Field>> FileFields(const std::vector<std::string>& header_names,
                                      const CsvReadOptions& options, std::string_view uri) {
  std::vector<Field> fields;
  if (!options.header) {
    if (options.schema.empty()) {
      return Status::InvalidArgument(std::string(uri) +
                                     ": a schema is required to read a CSV file without a header");
    }
    RETURN_NOT_OK(CheckNames(options.schema, "schema", uri));
    return options.schema;
  }
  for (const auto& name : header_names) fields.push_back(Field{name, TypeId::kString});
  RETURN_NOT_OK(CheckNames(fields, "header", uri));
  if (!options.schema.empty()) {
    RETURN_NOT_OK(MatchSchema(fields, options.schema, uri));
    return options.schema;
  }
  return fields;
}

}  // namespace

Result<CsvParsePlan> PlanCsvColumns(const std::vector<std::string>& header_names,
                                    const CsvReadOptions& options, std::string_view uri,
                                    Schema* schema) {
  ASSIGN_OR_RETURN(std::vector<Field> fields, FileFields(header_names, options, uri));
  Schema file{fields};
  for (const auto& [name, type] : options.column_types) {
    int i = file.IndexOf(name);
    if (i < 0) {
      return Status::InvalidArgument(std::string(uri) + ": column_types names unknown column '" +
                                     name + "' (columns: " + NameList(fields) + ")");
    }
    if (options.schema.empty()) fields[i].type = type;
  }
  std::vector<bool> projected(fields.size(), options.columns.empty());
  for (const auto& name : options.columns) {
    int i = file.IndexOf(name);
    if (i < 0) {
      return Status::InvalidArgument(std::string(uri) + ": unknown column '" + name +
                                     "' (columns: " + NameList(fields) + ")");
    }
    projected[i] = true;
  }

  CsvParsePlan plan;
  plan.num_fields = static_cast<int>(fields.size());
  plan.delimiter = options.delimiter;
  plan.quote = options.quote;
  plan.mode = options.mode;
  schema->fields.clear();
  for (size_t i = 0; i < fields.size(); ++i) {
    plan.field_names.push_back(fields[i].name);
    if (!projected[i]) {
      plan.output_of_field.push_back(-1);
      continue;
    }
    plan.output_of_field.push_back(static_cast<int>(schema->fields.size()));
    plan.output_types.push_back(fields[i].type);
    plan.output_dicts.push_back(nullptr);
    schema->fields.push_back(fields[i]);
  }
  return plan;
}

}  // namespace sluice::engine
