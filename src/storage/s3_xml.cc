// A scanner over S3's XML answers: finds elements by name, never builds a tree.
#include "storage/s3_xml.h"
#include "common/markup_escape.h"

#include <cstdint>
#include <cstdlib>

namespace sluice::storage::internal {
namespace {

// Where the start tag <tag> or <tag ...> or <tag/> begins at or after `from`, or npos.
// Sets *inner to the first byte after the start tag and *self_closing.
size_t FindStartTag(std::string_view xml, std::string_view tag, size_t from, size_t* inner,
                    bool* self_closing) {
  for (size_t at = xml.find('<', from); at != std::string_view::npos; at = xml.find('<', at + 1)) {
    if (xml.compare(at + 1, tag.size(), tag) != 0) continue;
    size_t after = at + 1 + tag.size();
    if (after >= xml.size()) return std::string_view::npos;
    char c = xml[after];
    if (c != '>' && c != '/' && c != ' ' && c != '\t' && c != '\r' && c != '\n') continue;
    size_t close = xml.find('>', after);
    if (close == std::string_view::npos) return std::string_view::npos;
    *self_closing = xml[close - 1] == '/';
    *inner = close + 1;
    return at;
  }
  return std::string_view::npos;
}

void AppendUtf8(uint32_t cp, std::string* out) {
  if (cp < 0x80) {
    *out += static_cast<char>(cp);
  } else if (cp < 0x800) {
    *out += static_cast<char>(0xC0 | (cp >> 6));
    *out += static_cast<char>(0x80 | (cp & 0x3F));
  } else if (cp < 0x10000) {
    *out += static_cast<char>(0xE0 | (cp >> 12));
    *out += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
    *out += static_cast<char>(0x80 | (cp & 0x3F));
  } else {
    *out += static_cast<char>(0xF0 | (cp >> 18));
    *out += static_cast<char>(0x80 | ((cp >> 12) & 0x3F));
    *out += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
    *out += static_cast<char>(0x80 | (cp & 0x3F));
  }
}

// Decodes the entity `name` (between '&' and ';'); false if it is not one we know.
bool DecodeEntity(std::string_view name, std::string* out) {
  if (name == "amp")
    *out += '&';
  else if (name == "lt")
    *out += '<';
  else if (name == "gt")
    *out += '>';
  else if (name == "quot")
    *out += '"';
  else if (name == "apos")
    *out += '\'';
  else if (name.size() > 1 && name[0] == '#') {
    bool hex = name[1] == 'x' || name[1] == 'X';
    std::string digits(name.substr(hex ? 2 : 1));
    if (digits.empty()) return false;
    char* end = nullptr;
    unsigned long cp = std::strtoul(digits.c_str(), &end, hex ? 16 : 10);
    if (*end != '\0' || cp > 0x10FFFF) return false;
    AppendUtf8(static_cast<uint32_t>(cp), out);
  } else {
    return false;
  }
  return true;
}

}  // namespace

std::vector<std::string_view> XmlElements(std::string_view xml, std::string_view tag) {
  std::vector<std::string_view> out;
  const std::string end_tag = "</" + std::string(tag) + ">";
  size_t from = 0;
  for (;;) {
    size_t inner = 0;
    bool self_closing = false;
    if (FindStartTag(xml, tag, from, &inner, &self_closing) == std::string_view::npos) break;
    if (self_closing) {
      out.emplace_back();
      from = inner;
      continue;
    }
    size_t end = xml.find(end_tag, inner);
    if (end == std::string_view::npos) break;
    out.push_back(xml.substr(inner, end - inner));
    from = end + end_tag.size();
  }
  return out;
}

std::string XmlText(std::string_view xml, std::string_view tag) {
  std::vector<std::string_view> found = XmlElements(xml, tag);
  return found.empty() ? "" : XmlDecode(found.front());
}

bool XmlHas(std::string_view xml, std::string_view tag) {
  size_t inner = 0;
  bool self_closing = false;
  return FindStartTag(xml, tag, 0, &inner, &self_closing) != std::string_view::npos;
}

std::string XmlDecode(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (size_t i = 0; i < text.size(); ++i) {
    if (text[i] == '&') {
      size_t semi = text.find(';', i + 1);
      if (semi != std::string_view::npos && semi - i <= 10 &&
          DecodeEntity(text.substr(i + 1, semi - i - 1), &out)) {
        i = semi;
        continue;
      }
    }
    out += text[i];
  }
  return out;
}

std::string XmlEscape(std::string_view text) { return EscapeMarkup(text, "&apos;"); }

}  // namespace sluice::storage::internal
