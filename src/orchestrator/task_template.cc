// Rendering: evaluates each parsed {{ expr }} against a TemplateContext.
#include "orchestrator/task_template.h"

#include "orchestrator/template_parser.h"

namespace sluice::orchestrator {

namespace {

using nlohmann::json;

std::string_view TypeName(const json& v) {
  switch (v.type()) {
    case json::value_t::object:
      return "an object";
    case json::value_t::array:
      return "a list";
    case json::value_t::string:
      return "a string";
    case json::value_t::boolean:
      return "a boolean";
    case json::value_t::null:
      return "null";
    default:
      return "a number";
  }
}

std::string Excerpt(std::string_view text) {
  constexpr size_t kMax = 80;
  if (text.size() <= kMax) return std::string(text);
  return std::string(text.substr(0, kMax)) + "...";
}

class Evaluator {
 public:
  Evaluator(std::string_view text, const TemplateContext& ctx) : text_(text), ctx_(ctx) {}

  Result<json> Eval(const TemplateExpr& e) {
    size_t next = 0;
    json value;
    switch (e.kind) {
      case TemplateExpr::Kind::kString:
        value = e.text;
        break;
      case TemplateExpr::Kind::kInteger:
        value = e.integer;
        break;
      case TemplateExpr::Kind::kXCom: {
        ASSIGN_OR_RETURN(value, XCom(e));
        break;
      }
      case TemplateExpr::Kind::kName: {
        ASSIGN_OR_RETURN(value, Name(e, &next));
        break;
      }
    }
    for (size_t i = next; i < e.accessors.size(); ++i) {
      ASSIGN_OR_RETURN(value, Access(std::move(value), e, i));
    }
    return value;
  }

 private:
  // The text of `e` up to (not including) accessor `i`, for messages.
  std::string Prefix(const TemplateExpr& e, size_t i) const {
    size_t end = i == 0 ? e.primary_end : e.accessors[i - 1].end;
    return std::string(text_.substr(e.begin, end - e.begin));
  }

  // A key an accessor names: `.field`, or `[expr]` evaluating to a string.
  Result<std::optional<std::string>> KeyOf(const TemplateAccessor& a) {
    if (!a.index) return std::optional<std::string>(a.field);
    ASSIGN_OR_RETURN(json index, Eval(*a.index));
    if (index.is_string()) return std::optional<std::string>(index.get<std::string>());
    return std::optional<std::string>();
  }

  Result<json> Name(const TemplateExpr& e, size_t* next) {
    if (e.text == "var") return Variable(e, next);
    auto it = ctx_.names.is_object() ? ctx_.names.find(e.text) : ctx_.names.end();
    if (it == ctx_.names.end()) return Status::NotFound("unknown name '" + e.text + "'");
    return *it;
  }

  // var.x (the text), var.value.x (the same, Airflow's spelling) and var.json.x (parsed).
  Result<json> Variable(const TemplateExpr& e, size_t* next) {
    std::optional<std::string> name;
    if (!e.accessors.empty()) {
      ASSIGN_OR_RETURN(name, KeyOf(e.accessors[0]));
    }
    if (!name) return Status::InvalidArgument("'var' needs a variable name: var.name");
    *next = 1;
    bool as_json = false;
    if ((*name == "value" || *name == "json") && e.accessors.size() > 1) {
      as_json = *name == "json";
      ASSIGN_OR_RETURN(name, KeyOf(e.accessors[1]));
      if (!name) return Status::InvalidArgument("'" + Prefix(e, 1) + "' needs a variable name");
      *next = 2;
    }
    if (!ctx_.variable) return Status::InvalidArgument("variables are not available here");
    ASSIGN_OR_RETURN(std::optional<std::string> value, ctx_.variable(*name));
    if (!value) return Status::NotFound("no variable '" + *name + "'");
    if (!as_json) return json(*value);
    json parsed = json::parse(*value, nullptr, false);
    if (parsed.is_discarded()) {
      return Status::InvalidArgument("variable '" + *name + "' is not valid JSON");
    }
    return parsed;
  }

  Result<std::string> StringArgument(const TemplateExpr& arg, std::string_view what) {
    ASSIGN_OR_RETURN(json v, Eval(arg));
    if (!v.is_string()) {
      return Status::InvalidArgument("xcom(...): the " + std::string(what) + " must be a string, " +
                                     "found " + std::string(TypeName(v)));
    }
    return v.get<std::string>();
  }

  Result<json> XCom(const TemplateExpr& e) {
    ASSIGN_OR_RETURN(std::string task, StringArgument(*e.xcom_task, "task id"));
    std::string key = "return_value";
    if (e.xcom_key) {
      ASSIGN_OR_RETURN(key, StringArgument(*e.xcom_key, "key"));
    }
    if (!ctx_.xcom) return Status::InvalidArgument("XCom is not available here");
    ASSIGN_OR_RETURN(std::optional<json> value, ctx_.xcom(task, key));
    if (!value) return Status::NotFound("no XCom '" + key + "' from task " + task);
    return std::move(*value);
  }

  Result<json> Access(json value, const TemplateExpr& e, size_t i) {
    const TemplateAccessor& a = e.accessors[i];
    json index = a.field;
    if (a.index) {
      ASSIGN_OR_RETURN(index, Eval(*a.index));
    }
    if (index.is_string()) {
      const std::string key = index.get<std::string>();
      if (!value.is_object()) {
        return Status::InvalidArgument("'" + Prefix(e, i) + "' is " + std::string(TypeName(value)) +
                                       ", it has no key '" + key + "'");
      }
      auto it = value.find(key);
      if (it == value.end()) {
        return Status::NotFound("'" + Prefix(e, i) + "' has no key '" + key + "'");
      }
      return std::move(*it);
    }
    if (!index.is_number_integer()) {
      return Status::InvalidArgument("an index must be a string or an integer, found " +
                                     std::string(TypeName(index)));
    }
    const int64_t n = index.get<int64_t>();
    if (!value.is_array()) {
      return Status::InvalidArgument("'" + Prefix(e, i) + "' is " + std::string(TypeName(value)) +
                                     ", not a list: cannot take [" + std::to_string(n) + "]");
    }
    const int64_t size = static_cast<int64_t>(value.size());
    const int64_t at = n < 0 ? size + n : n;
    if (at < 0 || at >= size) {
      return Status::NotFound("'" + Prefix(e, i) + "' has no item [" + std::to_string(n) +
                              "] (it has " + std::to_string(size) + ")");
    }
    return std::move(value[static_cast<size_t>(at)]);
  }

  std::string_view text_;
  const TemplateContext& ctx_;
};

std::string ToText(const json& v) {
  if (v.is_string()) return v.get<std::string>();
  return v.dump();
}

Status SyntaxError(std::string_view text, const TemplateIssue& issue) {
  return Status::ParseError("template '" + Excerpt(text) + "': " + issue.message +
                            " (at character " + std::to_string(issue.offset + 1) + ")");
}

Status RenderJsonInto(const json& value, const TemplateContext& ctx, const std::string& path,
                      json* out) {
  if (value.is_string()) {
    Result<std::string> s = Render(value.get_ref<const std::string&>(), ctx);
    if (!s.ok()) return path.empty() ? s.status() : s.status().WithContext(path);
    *out = std::move(*s);
  } else if (value.is_array()) {
    *out = json::array();
    for (size_t i = 0; i < value.size(); ++i) {
      json item;
      RETURN_NOT_OK(RenderJsonInto(value[i], ctx, path + "[" + std::to_string(i) + "]", &item));
      out->push_back(std::move(item));
    }
  } else if (value.is_object()) {
    *out = json::object();
    for (auto it = value.begin(); it != value.end(); ++it) {
      const std::string child = path.empty() ? it.key() : path + "." + it.key();
      RETURN_NOT_OK(RenderJsonInto(it.value(), ctx, child, &(*out)[it.key()]));
    }
  } else {
    *out = value;
  }
  return Status::OK();
}

}  // namespace

Result<std::string> Render(std::string_view text, const TemplateContext& ctx) {
  if (text.find("{{") == std::string_view::npos) return std::string(text);
  auto parsed = ParseTemplate(text);
  if (const TemplateIssue* issue = std::get_if<TemplateIssue>(&parsed)) {
    return SyntaxError(text, *issue);
  }
  std::string out;
  for (const TemplateSegment& seg : std::get<ParsedTemplate>(parsed)) {
    out += seg.literal;
    if (!seg.expr) continue;
    Result<json> value = Evaluator(text, ctx).Eval(*seg.expr);
    if (!value.ok()) {
      return value.status().WithContext(
          "template '" + std::string(text.substr(seg.begin, seg.end - seg.begin)) + "'");
    }
    out += ToText(*value);
  }
  return out;
}

Result<nlohmann::json> RenderJson(const nlohmann::json& value, const TemplateContext& ctx,
                                  std::string_view name) {
  json out;
  RETURN_NOT_OK(RenderJsonInto(value, ctx, std::string(name), &out));
  return out;
}

std::optional<TemplateIssue> FindTemplateSyntaxError(std::string_view text) {
  if (text.find("{{") == std::string_view::npos) return std::nullopt;
  auto parsed = ParseTemplate(text);
  if (TemplateIssue* issue = std::get_if<TemplateIssue>(&parsed)) return std::move(*issue);
  return std::nullopt;
}

Status CheckTemplateSyntax(std::string_view text) {
  std::optional<TemplateIssue> issue = FindTemplateSyntaxError(text);
  return issue ? SyntaxError(text, *issue) : Status::OK();
}

}  // namespace sluice::orchestrator
