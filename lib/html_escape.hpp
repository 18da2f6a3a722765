// Text made safe inside the report page: escaping for XML/HTML text and attribute values
// (the page is XHTML-compatible, so only XML's five entities) and percent-encoding of file
// paths for links.
#pragma once

#include <string>
#include <string_view>

namespace hpo {

// Appends `text` escaped for HTML/XML text and attribute values (& < > " '). Control
// characters that XML forbids and invalid UTF-8 bytes become U+FFFD; valid UTF-8 passes
// through unchanged.
void AppendEscaped(std::string& out, std::string_view text);

// AppendEscaped into a new string.
std::string HtmlEscape(std::string_view text);

// Percent-encodes a path for an href (RFC 3986 path characters pass).
std::string UrlPath(const std::string& path);

}  // namespace hpo
