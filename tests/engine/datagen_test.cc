#include "engine/datagen.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <stdlib.h>

#include <filesystem>
#include <fstream>
#include <map>
#include <set>
#include <sstream>

namespace sluice::engine {
namespace {

namespace fs = std::filesystem;
using ::testing::ElementsAre;
using ::testing::HasSubstr;

class TempDir {
 public:
  TempDir() {
    std::string tmpl = (fs::temp_directory_path() / "sluice-datagen-XXXXXX").string();
    path_ = ::mkdtemp(tmpl.data()) ? tmpl : "";
  }
  ~TempDir() {
    std::error_code ec;
    fs::remove_all(path_, ec);
  }
  const std::string& path() const { return path_; }

 private:
  std::string path_;
};

std::string ReadFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

std::vector<std::string> Split(std::string_view s, char sep) {
  std::vector<std::string> out;
  size_t start = 0;
  for (;;) {
    size_t end = s.find(sep, start);
    out.emplace_back(s.substr(start, end == std::string_view::npos ? s.npos : end - start));
    if (end == std::string_view::npos) return out;
    start = end + 1;
  }
}

// The lines of a file, which must end in exactly one LF.
std::vector<std::string> Lines(const std::string& path) {
  std::string text = ReadFile(path);
  EXPECT_TRUE(text.ends_with('\n')) << path;
  EXPECT_EQ(text.find('\r'), std::string::npos) << path;
  EXPECT_EQ(text.find('"'), std::string::npos) << path;
  if (text.ends_with('\n')) text.pop_back();
  return Split(text, '\n');
}

struct Row {
  std::vector<std::string> features;
  int salary = -1;
};

// The generated data set of one folder, checked for shape on the way in.
struct DataSet {
  std::vector<Row> train;
  std::vector<std::vector<std::string>> test;
};

DataSet Load(const std::string& dir) {
  DataSet data;
  auto features = Lines(dir + "/train_features.csv");
  auto salaries = Lines(dir + "/train_salaries.csv");
  auto test = Lines(dir + "/test_features.csv");
  EXPECT_EQ(features.size(), salaries.size());
  for (size_t i = 1; i < features.size() && i < salaries.size(); ++i) {
    auto f = Split(features[i], ',');
    auto s = Split(salaries[i], ',');
    EXPECT_EQ(f.size(), 8u) << features[i];
    EXPECT_EQ(s.size(), 2u) << salaries[i];
    EXPECT_EQ(f[0], s[0]) << "line " << i + 1;
    data.train.push_back({f, std::stoi(s[1])});
  }
  for (size_t i = 1; i < test.size(); ++i) data.test.push_back(Split(test[i], ','));
  return data;
}

Result<SalaryDataResult> Generate(const std::string& dir, int64_t rows, uint64_t seed) {
  SalaryDataOptions options;
  options.rows = rows;
  options.seed = seed;
  options.out_uri = dir;
  return GenerateSalaryData(options, nullptr);
}

class DatagenTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    dir_ = new TempDir();
    auto result = Generate(dir_->path(), 100000, 42);
    ASSERT_TRUE(result.ok()) << result.status().ToString();
    result_ = new SalaryDataResult(*result);
    data_ = new DataSet(Load(dir_->path()));
  }
  static void TearDownTestSuite() {
    delete data_;
    delete result_;
    delete dir_;
  }

  static TempDir* dir_;
  static SalaryDataResult* result_;
  static DataSet* data_;
};
TempDir* DatagenTest::dir_ = nullptr;
SalaryDataResult* DatagenTest::result_ = nullptr;
DataSet* DatagenTest::data_ = nullptr;

TEST_F(DatagenTest, WritesThreeFilesWithTheSeedsHeaders) {
  const std::string& dir = dir_->path();
  EXPECT_THAT(result_->files, ElementsAre(dir + "/train_features.csv", dir + "/train_salaries.csv",
                                          dir + "/test_features.csv"));
  EXPECT_EQ(result_->rows, 100000);
  int64_t bytes = 0;
  for (const auto& f : result_->files) bytes += static_cast<int64_t>(fs::file_size(f));
  EXPECT_EQ(result_->bytes, bytes);
  EXPECT_EQ(Lines(dir + "/train_features.csv")[0],
            "jobId,companyId,jobType,degree,major,industry,yearsExperience,milesFromMetropolis");
  EXPECT_EQ(Lines(dir + "/test_features.csv")[0],
            "jobId,companyId,jobType,degree,major,industry,yearsExperience,milesFromMetropolis");
  EXPECT_EQ(Lines(dir + "/train_salaries.csv")[0], "jobId,salary");
  EXPECT_EQ(data_->train.size(), 100000u);
  EXPECT_EQ(data_->test.size(), 100000u);
  // Nothing else is left in the folder (no temporary files).
  int entries = 0;
  for ([[maybe_unused]] const auto& e : fs::directory_iterator(dir)) ++entries;
  EXPECT_EQ(entries, 3);
}

void CheckFeatures(const std::vector<std::string>& f, std::set<std::string>* seen) {
  static const std::set<std::string> kJobTypes = {"CEO",     "CFO",    "CTO",    "VICE_PRESIDENT",
                                                  "MANAGER", "SENIOR", "JUNIOR", "JANITOR"};
  static const std::set<std::string> kDegrees = {"DOCTORAL", "MASTERS", "BACHELORS", "HIGH_SCHOOL",
                                                 "NONE"};
  static const std::set<std::string> kMajors = {"NONE",       "BIOLOGY",     "CHEMISTRY",
                                                "COMPSCI",    "ENGINEERING", "BUSINESS",
                                                "LITERATURE", "MATH",        "PHYSICS"};
  static const std::set<std::string> kIndustries = {"AUTO", "EDUCATION", "FINANCE", "HEALTH",
                                                    "OIL",  "SERVICE",   "WEB"};
  ASSERT_EQ(f.size(), 8u);
  ASSERT_EQ(f[0].size(), 16u) << f[0];
  EXPECT_EQ(f[0].substr(0, 3), "JOB");
  EXPECT_EQ(f[0].find_first_not_of("0123456789", 3), std::string::npos) << f[0];
  EXPECT_NE(f[0][3], '0') << f[0];
  ASSERT_EQ(f[1].substr(0, 4), "COMP");
  int company = std::stoi(f[1].substr(4));
  EXPECT_TRUE(company >= 0 && company <= 62 && "COMP" + std::to_string(company) == f[1]) << f[1];
  EXPECT_TRUE(kJobTypes.count(f[2])) << f[2];
  EXPECT_TRUE(kDegrees.count(f[3])) << f[3];
  EXPECT_TRUE(kMajors.count(f[4])) << f[4];
  EXPECT_TRUE(kIndustries.count(f[5])) << f[5];
  int years = std::stoi(f[6]), miles = std::stoi(f[7]);
  EXPECT_TRUE(years >= 0 && years <= 24 && std::to_string(years) == f[6]) << f[6];
  EXPECT_TRUE(miles >= 0 && miles <= 99 && std::to_string(miles) == f[7]) << f[7];
  for (int i = 1; i < 8; ++i) seen[i].insert(f[i]);
}

TEST_F(DatagenTest, ValuesStayInTheSeedsDomainsAndCoverThem) {
  std::set<std::string> seen[8];
  for (const Row& row : data_->train) {
    CheckFeatures(row.features, seen);
    EXPECT_TRUE(row.salary >= 0 && row.salary <= 301) << row.salary;
    if (HasFailure()) return;
  }
  for (const auto& f : data_->test) {
    CheckFeatures(f, seen);
    if (HasFailure()) return;
  }
  EXPECT_EQ(seen[1].size(), 63u);  // every company
  EXPECT_EQ(seen[2].size(), 8u);
  EXPECT_EQ(seen[3].size(), 5u);
  EXPECT_EQ(seen[4].size(), 9u);
  EXPECT_EQ(seen[5].size(), 7u);
  EXPECT_EQ(seen[6].size(), 25u);
  EXPECT_EQ(seen[7].size(), 100u);
}

TEST_F(DatagenTest, JobIdsAreUniqueAcrossTrainAndTest) {
  std::set<std::string> ids;
  for (const Row& row : data_->train) ids.insert(row.features[0]);
  for (const auto& f : data_->test) ids.insert(f[0]);
  EXPECT_EQ(ids.size(), 200000u);
}

TEST_F(DatagenTest, ZeroSalariesArePresentButRare) {
  int zeros = 0;
  for (const Row& row : data_->train) zeros += row.salary == 0;
  EXPECT_GE(zeros, 1);
  EXPECT_LE(zeros, 5);
}

std::map<std::string, double> MeanSalaryBy(const DataSet& data, int column) {
  std::map<std::string, std::pair<double, int>> sums;
  for (const Row& row : data.train) {
    auto& [sum, count] = sums[row.features[column]];
    sum += row.salary;
    ++count;
  }
  std::map<std::string, double> means;
  for (const auto& [key, sc] : sums) means[key] = sc.first / sc.second;
  return means;
}

TEST_F(DatagenTest, SalaryDependsOnEveryFeature) {
  auto job = MeanSalaryBy(*data_, 2);
  EXPECT_GT(job["CEO"], job["JANITOR"] + 40);
  EXPECT_GT(job["CEO"], job["VICE_PRESIDENT"]);
  EXPECT_GT(job["MANAGER"], job["JUNIOR"]);
  auto degree = MeanSalaryBy(*data_, 3);
  EXPECT_GT(degree["DOCTORAL"], degree["NONE"] + 10);
  auto major = MeanSalaryBy(*data_, 4);
  EXPECT_GT(major["ENGINEERING"], major["LITERATURE"] + 5);
  auto industry = MeanSalaryBy(*data_, 5);
  EXPECT_GT(industry["OIL"], industry["EDUCATION"] + 15);
  auto years = MeanSalaryBy(*data_, 6);
  EXPECT_GT(years["24"], years["0"] + 30);
  auto miles = MeanSalaryBy(*data_, 7);
  EXPECT_LT(miles["99"], miles["0"] - 25);
  auto company = MeanSalaryBy(*data_, 1);
  double lo = 1e9, hi = 0;
  for (const auto& [key, mean] : company) lo = std::min(lo, mean), hi = std::max(hi, mean);
  EXPECT_GT(hi - lo, 1.0);   // companies differ ...
  EXPECT_LT(hi - lo, 15.0);  // ... a little
}

TEST_F(DatagenTest, MajorIsMostlyNoneWithoutACollegeDegree) {
  std::map<std::string, std::pair<int, int>> none_share;  // degree -> (NONE majors, rows)
  for (const Row& row : data_->train) {
    auto& [none, total] = none_share[row.features[3]];
    none += row.features[4] == "NONE";
    ++total;
  }
  for (std::string low : {"HIGH_SCHOOL", "NONE"}) {
    for (std::string high : {"BACHELORS", "MASTERS", "DOCTORAL"}) {
      double low_share = 1.0 * none_share[low].first / none_share[low].second;
      double high_share = 1.0 * none_share[high].first / none_share[high].second;
      EXPECT_GT(low_share, high_share + 0.5) << low << " vs " << high;
    }
  }
}

TEST_F(DatagenTest, SameSeedSameBytesOtherSeedOtherBytes) {
  TempDir again, other;
  ASSERT_TRUE(Generate(again.path(), 100000, 42).ok());
  ASSERT_TRUE(Generate(other.path(), 100000, 43).ok());
  for (std::string name : {"train_features.csv", "train_salaries.csv", "test_features.csv"}) {
    std::string first = ReadFile(dir_->path() + "/" + name);
    EXPECT_TRUE(first == ReadFile(again.path() + "/" + name)) << name;
    EXPECT_FALSE(first == ReadFile(other.path() + "/" + name)) << name;
  }
}

// Runs this test binary again as a child with SLUICE_THREADS=threads; the child only
// generates the data (see the first lines of the test below).
void GenerateInChild(const std::string& dir, int threads) {
  std::string self = fs::read_symlink("/proc/self/exe").string();
  std::string command = "SLUICE_THREADS=" + std::to_string(threads) +
                        " SLUICE_DATAGEN_CHILD_OUT='" + dir + "' '" + self +
                        "' --gtest_filter=DatagenThreadsTest.* >/dev/null 2>&1";
  ASSERT_EQ(std::system(command.c_str()), 0) << command;
}

TEST(DatagenThreadsTest, SameBytesWhateverTheThreadCount) {
  constexpr int64_t kRows = 300000;  // several batches of blocks
  if (const char* child_out = std::getenv("SLUICE_DATAGEN_CHILD_OUT")) {
    ASSERT_TRUE(Generate(child_out, kRows, 7).ok());
    return;
  }
  TempDir one, three, here;
  GenerateInChild(one.path(), 1);
  GenerateInChild(three.path(), 3);
  ASSERT_TRUE(Generate(here.path(), kRows, 7).ok());
  for (std::string name : {"train_features.csv", "train_salaries.csv", "test_features.csv"}) {
    std::string expected = ReadFile(here.path() + "/" + name);
    EXPECT_EQ(static_cast<int64_t>(std::count(expected.begin(), expected.end(), '\n')), kRows + 1);
    EXPECT_TRUE(expected == ReadFile(one.path() + "/" + name)) << name;
    EXPECT_TRUE(expected == ReadFile(three.path() + "/" + name)) << name;
  }
}

TEST(DatagenSmallTest, ZeroRowsWritesHeadersOnly) {
  TempDir dir;
  auto result = Generate(dir.path() + "/nested/data/", 0, 1);
  ASSERT_TRUE(result.ok()) << result.status().ToString();
  EXPECT_EQ(ReadFile(dir.path() + "/nested/data/train_salaries.csv"), "jobId,salary\n");
  EXPECT_EQ(result->rows, 0);
}

TEST(DatagenSmallTest, AtLeastOneZeroSalaryFromTenThousandRows) {
  TempDir dir;
  ASSERT_TRUE(Generate(dir.path(), 10000, 5).ok());
  std::string salaries = ReadFile(dir.path() + "/train_salaries.csv");
  EXPECT_NE(salaries.find(",0\n"), std::string::npos);
}

TEST(DatagenSmallTest, ReplacesExistingFiles) {
  TempDir dir;
  std::ofstream(dir.path() + "/train_salaries.csv") << "stale\n";
  ASSERT_TRUE(Generate(dir.path(), 50, 1).ok());
  EXPECT_EQ(Lines(dir.path() + "/train_salaries.csv").size(), 51u);
}

TEST(DatagenSmallTest, BadArgumentsAreClearErrors) {
  auto negative = Generate("/tmp/x", -1, 1);
  EXPECT_EQ(negative.status().code(), StatusCode::kInvalidArgument);
  EXPECT_THAT(negative.status().message(), HasSubstr("-1"));
  // An S3 location without credentials anywhere fails, naming the location.
  for (const char* var : {"AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_PROFILE",
                          "SLUICE_CONN_AWS_DEFAULT"}) {
    unsetenv(var);
  }
  setenv("AWS_SHARED_CREDENTIALS_FILE", "/nonexistent/credentials", 1);
  auto s3 = Generate("s3://bucket/data", 10, 1);
  EXPECT_FALSE(s3.ok());
  EXPECT_THAT(s3.status().message(), HasSubstr("s3://bucket/data"));
  TempDir dir;
  std::ofstream(dir.path() + "/file") << "x";
  auto not_a_folder = Generate(dir.path() + "/file", 10, 1);
  EXPECT_FALSE(not_a_folder.ok());
  EXPECT_THAT(not_a_folder.status().message(), HasSubstr(dir.path() + "/file"));
}

}  // namespace
}  // namespace sluice::engine
