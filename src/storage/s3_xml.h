// Just enough XML for S3's REST answers and requests (private to storage): the text of named
// elements, entity decoding, and escaping for the bodies Sluice sends (DeleteObjects,
// CompleteMultipartUpload). S3's documents are flat and namespace-free enough for this.
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace sluice::storage::internal {

// The raw inner text of every <tag ...>...</tag> in `xml`, in document order (nested
// elements of another name stay inside). A self-closing <tag/> yields "".
std::vector<std::string_view> XmlElements(std::string_view xml, std::string_view tag);
// The decoded text of the first <tag>, or "" when there is none.
std::string XmlText(std::string_view xml, std::string_view tag);
// Whether `xml` has an element called `tag`.
bool XmlHas(std::string_view xml, std::string_view tag);

// &amp; &lt; &gt; &quot; &apos; and numeric references; anything else stays as it is.
std::string XmlDecode(std::string_view text);
// Escapes & < > " ' so `text` can go inside an element.
std::string XmlEscape(std::string_view text);

}  // namespace sluice::storage::internal
