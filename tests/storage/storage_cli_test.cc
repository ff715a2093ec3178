// `sluice storage ls|cat|cp|rm` on the file backend, through the real binary.
#include <gtest/gtest.h>
#include <sys/wait.h>

#include <filesystem>
#include <fstream>
#include <sstream>

#include "temp_dir.h"

namespace sluice::storage {
namespace {

int Sluice(const std::string& args, std::string* out) {
  FILE* p = popen((std::string(SLUICE_BINARY) + " " + args + " 2>&1").c_str(), "r");
  out->clear();
  char buf[4096];
  while (size_t n = fread(buf, 1, sizeof buf, p)) out->append(buf, n);
  int status = pclose(p);
  return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

TEST(StorageCli, CopiesListsPrintsAndRemovesFolders) {
  testing::TempDir dir;
  std::filesystem::create_directories(dir.Path("src/sub"));
  std::ofstream(dir.Path("src/a.csv")) << "x,y\n1,2\n";
  std::ofstream(dir.Path("src/sub/b with space.txt")) << "hello\n";
  std::string out;
  ASSERT_EQ(
      Sluice("storage cp --recursive " + dir.Path("src") + " file://" + dir.Path("dst/"), &out), 0)
      << out;
  ASSERT_EQ(Sluice("storage ls " + dir.Path("dst/"), &out), 0) << out;
  EXPECT_NE(out.find("a.csv"), std::string::npos) << out;
  EXPECT_NE(out.find("PRE  sub/"), std::string::npos) << out;
  EXPECT_EQ(out.find("b with space"), std::string::npos) << "one level only: " << out;
  ASSERT_EQ(Sluice("storage ls -r " + dir.Path("dst"), &out), 0) << out;
  EXPECT_NE(out.find("sub/b with space.txt"), std::string::npos) << out;
  ASSERT_EQ(Sluice("storage cat '" + dir.Path("dst/sub/b with space.txt") + "'", &out), 0);
  EXPECT_EQ(out, "hello\n");
  ASSERT_EQ(Sluice("storage cp " + dir.Path("src/a.csv") + " " + dir.Path("one/"), &out), 0);
  ASSERT_EQ(Sluice("storage cat " + dir.Path("one/a.csv"), &out), 0);
  EXPECT_EQ(out, "x,y\n1,2\n");
  ASSERT_EQ(Sluice("storage rm -r " + dir.Path("dst"), &out), 0) << out;
  EXPECT_FALSE(std::filesystem::exists(dir.Path("dst/a.csv")));
  EXPECT_NE(Sluice("storage ls " + dir.Path("dst/"), &out), 0);
  EXPECT_NE(out.find("no such object or folder"), std::string::npos) << out;
  EXPECT_NE(Sluice("storage rm file://" + dir.Path("nothing/here.csv"), &out), 0);
  EXPECT_NE(Sluice("storage cat file:///etc/../etc/passwd", &out), 0);
  EXPECT_NE(out.find(".."), std::string::npos) << out;
}

}  // namespace
}  // namespace sluice::storage
