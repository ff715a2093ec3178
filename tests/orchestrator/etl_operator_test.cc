// The `etl` operator end to end through `sluice dags test`: the seed's salary job
// (examples/salary/etl/avg_salary.yml) on generated data, with templated vars, checked
// against averages computed here from the CSV files; and a failing job, whose engine message
// reaches the try's log.
#include <gtest/gtest.h>

#include <cmath>
#include <filesystem>
#include <map>
#include <nlohmann/json.hpp>
#include <sstream>
#include <string>
#include <vector>

#include "cli_home_util.h"

namespace sluice::orchestrator::testing {
namespace {

namespace fs = std::filesystem;

constexpr const char* kRun = "manual__2026-11-02T00:00:00+00:00";
const std::vector<std::string> kFeatures = {"companyId", "jobType", "degree", "major", "industry"};

std::vector<std::string> SplitCsv(const std::string& line) {
  std::vector<std::string> out;
  std::istringstream in(line);
  for (std::string field; std::getline(in, field, ',');) out.push_back(field);
  return out;
}

// feature -> value -> average salary, joining the two train files on jobId (inner), as
// design.md §2 defines the job. The generator writes no quoted fields.
std::map<std::string, std::map<std::string, double>> ExpectedAverages(const std::string& data) {
  std::map<std::string, long> salary;
  auto salaries = Lines(data + "/train_salaries.csv");
  for (size_t i = 1; i < salaries.size(); ++i) {
    auto f = SplitCsv(salaries[i]);
    salary[f.at(0)] = std::stol(f.at(1));
  }
  auto features = Lines(data + "/train_features.csv");
  auto header = SplitCsv(features.at(0));
  std::map<std::string, std::map<std::string, std::pair<double, long>>> sums;
  for (size_t i = 1; i < features.size(); ++i) {
    auto f = SplitCsv(features[i]);
    auto s = salary.find(f.at(0));
    if (s == salary.end()) continue;
    for (size_t c = 0; c < header.size(); ++c) {
      auto& [sum, n] = sums[header[c]][f.at(c)];
      sum += static_cast<double>(s->second);
      ++n;
    }
  }
  std::map<std::string, std::map<std::string, double>> out;
  for (const auto& feature : kFeatures) {
    for (const auto& [value, sn] : sums[feature]) out[feature][value] = sn.first / sn.second;
  }
  return out;
}

// The rows of an output folder's part files, header excluded (checked to be `header`).
std::vector<std::vector<std::string>> ReadOutput(const std::string& dir,
                                                 const std::string& header) {
  std::vector<std::vector<std::string>> rows;
  for (const auto& e : fs::directory_iterator(dir)) {
    std::string name = e.path().filename();
    if (name.rfind("part-", 0) != 0) continue;
    auto lines = Lines(e.path());
    EXPECT_FALSE(lines.empty()) << e.path();
    if (lines.empty()) continue;
    EXPECT_EQ(lines[0], header) << e.path();
    for (size_t i = 1; i < lines.size(); ++i) rows.push_back(SplitCsv(lines[i]));
  }
  return rows;
}

class EtlOperator : public CliHome {
 protected:
  void SetUp() override {
    CliHome::SetUp();
    data_ = home_ + "/data";
    std::string out;
    ASSERT_EQ(Sluice("datagen salary --rows 2000 --seed 3 --out '" + data_ + "'", &out), 0) << out;
  }

  // A DAG of one etl task running the seed's job; `data` is the job's input folder.
  void WriteSalaryDag(const std::string& data) {
    WriteDag("salary_etl.yml", R"(dag_id: salary_etl
schedule: null
params: {data: ")" + data + R"(", warehouse: ")" +
                                   home_ + R"(/warehouse"}
tasks:
  - id: average_salary
    operator: etl
    job: ")" + std::string(SLUICE_SOURCE_DIR) +
                                   R"(/examples/salary/etl/avg_salary.yml"
    vars:
      data: "{{ params.data }}"
      output: "{{ params.warehouse }}/average_salary/ds={{ ds }}"
  - {id: done, operator: empty, upstream: [average_salary]}
)");
  }

  std::string data_;
};

TEST_F(EtlOperator, RunsTheSalaryJobWithTemplatedVars) {
  WriteSalaryDag(data_);
  std::string out;
  ASSERT_EQ(Sluice("dags test salary_etl 2026-11-02", &out), 0) << out;
  auto states = States("salary_etl", kRun);
  EXPECT_EQ(states["average_salary"], "success/1");
  EXPECT_EQ(states["done"], "success/0");

  const std::string root = home_ + "/warehouse/average_salary/ds=2026-11-02";
  auto expected = ExpectedAverages(data_);
  for (const auto& feature : kFeatures) {
    SCOPED_TRACE(feature);
    const std::string dir = root + "/" + feature;
    ASSERT_TRUE(fs::is_directory(dir)) << out;
    EXPECT_TRUE(fs::exists(dir + "/_SUCCESS"));
    auto rows = ReadOutput(dir, feature + ",average_salary");
    ASSERT_EQ(rows.size(), expected[feature].size()) << "one row per group";
    for (const auto& row : rows) {
      ASSERT_EQ(row.size(), 2u);
      auto want = expected[feature].find(row[0]);
      ASSERT_NE(want, expected[feature].end()) << "unexpected group " << row[0];
      EXPECT_NEAR(std::stod(row[1]), want->second, 0.5e-4 + 1e-9) << row[0];
    }
  }
  EXPECT_EQ(expected["jobType"].size(), 8u) << "every job type occurs in 2,000 rows";

  // The run summary is the task's return_value.
  auto xcom = Store().PullXCom({"salary_etl", kRun, "average_salary"}, "return_value");
  ASSERT_TRUE(xcom.ok()) << xcom.status().message();
  EXPECT_TRUE(xcom->value.is_object()) << xcom->value.dump();
  std::string log;
  ASSERT_EQ(Sluice(std::string("tasks logs salary_etl ") + kRun + " average_salary", &log), 0);
  EXPECT_NE(log.find("outcome: success"), std::string::npos) << log;
}

TEST_F(EtlOperator, AFailingJobFailsTheTaskWithTheEnginesMessageInTheLog) {
  const std::string missing = home_ + "/no_such_data";
  WriteSalaryDag(missing);
  // What the engine says about this job, run directly.
  std::string direct;
  ASSERT_NE(Sluice(std::string("etl run '") + SLUICE_SOURCE_DIR +
                       "/examples/salary/etl/avg_salary.yml' --var data=" + missing +
                       " --var output=" + home_ + "/direct_out",
                   &direct),
            0);
  const std::string marker = "etl run failed: ";
  size_t at = direct.find(marker);
  ASSERT_NE(at, std::string::npos) << direct;
  std::string message = direct.substr(at + marker.size());
  message = message.substr(0, message.find('\n'));
  ASSERT_NE(message.find(missing + "/train_features.csv"), std::string::npos) << message;

  std::string out;
  EXPECT_EQ(Sluice("dags test salary_etl 2026-11-02", &out), 1) << out;
  auto states = States("salary_etl", kRun);
  EXPECT_EQ(states["average_salary"], "failed/1");
  EXPECT_EQ(states["done"], "upstream_failed/0");
  EXPECT_FALSE(fs::exists(home_ + "/warehouse/average_salary")) << "nothing is committed";

  std::string log;
  ASSERT_EQ(Sluice(std::string("tasks logs salary_etl ") + kRun + " average_salary", &log), 0);
  EXPECT_NE(log.find("outcome: failed: " + message), std::string::npos)
      << "engine: " << message << "\nlog:\n"
      << log;
}

}  // namespace
}  // namespace sluice::orchestrator::testing
