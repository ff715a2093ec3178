#include "engine/csv_reader.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <atomic>
#include <random>

#include "csv_test_util.h"

namespace sluice::engine {
namespace {

using ::testing::HasSubstr;
using testutil::Rows;
using testutil::ScanPath;
using testutil::TempDir;

CsvReadOptions Options(int64_t block_bytes = 4 << 20) {
  CsvReadOptions options;
  options.block_bytes = block_bytes;
  return options;
}

TEST(CsvReaderTest, ReadsHeaderAndRowsAsStrings) {
  TempDir dir;
  auto path = dir.Write("a.csv", "id,name\n1,ann\n2,bob\n");
  auto r = ScanPath(path, Options());
  ASSERT_TRUE(r.status.ok()) << r.status.ToString();
  EXPECT_EQ(r.schema.ToString(), "id:string, name:string");
  EXPECT_EQ(r.rows(), (Rows{{"1", "ann"}, {"2", "bob"}}));
  EXPECT_EQ(r.stats.rows, 2);
  EXPECT_EQ(r.stats.malformed, 0);
  EXPECT_EQ(r.stats.bytes, 20);
}

TEST(CsvReaderTest, Rfc4180QuotingAndNulls) {
  TempDir dir;
  auto path = dir.Write("a.csv",
                        "a,b,c\n"
                        "\"x,y\",\"say \"\"hi\"\"\",plain\n"
                        "\"line1\nline2\",,\"\"\n"
                        "\"\"\"\",\"a\"\"\"\"b\",\" sp \"\n"
                        " lead , trail ,\"\"\"q\"\"\"\n");
  auto r = ScanPath(path, Options());
  ASSERT_TRUE(r.status.ok()) << r.status.ToString();
  EXPECT_EQ(r.rows(), (Rows{{"x,y", "say \"hi\"", "plain"},
                            {"line1\nline2", "<null>", ""},
                            {"\"", "a\"\"b", " sp "},
                            {" lead ", " trail ", "\"q\""}}));
}

TEST(CsvReaderTest, BomCrlfNoFinalNewlineAndBlankLines) {
  TempDir dir;
  auto path = dir.Write("a.csv",
                        "\xEF\xBB\xBFid,v\r\n"
                        "1,a\r\n"
                        "\r\n"
                        "2,\"b\r\nc\"\r\n"
                        "\n"
                        "3,\"d\"\r\n"
                        "4,e");
  auto r = ScanPath(path, Options());
  ASSERT_TRUE(r.status.ok()) << r.status.ToString();
  EXPECT_EQ(r.schema.fields[0].name, "id");
  EXPECT_EQ(r.rows(), (Rows{{"1", "a"}, {"2", "b\r\nc"}, {"3", "d"}, {"4", "e"}}));

  auto trailing = dir.Write("b.csv", "id,v\n1,a\n\n\r\n\n");
  auto t = ScanPath(trailing, Options());
  ASSERT_TRUE(t.status.ok()) << t.status.ToString();
  EXPECT_EQ(t.rows(), (Rows{{"1", "a"}}));
}

TEST(CsvReaderTest, HeaderOnlyAndHeaderWithoutNewline) {
  TempDir dir;
  auto r = ScanPath(dir.Write("a.csv", "id,v"), Options());
  ASSERT_TRUE(r.status.ok()) << r.status.ToString();
  EXPECT_EQ(r.schema.size(), 2);
  EXPECT_TRUE(r.rows().empty());

  auto b = ScanPath(dir.Write("b.csv", "\xEF\xBB\xBF\"i\"\"d\",v\r\n"), Options());
  ASSERT_TRUE(b.status.ok()) << b.status.ToString();
  EXPECT_EQ(b.schema.fields[0].name, "i\"d");
}

TEST(CsvReaderTest, WithoutHeaderNeedsSchema) {
  TempDir dir;
  auto path = dir.Write("a.csv",
                        "\xEF\xBB\xBF"
                        "1,x\n2,y\n");
  CsvReadOptions options = Options();
  options.header = false;
  auto missing = ScanPath(path, options);
  EXPECT_EQ(missing.status.code(), StatusCode::kInvalidArgument);
  EXPECT_THAT(missing.status.message(), HasSubstr("a.csv"));
  EXPECT_THAT(missing.status.message(), HasSubstr("schema is required"));

  options.schema = {{"n", TypeId::kInt64}, {"s", TypeId::kString}};
  auto r = ScanPath(path, options);
  ASSERT_TRUE(r.status.ok()) << r.status.ToString();
  EXPECT_EQ(r.rows(), (Rows{{"1", "x"}, {"2", "y"}}));
}

TEST(CsvReaderTest, HeaderErrorsNameTheFile) {
  TempDir dir;
  auto dup = ScanPath(dir.Write("dup.csv", "a,b,a\n1,2,3\n"), Options());
  EXPECT_EQ(dup.status.code(), StatusCode::kParseError);
  EXPECT_THAT(dup.status.message(), HasSubstr("dup.csv"));
  EXPECT_THAT(dup.status.message(), HasSubstr("'a' twice"));

  auto empty_name = ScanPath(dir.Write("empty_name.csv", "a,,c\n"), Options());
  EXPECT_EQ(empty_name.status.code(), StatusCode::kParseError);
  EXPECT_THAT(empty_name.status.message(), HasSubstr("empty_name.csv: header column 2"));

  auto empty = ScanPath(dir.Write("empty.csv", ""), Options());
  EXPECT_EQ(empty.status.code(), StatusCode::kParseError);
  EXPECT_THAT(empty.status.message(), HasSubstr("empty.csv: the file is empty"));

  auto blank = ScanPath(dir.Write("blank.csv", "\xEF\xBB\xBF\n\r\n"), Options());
  EXPECT_THAT(blank.status.message(), HasSubstr("blank.csv: the file is empty"));

  auto missing = ScanPath(dir.path() + "/nope.csv", Options());
  EXPECT_FALSE(missing.status.ok());
  EXPECT_THAT(missing.status.message(), HasSubstr("nope.csv"));
}

TEST(CsvReaderTest, SchemaMustMatchHeader) {
  TempDir dir;
  auto path = dir.Write("a.csv", "a,b\n1,2\n");
  CsvReadOptions options = Options();
  options.schema = {{"a", TypeId::kInt64}, {"c", TypeId::kInt64}};
  auto r = ScanPath(path, options);
  EXPECT_EQ(r.status.code(), StatusCode::kInvalidArgument);
  EXPECT_THAT(r.status.message(), HasSubstr("a.csv: header does not match the schema: column 2"));

  options.schema = {{"a", TypeId::kInt64}, {"b", TypeId::kInt64}};
  auto ok = ScanPath(path, options);
  ASSERT_TRUE(ok.status.ok()) << ok.status.ToString();
  EXPECT_EQ(ok.schema.ToString(), "a:int64, b:int64");
}

TEST(CsvReaderTest, UnknownColumnsAreErrors) {
  TempDir dir;
  auto path = dir.Write("a.csv", "a,b\n1,2\n");
  CsvReadOptions options = Options();
  options.columns = {"b", "zz"};
  auto r = ScanPath(path, options);
  EXPECT_EQ(r.status.code(), StatusCode::kInvalidArgument);
  EXPECT_THAT(r.status.message(), HasSubstr("a.csv: unknown column 'zz'"));

  options.columns.clear();
  options.column_types = {{"q", TypeId::kInt64}};
  auto t = ScanPath(path, options);
  EXPECT_EQ(t.status.code(), StatusCode::kInvalidArgument);
  EXPECT_THAT(t.status.message(), HasSubstr("column_types names unknown column 'q'"));
  EXPECT_THAT(t.status.message(), HasSubstr("a.csv"));
}

TEST(CsvReaderTest, TypedColumns) {
  TempDir dir;
  auto path = dir.Write("a.csv",
                        "i,d,b,s\n"
                        "42,1.5,true,x\n"
                        "-7,1e3,FALSE,\n"
                        ",,,\"\"\n"
                        "+3,-0.25,True,y\n"
                        "9223372036854775807,NaN,false,z\n"
                        "\"5\",\"inf\",\"\",w\n");
  CsvReadOptions options = Options();
  options.column_types = {{"i", TypeId::kInt64}, {"d", TypeId::kDouble}, {"b", TypeId::kBool}};
  auto r = ScanPath(path, options);
  ASSERT_TRUE(r.status.ok()) << r.status.ToString();
  EXPECT_EQ(r.schema.ToString(), "i:int64, d:double, b:bool, s:string");
  EXPECT_EQ(r.rows(), (Rows{{"42", "1.5", "true", "x"},
                            {"-7", "1000.0", "false", "<null>"},
                            {"<null>", "<null>", "<null>", ""},
                            {"3", "-0.25", "true", "y"},
                            {"9223372036854775807", "NaN", "false", "z"},
                            {"5", "Infinity", "<null>", "w"}}));
}

TEST(CsvReaderTest, BadValuesFailFastWithLine) {
  TempDir dir;
  auto path = dir.Write("data.csv",
                        "name,salary\n"
                        "a,1\n"
                        "\"multi\nline\",2\n"
                        "c,abc\n");
  CsvReadOptions options = Options();
  options.column_types = {{"salary", TypeId::kInt64}};
  auto r = ScanPath(path, options);
  EXPECT_EQ(r.status.code(), StatusCode::kParseError);
  EXPECT_EQ(r.status.message(), path + ":5: column salary: 'abc' is not an int64");

  dir.Write("d.csv", "x,y\n1,2.5x\n");
  options.column_types = {{"y", TypeId::kDouble}};
  auto d = ScanPath(dir.path() + "/d.csv", options);
  EXPECT_EQ(d.status.message(), dir.path() + "/d.csv:2: column y: '2.5x' is not a double");

  dir.Write("e.csv", "x,y\n1,yes\n");
  options.column_types = {{"y", TypeId::kBool}};
  auto e = ScanPath(dir.path() + "/e.csv", options);
  EXPECT_EQ(e.status.message(), dir.path() + "/e.csv:2: column y: 'yes' is not a bool");

  dir.Write("f.csv", "x,y\n1, 2\n");
  options.column_types = {{"y", TypeId::kInt64}};
  auto f = ScanPath(dir.path() + "/f.csv", options);
  EXPECT_EQ(f.status.message(), dir.path() + "/f.csv:2: column y: ' 2' is not an int64");
}

// A file whose malformed rows sit after quoted newlines, blank lines and CRLF endings.
std::string DirtyFile() {
  return "a,b,c\n"               // 1
         "1,2,3\n"               // 2
         "\"q\nq\",5,6\n"        // 3-4
         "7,8\n"                 // 5  too few
         "\n"                    // 6  blank
         "9,10,11\r\n"           // 7
         "12,13,14,15\n"         // 8  too many
         "\"x\n\ny\",\"z\",w\n"  // 9-11
         "a\"b\"c,1,2\n"         // 12 stray quotes
         "3,\"4\",5\n"           // 13
         "\"c\"d,1,2\n"          // 14 char after closing quote
         "16,17,18\n";           // 15
}

TEST(CsvReaderTest, FailFastReportsFirstMalformedLine) {
  TempDir dir;
  auto path = dir.Write("train_features.csv", DirtyFile());
  for (int64_t block : {int64_t{7}, int64_t{64}, int64_t{4} << 20}) {
    for (int threads : {1, 4}) {
      auto r = ScanPath(path, Options(block), threads);
      EXPECT_EQ(r.status.code(), StatusCode::kParseError);
      EXPECT_EQ(r.status.message(), path + ":5: expected 3 fields, found 2")
          << "block " << block << " threads " << threads;
    }
  }
}

TEST(CsvReaderTest, DropMalformedCountsAndSkips) {
  TempDir dir;
  auto path = dir.Write("a.csv", DirtyFile());
  CsvReadOptions options = Options();
  options.mode = MalformedMode::kDropMalformed;
  auto r = ScanPath(path, options);
  ASSERT_TRUE(r.status.ok()) << r.status.ToString();
  EXPECT_EQ(r.rows(), (Rows{{"1", "2", "3"},
                            {"q\nq", "5", "6"},
                            {"9", "10", "11"},
                            {"x\n\ny", "z", "w"},
                            {"3", "4", "5"},
                            {"16", "17", "18"}}));
  EXPECT_EQ(r.stats.rows, 6);
  EXPECT_EQ(r.stats.malformed, 4);
  EXPECT_TRUE(r.rejects.empty());
}

TEST(CsvReaderTest, PermissiveRecordsRejectsWithExactLines) {
  TempDir dir;
  auto path = dir.Write("a.csv", DirtyFile());
  for (int64_t block : {int64_t{5}, int64_t{16}, int64_t{64}, int64_t{4} << 20}) {
    for (int threads : {1, 4}) {
      CsvReadOptions options = Options(block);
      options.mode = MalformedMode::kPermissive;
      auto r = ScanPath(path, options, threads);
      ASSERT_TRUE(r.status.ok()) << r.status.ToString();
      EXPECT_EQ(r.stats.rows, 6);
      EXPECT_EQ(r.stats.malformed, 4);
      ASSERT_EQ(r.rejects.size(), 4u) << "block " << block;
      EXPECT_EQ(r.rejects[0].line, 5);
      EXPECT_EQ(r.rejects[0].reason, "expected 3 fields, found 2");
      EXPECT_EQ(r.rejects[0].record, "7,8");
      EXPECT_EQ(r.rejects[1].line, 8);
      EXPECT_EQ(r.rejects[1].reason, "expected 3 fields, found 4");
      EXPECT_EQ(r.rejects[1].record, "12,13,14,15");
      EXPECT_EQ(r.rejects[2].line, 12);
      EXPECT_THAT(r.rejects[2].reason, HasSubstr("column a: quote inside an unquoted field"));
      EXPECT_EQ(r.rejects[2].record, "a\"b\"c,1,2");
      EXPECT_EQ(r.rejects[3].line, 14);
      EXPECT_EQ(r.rejects[3].reason, "column a: unexpected character after a closing quote");
      EXPECT_EQ(r.rejects[3].record, "\"c\"d,1,2");
    }
  }
}

TEST(CsvReaderTest, UnterminatedQuoteAtEnd) {
  TempDir dir;
  auto path = dir.Write("a.csv", "a,b\n1,2\n3,\"open\n4,5\n");
  CsvReadOptions options = Options(8);
  options.mode = MalformedMode::kPermissive;
  auto r = ScanPath(path, options);
  ASSERT_TRUE(r.status.ok()) << r.status.ToString();
  EXPECT_EQ(r.rows(), (Rows{{"1", "2"}}));
  ASSERT_EQ(r.rejects.size(), 1u);
  EXPECT_EQ(r.rejects[0].line, 3);
  EXPECT_EQ(r.rejects[0].reason, "column b: quoted field is not closed");
  EXPECT_EQ(r.rejects[0].record, "3,\"open\n4,5");
}

TEST(CsvReaderTest, ProjectionKeepsFileOrderAndChecksFieldCounts) {
  TempDir dir;
  auto path = dir.Write("a.csv", "a,b,c,d\n1,2,3,4\n5,6,7\n8,9,10,11\n");
  CsvReadOptions options = Options();
  options.columns = {"d", "b"};
  options.column_types = {{"d", TypeId::kInt64}};
  options.mode = MalformedMode::kPermissive;
  auto r = ScanPath(path, options);
  ASSERT_TRUE(r.status.ok()) << r.status.ToString();
  EXPECT_EQ(r.schema.ToString(), "b:string, d:int64");
  EXPECT_EQ(r.rows(), (Rows{{"2", "4"}, {"9", "11"}}));
  ASSERT_EQ(r.rejects.size(), 1u);
  EXPECT_EQ(r.rejects[0].line, 3);
}

TEST(CsvReaderTest, RecordLongerThanBlock) {
  TempDir dir;
  std::string big(5000, 'x');
  std::string quoted = "\"" + std::string(3000, 'y') + "\n" + std::string(3000, 'z') + "\"";
  auto path = dir.Write("a.csv", "a,b\n1," + big + "\n2," + quoted + "\n3,c\n");
  auto r = ScanPath(path, Options(64), 2);
  ASSERT_TRUE(r.status.ok()) << r.status.ToString();
  auto rows = r.rows();
  ASSERT_EQ(rows.size(), 3u);
  EXPECT_EQ(rows[0][1], big);
  EXPECT_EQ(rows[1][1], quoted.substr(1, quoted.size() - 2));
  EXPECT_EQ(rows[2][1], "c");
}

// Random CSV exercising every quoting case, so small blocks cut it everywhere; *expected
// gets the values each field must read back as.
std::string RandomCsv(int rows, uint32_t seed, Rows* expected) {
  std::mt19937 rng(seed);
  const std::vector<std::pair<std::string, std::string>> values = {
      {"a", "a"},         {"", "<null>"},           {"\"\"", ""},
      {"\"x,y\"", "x,y"}, {"\"l1\nl2\"", "l1\nl2"}, {"\"q\"\"q\"", "q\"q"},
      {"123", "123"},     {"\"\r\n\"", "\r\n"},     {"  sp  ", "  sp  "},
      {"COMP1", "COMP1"}, {"\"\"\"\"", "\""}};
  std::string out =
      "\xEF\xBB\xBF"
      "c1,c2,c3\r\n";
  for (int i = 0; i < rows; ++i) {
    std::vector<std::string> row;
    for (int c = 0; c < 3; ++c) {
      if (c > 0) out += ',';
      const auto& [text, value] = values[rng() % values.size()];
      out += text;
      row.push_back(value);
    }
    expected->push_back(std::move(row));
    out += (rng() % 3 == 0) ? "\r\n" : "\n";
    if (rng() % 17 == 0) out += "\n";
  }
  return out;
}

TEST(CsvReaderTest, BlockSizeAndThreadsDoNotChangeResults) {
  TempDir dir;
  Rows expected;
  auto path = dir.Write("r.csv", RandomCsv(3000, 7, &expected));
  auto reference = ScanPath(path, Options(), 1);
  ASSERT_TRUE(reference.status.ok()) << reference.status.ToString();
  ASSERT_EQ(reference.rows(), expected);
  for (int64_t block : {int64_t{1}, int64_t{3}, int64_t{64}, int64_t{1000}}) {
    for (int threads : {1, 4}) {
      auto r = ScanPath(path, Options(block), threads);
      ASSERT_TRUE(r.status.ok()) << r.status.ToString();
      EXPECT_EQ(r.rows(), expected) << "block " << block << " threads " << threads;
      EXPECT_EQ(r.stats.bytes, reference.stats.bytes);
      EXPECT_EQ(r.stats.rows, 3000);
    }
  }
}

// Without any quote, blocks take the parser's bitmask path; it must find the same rows,
// rejects and lines, whatever the block size.
TEST(CsvReaderTest, QuoteFreeBlocksReportExactLines) {
  TempDir dir;
  std::mt19937 rng(11);
  const std::vector<std::string> values = {"a", "", "123", "  sp  ", "COMP1", "x\ry"};
  std::string text = "c1,n,c3\r\n";
  Rows expected;
  std::vector<std::pair<int64_t, std::string>> expected_rejects;
  int64_t line = 2;
  for (int i = 0; i < 2000; ++i) {
    const int kind = rng() % 20;
    std::string record;
    if (kind == 0) {
      record = "only,two";
      expected_rejects.emplace_back(line, "expected 3 fields, found 2");
    } else if (kind == 1) {
      record = "a,notanumber,c";
      expected_rejects.emplace_back(line, "column n: 'notanumber' is not an int64");
    } else if (kind == 2) {
      record = "a,1,b,c";
      expected_rejects.emplace_back(line, "expected 3 fields, found 4");
    } else {
      const std::string& a = values[rng() % values.size()];
      const std::string& c = values[rng() % values.size()];
      int n = static_cast<int>(rng() % 1000) - 500;
      record = a + "," + std::to_string(n) + "," + c;
      expected.push_back({a.empty() ? "<null>" : a, std::to_string(n), c.empty() ? "<null>" : c});
    }
    text += record + (rng() % 2 ? "\r\n" : "\n");
    ++line;
    if (rng() % 13 == 0) {
      text += rng() % 2 ? "\r\n" : "\n";
      ++line;
    }
  }
  auto path = dir.Write("q.csv", text);
  for (int64_t block : {int64_t{1}, int64_t{50}, int64_t{333}, int64_t{1} << 20}) {
    for (int threads : {1, 4}) {
      CsvReadOptions options = Options(block);
      options.mode = MalformedMode::kPermissive;
      options.column_types = {{"n", TypeId::kInt64}};
      auto r = ScanPath(path, options, threads);
      ASSERT_TRUE(r.status.ok()) << r.status.ToString();
      EXPECT_EQ(r.rows(), expected) << "block " << block << " threads " << threads;
      ASSERT_EQ(r.rejects.size(), expected_rejects.size());
      for (size_t i = 0; i < expected_rejects.size(); ++i) {
        EXPECT_EQ(r.rejects[i].line, expected_rejects[i].first);
        EXPECT_EQ(r.rejects[i].reason, expected_rejects[i].second);
      }
      options.mode = MalformedMode::kFailFast;
      auto f = ScanPath(path, options, threads);
      EXPECT_EQ(f.status.message(), path + ":" + std::to_string(expected_rejects[0].first) + ": " +
                                        expected_rejects[0].second);
    }
  }
}

TEST(CsvReaderTest, RepeatingStringsAreDictionaryEncoded) {
  TempDir dir;
  std::string text = "id,kind,n\n";
  for (int i = 0; i < 4000; ++i) {
    text += "JOB" + std::to_string(1000000 + i) + ",K" + std::to_string(i % 5) + "," +
            std::to_string(i) + "\n";
  }
  auto path = dir.Write("a.csv", text);
  auto r = ScanPath(path, Options(16 << 10), 2);
  ASSERT_TRUE(r.status.ok()) << r.status.ToString();
  ASSERT_GT(r.chunks.size(), 2u);
  const auto& dict = r.chunks[0].columns[1]->dict;
  ASSERT_NE(dict, nullptr);
  EXPECT_EQ(dict->size(), 5u);
  for (const auto& chunk : r.chunks) {
    EXPECT_FALSE(chunk.columns[0]->is_dictionary());
    EXPECT_EQ(chunk.columns[1]->dict, dict);
    EXPECT_FALSE(chunk.columns[2]->is_dictionary());
  }
  auto rows = r.rows();
  ASSERT_EQ(rows.size(), 4000u);
  EXPECT_EQ(rows[3999], (std::vector<std::string>{"JOB1003999", "K4", "3999"}));
}

TEST(CsvReaderTest, DictionaryColumnsKeepNulls) {
  TempDir dir;
  std::string two = "k,v\n";
  for (int i = 0; i < 100; ++i) two += (i % 2 ? "a," : ",") + std::to_string(i) + "\n";
  auto path = dir.Write("a.csv", two);
  auto r = ScanPath(path, Options());
  ASSERT_TRUE(r.status.ok());
  ASSERT_TRUE(r.chunks[0].columns[0]->is_dictionary());
  auto rows = r.rows();
  EXPECT_EQ(rows[0][0], "<null>");
  EXPECT_EQ(rows[1][0], "a");
}

TEST(CsvReaderTest, ConsumerErrorStopsTheScan) {
  TempDir dir;
  std::string text = "a\n";
  for (int i = 0; i < 1000; ++i) text += std::to_string(i) + "\n";
  auto location = storage::ResolveUri(dir.Write("a.csv", text));
  ASSERT_TRUE(location.ok());
  CsvReadOptions options = Options(100);
  auto scanner = CsvScanner::Open(*location, options);
  ASSERT_TRUE(scanner.ok());
  std::atomic<int> calls{0};
  Status st = (*scanner)->Scan(
      [&](Chunk&&) {
        ++calls;
        return Status::IoError("sink is full");
      },
      nullptr, 2);
  EXPECT_EQ(st.message(), "sink is full");
  EXPECT_EQ(calls.load(), 1);  // chunk 0 comes first, alone
}

TEST(CsvReaderTest, ProgressGetsBytesAndRows) {
  TempDir dir;
  auto path = dir.Write("a.csv", "a\n1\n2\n3\n");
  auto location = storage::ResolveUri(path);
  ASSERT_TRUE(location.ok());
  auto scanner = CsvScanner::Open(*location, Options(2));
  ASSERT_TRUE(scanner.ok());
  EXPECT_EQ((*scanner)->size_bytes(), 8);
  ProgressBar progress("test", 8);
  ASSERT_TRUE((*scanner)->Scan([](Chunk&&) { return Status::OK(); }, &progress, 2).ok());
  EXPECT_EQ((*scanner)->stats().rows, 3);
  EXPECT_EQ((*scanner)->stats().bytes, 8);
}

}  // namespace
}  // namespace sluice::engine
