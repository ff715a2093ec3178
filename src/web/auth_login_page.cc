// The sign-in page: self-contained HTML (no script, so it works under the UI's strict
// Content-Security-Policy), styled by the UI's /static/app.css.
#include <string>
#include "common/markup_escape.h"

#include "web/auth_internal.h"

namespace sluice::web {

namespace {

std::string Escape(std::string_view text) { return EscapeHtml(text); }

constexpr const char* kHead = R"(<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Sign in · Sluice</title>
<link rel="icon" href="/static/favicon.svg">
<link rel="stylesheet" href="/static/app.css">
</head>
<body class="login-page">
<main class="login">
<form class="login-form" method="post" action="/login">
<h1 class="login-title">Sluice</h1>
)";

constexpr const char* kFields = R"(<label for="username">Username</label>
<input id="username" name="username" type="text" autocomplete="username" required autofocus>
<label for="password">Password</label>
<input id="password" name="password" type="password" autocomplete="current-password" required>
<button type="submit" class="button primary">Sign in</button>
</form>
</main>
</body>
</html>
)";

}  // namespace

bool IsLocalPath(std::string_view next) {
  if (next.empty() || next[0] != '/') return false;
  if (next.size() > 1 && (next[1] == '/' || next[1] == '\\')) return false;
  for (char c : next) {
    if (c == '\r' || c == '\n' || c == '\\' || static_cast<unsigned char>(c) < 0x20) return false;
  }
  return true;
}

std::string LoginPage(std::string_view next, std::string_view csrf_token, std::string_view error) {
  std::string html = kHead;
  if (!error.empty()) {
    html += "<p class=\"login-error\" role=\"alert\">" + Escape(error) + "</p>\n";
  }
  html += "<input type=\"hidden\" name=\"csrf_token\" value=\"" + Escape(csrf_token) + "\">\n";
  html += "<input type=\"hidden\" name=\"next\" value=\"" + Escape(IsLocalPath(next) ? next : "/") +
          "\">\n";
  html += kFields;
  return html;
}

}  // namespace sluice::web
