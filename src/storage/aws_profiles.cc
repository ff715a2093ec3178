// Parsing of the AWS shared-credentials / config INI format: "[profile]" headers,
// "key = value" lines, full-line '#' and ';' comments, indented sub-settings (skipped).
#include <cctype>
#include <string>

#include "common/ascii.h"
#include "storage/aws_credentials.h"

namespace sluice::storage {
namespace {

std::string_view Trim(std::string_view s) {
  while (!s.empty() && std::isspace(static_cast<unsigned char>(s.front()))) s.remove_prefix(1);
  while (!s.empty() && std::isspace(static_cast<unsigned char>(s.back()))) s.remove_suffix(1);
  return s;
}

// "[name]" or "[profile name]" -> "name"; empty when the line is not a well-formed header.
std::string SectionName(std::string_view line) {
  if (line.size() < 3 || line.front() != '[' || line.back() != ']') return "";
  std::string_view name = Trim(line.substr(1, line.size() - 2));
  if (name.substr(0, 8) == "profile " || name.substr(0, 8) == "profile\t") {
    name = Trim(name.substr(8));
  }
  return std::string(name);
}

Status LineError(std::string_view file, int line_no, std::string_view what) {
  return Status::ParseError(std::string(file) + ":" + std::to_string(line_no) + ": " +
                            std::string(what));
}

// Reads the file line by line; `section_` is empty until the first "[profile]" header.
class ProfileParser {
 public:
  explicit ProfileParser(std::string_view file_name) : file_name_(file_name) {}

  Status Line(std::string_view raw, int line_no) {
    std::string_view line = Trim(raw);
    if (line.empty() || line.front() == '#' || line.front() == ';') return Status::OK();
    // An indented line continues the previous key (nested settings such as "s3 =").
    if (have_key_ && std::isspace(static_cast<unsigned char>(raw.front()))) return Status::OK();
    if (line.front() == '[') {
      section_ = SectionName(line);
      if (section_.empty()) return LineError(file_name_, line_no, "expected '[profile-name]'");
      profiles_[section_];
      have_key_ = false;
      return Status::OK();
    }
    size_t eq = line.find('=');
    if (eq == std::string_view::npos || Trim(line.substr(0, eq)).empty()) {
      return LineError(file_name_, line_no, "expected 'key = value' or '[profile-name]'");
    }
    if (section_.empty()) return LineError(file_name_, line_no, "a setting before any '[profile]'");
    profiles_[section_][AsciiLower(Trim(line.substr(0, eq)))] =
        std::string(Trim(line.substr(eq + 1)));
    have_key_ = true;
    return Status::OK();
  }

  AwsProfiles Take() { return std::move(profiles_); }

 private:
  std::string_view file_name_;
  AwsProfiles profiles_;
  std::string section_;
  bool have_key_ = false;  // whether an indented line can continue a setting
};

}  // namespace

Result<AwsProfiles> ParseAwsProfiles(std::string_view text, std::string_view file_name) {
  ProfileParser parser(file_name);
  for (int line_no = 1; !text.empty(); ++line_no) {
    size_t eol = text.find('\n');
    RETURN_NOT_OK(parser.Line(text.substr(0, eol), line_no));
    text = eol == std::string_view::npos ? std::string_view() : text.substr(eol + 1);
  }
  return parser.Take();
}

}  // namespace sluice::storage
