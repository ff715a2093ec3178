// The UI's files built into the binary (cmake/embed_assets.cmake), their lookup, and the
// HTML shell filled in for a user.
#include "web/ui_assets.h"

#include <gtest/gtest.h>
#include <stdlib.h>

#include <filesystem>
#include <fstream>
#include <regex>
#include <set>
#include <string>

#include "web/ui_page.h"

namespace sluice::web {
namespace {

class UiAssetsTest : public ::testing::Test {
 protected:
  void SetUp() override { unsetenv("SLUICE_UI_ASSETS"); }
  void TearDown() override { unsetenv("SLUICE_UI_ASSETS"); }
};

TEST_F(UiAssetsTest, ServesTheShellAndStylesheetWithTypesAndETags) {
  auto shell = FindUiAsset("index.html");
  ASSERT_TRUE(shell.has_value());
  EXPECT_EQ(shell->content_type, "text/html; charset=utf-8");
  EXPECT_NE(shell->body.find("<!--sluice:user-->"), std::string::npos);
  EXPECT_NE(shell->body.find("/static/app.js"), std::string::npos);
  ASSERT_GE(shell->etag.size(), 3u);
  EXPECT_EQ(shell->etag.front(), '"');
  EXPECT_EQ(shell->etag.back(), '"');

  auto css = FindUiAsset("app.css");
  ASSERT_TRUE(css.has_value());
  EXPECT_EQ(css->content_type, "text/css; charset=utf-8");
  EXPECT_NE(css->etag, shell->etag);
  // Embedded byte for byte.
  std::ifstream in(std::string(SLUICE_SOURCE_DIR) + "/src/web/assets/app.css", std::ios::binary);
  std::string on_disk((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  EXPECT_EQ(css->body, on_disk);
}

TEST_F(UiAssetsTest, RefusesPathsOutsideTheAssets) {
  for (const char* path : {"", "/index.html", "../server.cc", "a/../index.html", "./index.html",
                           "static//app.css", "no-such-file.js"}) {
    EXPECT_FALSE(FindUiAsset(path).has_value()) << path;
  }
}

// A module imported by another but missing from the binary would break a page only in the
// browser; every relative import must resolve to an embedded file.
TEST_F(UiAssetsTest, EveryImportedModuleIsEmbedded) {
  std::regex import_re(R"((?:from|import\()\s*'\./([A-Za-z0-9_.-]+\.js)')");
  std::set<std::string> modules;
  for (size_t i = 0; i < kUiAssetCount; ++i) {
    const UiAsset& asset = kUiAssets[i];
    if (!asset.path.ends_with(".js")) continue;
    EXPECT_EQ(asset.content_type, "text/javascript; charset=utf-8") << asset.path;
    std::string body(asset.body);
    for (std::sregex_iterator it(body.begin(), body.end(), import_re), end; it != end; ++it) {
      modules.insert((*it)[1]);
    }
  }
  EXPECT_TRUE(modules.count("page_grid.js"));
  for (const std::string& module : modules) {
    EXPECT_TRUE(FindUiAsset(module).has_value()) << module << " is imported but not embedded";
  }
}

TEST_F(UiAssetsTest, AFolderOverridesTheEmbeddedFiles) {
  std::string dir = ::testing::TempDir() + "ui_assets_override";
  std::filesystem::create_directories(dir);
  std::ofstream(dir + "/app.css") << "body { color: red; }";
  setenv("SLUICE_UI_ASSETS", dir.c_str(), 1);
  auto css = FindUiAsset("app.css");
  ASSERT_TRUE(css.has_value());
  EXPECT_EQ(css->body, "body { color: red; }");
  EXPECT_EQ(css->content_type, "text/css; charset=utf-8");
  EXPECT_FALSE(FindUiAsset("../app.css").has_value());
  EXPECT_FALSE(FindUiAsset("index.html").has_value());  // not in that folder
  std::filesystem::remove_all(dir);
}

TEST(UiPageTest, PutsTheEscapedUserIntoTheShell) {
  std::string page = RenderShell("<head>\n<!--sluice:user-->\n</head>", "<b>\"al&ice'", "op");
  EXPECT_EQ(page,
            "<head>\n<meta name=\"sluice-user\" content=\"&lt;b&gt;&quot;al&amp;ice&#39;\">\n"
            "<meta name=\"sluice-role\" content=\"op\">\n</head>");
  EXPECT_EQ(RenderShell("<p>no marker</p>", "a", "b"), "<p>no marker</p>");
}

}  // namespace
}  // namespace sluice::web
