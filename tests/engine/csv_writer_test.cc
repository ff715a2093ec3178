#include "engine/csv_writer.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <cmath>
#include <filesystem>
#include <limits>
#include <regex>

#include "csv_test_util.h"

namespace sluice::engine {
namespace {

using ::testing::HasSubstr;
using testutil::Rows;
using testutil::ScanPath;
using testutil::TempDir;

std::string Double(double v) {
  std::string s;
  AppendDouble(v, &s);
  return s;
}

TEST(CsvWriterTest, DoublesAreShortestRoundTripText) {
  EXPECT_EQ(Double(1.0), "1.0");
  EXPECT_EQ(Double(0.0), "0.0");
  EXPECT_EQ(Double(-0.0), "-0.0");
  EXPECT_EQ(Double(0.1), "0.1");
  EXPECT_EQ(Double(115.3452), "115.3452");
  EXPECT_EQ(Double(-2.5), "-2.5");
  EXPECT_EQ(Double(1.0 / 3.0), "0.3333333333333333");
  EXPECT_EQ(Double(123456789012.0), "123456789012.0");
  EXPECT_EQ(Double(1e21), "1e+21");
  EXPECT_EQ(Double(1.5e-7), "1.5e-07");
  EXPECT_EQ(Double(std::numeric_limits<double>::quiet_NaN()), "NaN");
  EXPECT_EQ(Double(std::numeric_limits<double>::infinity()), "Infinity");
  EXPECT_EQ(Double(-std::numeric_limits<double>::infinity()), "-Infinity");
  for (double v : {0.1 + 0.2, 1e-300, 6.02214076e23, 98.76543210987654}) {
    EXPECT_EQ(std::stod(Double(v)), v);
  }
}

Table SampleTable() {
  Table t;
  t.schema.fields = {
      {"s", TypeId::kString}, {"i", TypeId::kInt64}, {"d", TypeId::kDouble}, {"b", TypeId::kBool}};
  Chunk c;
  c.num_rows = 4;
  c.columns = {MakeStringColumn({"plain", "a,b", "say \"hi\"", ""}, {1, 1, 1, 1}),
               MakeInt64Column({1, -2, 0, 9}, {1, 1, 0, 1}),
               MakeDoubleColumn({1.0, 2.5, 0, -0.125}, {1, 1, 1, 0}), MakeBoolColumn({1, 0, 1, 0})};
  t.chunks.push_back(c);
  Chunk c2;
  c2.num_rows = 1;
  c2.columns = {MakeStringColumn({"line\nbreak"}), MakeInt64Column({7}), MakeDoubleColumn({3.0}),
                MakeBoolColumn({1}, {0})};
  t.chunks.push_back(c2);
  return t;
}

TEST(CsvWriterTest, FormatsQuotesNullsAndTypes) {
  CsvWriteOptions options;
  EXPECT_EQ(FormatCsv(SampleTable(), options),
            "s,i,d,b\n"
            "plain,1,1.0,true\n"
            "\"a,b\",-2,2.5,false\n"
            "\"say \"\"hi\"\"\",,0.0,true\n"
            "\"\",9,,false\n"
            "\"line\nbreak\",7,3.0,\n");

  options.header = false;
  options.delimiter = ';';
  options.null_value = "NULL";
  EXPECT_EQ(FormatCsv(SampleTable(), options),
            "plain;1;1.0;true\n"
            "a,b;-2;2.5;false\n"
            "\"say \"\"hi\"\"\";NULL;0.0;true\n"
            "\"\";9;NULL;false\n"
            "\"line\nbreak\";7;3.0;NULL\n");
}

TEST(CsvWriterTest, FormatsDictionaryColumnsAndQuotedHeader) {
  auto dict = std::make_shared<Dictionary>();
  auto col = std::make_shared<Column>();
  col->type = TypeId::kString;
  col->length = 3;
  col->dict = dict;
  col->codes = {dict->Intern("x\ry"), dict->Intern("z"), dict->Intern("z")};
  col->validity = {1, 1, 0};
  Table t;
  t.schema.fields = {{"a b,c", TypeId::kString}};
  Chunk c;
  c.num_rows = 3;
  c.columns = {col};
  t.chunks.push_back(c);
  EXPECT_EQ(FormatCsv(t, CsvWriteOptions{}), "\"a b,c\"\n\"x\ry\"\nz\n\n");
}

std::vector<std::string> FolderFiles(const std::string& folder) {
  std::vector<std::string> names;
  for (const auto& e : std::filesystem::directory_iterator(folder)) {
    names.push_back(e.path().filename().string());
  }
  std::sort(names.begin(), names.end());
  return names;
}

TEST(CsvWriterTest, WritesSparkLayoutAndReadsBack) {
  TempDir dir;
  const std::string folder = dir.path() + "/out/by_feature";
  auto written =
      WriteCsvFolder(SampleTable(), folder, storage::SaveMode::kOverwrite, CsvWriteOptions{});
  ASSERT_TRUE(written.ok()) << written.status().ToString();
  EXPECT_TRUE(written->written);
  EXPECT_EQ(written->rows, 5);
  auto files = FolderFiles(folder);
  ASSERT_EQ(files.size(), 2u);
  EXPECT_EQ(files[1], "part-00000-" + files[1].substr(11, 36) + ".csv");
  EXPECT_TRUE(std::regex_match(
      files[1], std::regex("part-00000-[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-"
                           "[0-9a-f]{12}\\.csv")))
      << files[1];
  EXPECT_EQ(files[0], "_SUCCESS");
  EXPECT_EQ(written->part_uri, folder + "/" + files[1]);
  EXPECT_EQ(static_cast<int64_t>(std::filesystem::file_size(folder + "/" + files[1])),
            written->bytes);

  CsvReadOptions read;
  read.column_types = {{"i", TypeId::kInt64}, {"d", TypeId::kDouble}, {"b", TypeId::kBool}};
  auto back = ScanPath(written->part_uri, read);
  ASSERT_TRUE(back.status.ok()) << back.status.ToString();
  EXPECT_EQ(back.rows(), (Rows{{"plain", "1", "1.0", "true"},
                               {"a,b", "-2", "2.5", "false"},
                               {"say \"hi\"", "<null>", "0.0", "true"},
                               {"", "9", "<null>", "false"},
                               {"line\nbreak", "7", "3.0", "<null>"}}));
}

TEST(CsvWriterTest, SaveModes) {
  TempDir dir;
  const std::string folder = dir.path() + "/out";
  const Table table = SampleTable();
  const CsvWriteOptions options;
  ASSERT_TRUE(WriteCsvFolder(table, folder, storage::SaveMode::kOverwrite, options).ok());
  auto first = FolderFiles(folder);

  auto ignored = WriteCsvFolder(table, folder, storage::SaveMode::kIgnore, options);
  ASSERT_TRUE(ignored.ok()) << ignored.status().ToString();
  EXPECT_FALSE(ignored->written);
  EXPECT_EQ(FolderFiles(folder), first);

  auto refused = WriteCsvFolder(table, folder, storage::SaveMode::kErrorIfExists, options);
  EXPECT_EQ(refused.status().code(), StatusCode::kAlreadyExists);
  EXPECT_EQ(FolderFiles(folder), first);

  auto appended = WriteCsvFolder(table, folder, storage::SaveMode::kAppend, options);
  ASSERT_TRUE(appended.ok()) << appended.status().ToString();
  EXPECT_EQ(FolderFiles(folder).size(), 3u);

  auto replaced = WriteCsvFolder(table, folder, storage::SaveMode::kOverwrite, options);
  ASSERT_TRUE(replaced.ok());
  auto now = FolderFiles(folder);
  ASSERT_EQ(now.size(), 2u);
  EXPECT_NE(now, first);  // a fresh part file

  // Nothing is left staged beside the folder.
  EXPECT_EQ(FolderFiles(dir.path()), std::vector<std::string>{"out"});

  auto fresh = WriteCsvFolder(table, dir.path() + "/new", storage::SaveMode::kIgnore, options);
  ASSERT_TRUE(fresh.ok());
  EXPECT_TRUE(fresh->written);
}

TEST(CsvWriterTest, BadUriIsAnError) {
  auto r = WriteCsvFolder(SampleTable(), "ftp://host/x", storage::SaveMode::kOverwrite,
                          CsvWriteOptions{});
  EXPECT_FALSE(r.ok());
  EXPECT_THAT(r.status().message(), HasSubstr("ftp://host/x"));
}

}  // namespace
}  // namespace sluice::engine
