// Whole jobs: small CSV files in a temporary folder, a job spec parsed with ParseJobSpec,
// RunJob, then the committed output folders and the run summary checked.
#include "engine/executor.h"

#include <gtest/gtest.h>
#include <stdlib.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "engine/job_spec.h"
#include "engine/planner.h"

namespace sluice::engine {
namespace {

namespace fs = std::filesystem;

class Scratch {
 public:
  Scratch() {
    std::string tmpl = (fs::temp_directory_path() / "sluice-exec-XXXXXX").string();
    path_ = ::mkdtemp(tmpl.data()) ? tmpl : "";
    EXPECT_FALSE(path_.empty());
  }
  ~Scratch() {
    std::error_code ec;
    if (!path_.empty()) fs::remove_all(path_, ec);
  }
  const std::string& path() const { return path_; }
  std::string Path(const std::string& rel) const { return path_ + "/" + rel; }
  void Write(const std::string& rel, const std::string& text) const {
    fs::create_directories(fs::path(Path(rel)).parent_path());
    std::ofstream(Path(rel), std::ios::binary) << text;
  }

 private:
  std::string path_;
};

std::string ReadFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

// Names in `folder` (files and folders, hidden ones too), sorted.
std::vector<std::string> Listing(const std::string& folder) {
  std::vector<std::string> names;
  std::error_code ec;
  for (const auto& e : fs::directory_iterator(folder, ec)) names.push_back(e.path().filename());
  std::sort(names.begin(), names.end());
  return names;
}

std::vector<std::string> PartFiles(const std::string& folder) {
  std::vector<std::string> parts;
  for (const auto& n : Listing(folder)) {
    if (n.rfind("part-", 0) == 0) parts.push_back(n);
  }
  return parts;
}

// The text of the one part file of a committed output folder ("" and a failure otherwise).
std::string OutputText(const std::string& folder) {
  std::vector<std::string> names = Listing(folder);
  std::vector<std::string> parts = PartFiles(folder);
  EXPECT_EQ(parts.size(), 1u) << folder;
  EXPECT_NE(std::find(names.begin(), names.end(), "_SUCCESS"), names.end()) << folder;
  EXPECT_EQ(names.size(), 2u) << folder;  // the part and _SUCCESS, nothing else
  if (parts.size() != 1) return "";
  return ReadFile(folder + "/" + parts[0]);
}

Result<JobPlan> Parse(const std::string& yaml, const Scratch& dir) {
  return ParseJobSpec(yaml, "job.yml", {{"data", dir.Path("data")}, {"out", dir.Path("out")}});
}

Result<JobSummary> RunSpec(const std::string& yaml, const Scratch& dir) {
  ASSIGN_OR_RETURN(JobPlan plan, Parse(yaml, dir));
  RunOptions options;
  options.progress = false;
  options.threads = 2;
  return RunJob(plan, options);
}

// "job.yml:L:C" of the first occurrence of `needle` in `text`.
std::string PosOf(const std::string& text, const std::string& needle) {
  size_t at = text.find(needle);
  EXPECT_NE(at, std::string::npos) << needle;
  int line = 1 + static_cast<int>(std::count(text.begin(), text.begin() + at, '\n'));
  size_t line_start = text.rfind('\n', at);
  int column = static_cast<int>(at - (line_start == std::string::npos ? 0 : line_start + 1)) + 1;
  return "job.yml:" + std::to_string(line) + ":" + std::to_string(column);
}

// ---- the seed job -------------------------------------------------------------------------

const char* kFeatures =
    "jobId,companyId,jobType,degree,major,industry,yearsExperience,milesFromMetropolis\n"
    "J1,COMP1,CEO,MASTERS,MATH,WEB,10,5\n"
    "J2,COMP1,JANITOR,NONE,NONE,OIL,3,50\n"
    "J3,COMP2,CEO,DOCTORAL,PHYSICS,WEB,20,1\n"
    "J4,COMP2,CFO,MASTERS,MATH,FINANCE,7,10\n"
    "J5,COMP3,JANITOR,NONE,NONE,OIL,1,99\n"
    "J7,COMP1,CTO,BACHELORS,ENGINEERING,AUTO,12,30\n"
    "\"J8\",COMP3,JUNIOR,HIGH_SCHOOL,BIOLOGY,EDUCATION,0,0\n";

// BOM and CRLF; J5 has no salary, J6 no features.
const char* kSalaries =
    "\xEF\xBB\xBFjobId,salary\r\nJ1,200\r\nJ2,50\r\nJ3,250\r\nJ4,151\r\nJ6,999\r\nJ7,100\r\nJ8,50";

const char* kSeedSpec = R"yaml(job: average_salary
inputs:
  features:
    path: "{{ data }}/train_features.csv"
  salaries:
    path: "{{ data }}/train_salaries.csv"
    types: {salary: int64}
steps:
  - name: postings
    from: features
    join: {with: salaries, on: jobId, how: inner}
outputs:
  - for_each: {feature: [companyId, jobType, degree, major, industry]}
    name: "by_{{ feature }}"
    from: postings
    steps:
      - aggregate:
          group_by: ["{{ feature }}"]
          values: {average_salary: "round(avg(salary), 4)"}
      - sort: ["average_salary desc", "{{ feature }}"]
    path: "{{ out }}/{{ feature }}"
)yaml";

void WriteSeedData(const Scratch& dir) {
  dir.Write("data/train_features.csv", kFeatures);
  dir.Write("data/train_salaries.csv", kSalaries);
}

TEST(ExecutorSeedJobTest, AveragesEachFeatureSortedWithTiesByKey) {
  Scratch dir;
  WriteSeedData(dir);
  auto summary = RunSpec(kSeedSpec, dir);
  ASSERT_TRUE(summary.ok()) << summary.status().ToString();
  EXPECT_EQ(OutputText(dir.Path("out/companyId")),
            "companyId,average_salary\nCOMP2,200.5\nCOMP1,116.6667\nCOMP3,50.0\n");
  EXPECT_EQ(OutputText(dir.Path("out/jobType")),
            "jobType,average_salary\nCEO,225.0\nCFO,151.0\nCTO,100.0\nJANITOR,50.0\nJUNIOR,50.0\n");
  EXPECT_EQ(OutputText(dir.Path("out/degree")),
            "degree,average_salary\nDOCTORAL,250.0\nMASTERS,175.5\nBACHELORS,100.0\n"
            "HIGH_SCHOOL,50.0\nNONE,50.0\n");
  EXPECT_EQ(OutputText(dir.Path("out/major")),
            "major,average_salary\nPHYSICS,250.0\nMATH,175.5\nENGINEERING,100.0\nBIOLOGY,50.0\n"
            "NONE,50.0\n");
  EXPECT_EQ(OutputText(dir.Path("out/industry")),
            "industry,average_salary\nWEB,225.0\nFINANCE,151.0\nAUTO,100.0\nEDUCATION,50.0\n"
            "OIL,50.0\n");
}

TEST(ExecutorSeedJobTest, SummaryCountsRowsJoinsAndOutputs) {
  Scratch dir;
  WriteSeedData(dir);
  auto summary = RunSpec(kSeedSpec, dir);
  ASSERT_TRUE(summary.ok()) << summary.status().ToString();
  EXPECT_EQ(summary->job, "average_salary");
  ASSERT_EQ(summary->inputs.size(), 2u);
  for (const InputSummary& in : summary->inputs) {
    EXPECT_EQ(in.rows, 7) << in.name;
    EXPECT_EQ(in.malformed, 0) << in.name;
    EXPECT_EQ(in.mode, "failfast");
    EXPECT_GT(in.bytes, 0);
  }
  ASSERT_EQ(summary->joins.size(), 1u);
  const JoinSummary& j = summary->joins[0];
  EXPECT_EQ(j.name, "postings");
  EXPECT_EQ(j.how, "inner");
  EXPECT_EQ(j.stats.rows_out, 6);
  EXPECT_EQ(j.stats.probe_rows, 7);
  EXPECT_EQ(j.stats.probe_unmatched, 1);  // J5
  EXPECT_EQ(j.stats.build_rows, 7);
  EXPECT_EQ(j.stats.build_unmatched, 1);  // J6
  ASSERT_EQ(summary->outputs.size(), 5u);
  EXPECT_EQ(summary->outputs[0].name, "by_companyId");
  EXPECT_EQ(summary->outputs[0].rows, 3);
  for (size_t o = 1; o < 5; ++o) EXPECT_EQ(summary->outputs[o].rows, 5);
  for (const OutputSummary& o : summary->outputs) {
    EXPECT_TRUE(o.written);
    EXPECT_GT(o.bytes, 0);
    EXPECT_NE(o.part_uri.find("part-00000-"), std::string::npos);
  }
  std::string text = FormatSummary(*summary);
  EXPECT_NE(text.find("postings"), std::string::npos);
  EXPECT_NE(SummaryToJson(*summary).find("\"right_unmatched\": 1"), std::string::npos);
}

// ---- column pruning -----------------------------------------------------------------------

// The scan schema the planner chose for input `name`.
std::string ScanSchema(const PhysicalPlan& pp, const std::string& name) {
  for (const PlannedNode& pn : pp.nodes) {
    if (pn.node->kind == PlanNode::Kind::kScan && pn.node->name == name) {
      return pn.schema.ToString();
    }
  }
  return "no scan " + name;
}

TEST(ExecutorPruningTest, ScansReadOnlyTheColumnsSomeStepUses) {
  Scratch dir;
  WriteSeedData(dir);
  auto plan = Parse(kSeedSpec, dir);
  ASSERT_TRUE(plan.ok()) << plan.status().ToString();
  auto pp = PlanJob(*plan);
  ASSERT_TRUE(pp.ok()) << pp.status().ToString();
  // yearsExperience and milesFromMetropolis are never read.
  EXPECT_EQ(ScanSchema(*pp, "features"),
            "jobId:string, companyId:string, jobType:string, degree:string, major:string, "
            "industry:string");
  EXPECT_EQ(ScanSchema(*pp, "salaries"), "jobId:string, salary:int64");
}

TEST(ExecutorPruningTest, AJobReadingFewColumnsStillWorks) {
  Scratch dir;
  WriteSeedData(dir);
  const std::string spec = R"yaml(job: pruned
inputs:
  features:
    path: "{{ data }}/train_features.csv"
    types: {yearsExperience: int64, milesFromMetropolis: int64}
outputs:
  - name: senior
    from: features
    steps:
      - filter: "yearsExperience >= 10"
      - derive: {jobId: "lower(jobId)"}
      - select: [jobId]
    path: "{{ out }}/senior"
)yaml";
  auto plan = Parse(spec, dir);
  ASSERT_TRUE(plan.ok()) << plan.status().ToString();
  auto pp = PlanJob(*plan);
  ASSERT_TRUE(pp.ok()) << pp.status().ToString();
  EXPECT_EQ(ScanSchema(*pp, "features"), "jobId:string, yearsExperience:int64");
  auto summary = RunSpec(spec, dir);
  ASSERT_TRUE(summary.ok()) << summary.status().ToString();
  EXPECT_EQ(OutputText(dir.Path("out/senior")), "jobId\nj1\nj3\nj7\n");
  EXPECT_EQ(summary->inputs[0].rows, 7);
}

TEST(ExecutorPruningTest, AnInputWhoseColumnsNobodyReadsStillCountsItsRows) {
  Scratch dir;
  WriteSeedData(dir);
  const std::string spec = R"yaml(job: semi
inputs:
  features:
    path: "{{ data }}/train_features.csv"
  salaries:
    path: "{{ data }}/train_salaries.csv"
outputs:
  - name: count
    from: features
    steps:
      - aggregate: {values: {n: "count(*)"}}
    path: "{{ out }}/count"
  - name: paid
    from: salaries
    steps:
      - join: {with: features, on: jobId, how: semi}
      - select: [jobId]
    path: "{{ out }}/paid"
)yaml";
  auto summary = RunSpec(spec, dir);
  ASSERT_TRUE(summary.ok()) << summary.status().ToString();
  EXPECT_EQ(OutputText(dir.Path("out/count")), "n\n7\n");
  EXPECT_EQ(OutputText(dir.Path("out/paid")), "jobId\nJ1\nJ2\nJ3\nJ4\nJ7\nJ8\n");
}

// ---- a chain of steps ---------------------------------------------------------------------

const char* kPeople =
    "name,age,city\n"
    "ann,34,Paris\n"
    "bob,,Lyon\n"
    "cid,19,Paris\n"
    "dan,52,Nice\n"
    "eve,27,Lyon\n";

const char* kChainSpec = R"yaml(job: chain
inputs:
  people:
    path: "{{ data }}/people.csv"
    types: {age: int64}
steps:
  - name: adults
    from: people
    filter: "age >= 20"
  - derive: {decade: "cast(age / 10 as int64) * 10", city: "upper(city)"}
  - name: top
    select: [name, city, decade]
  - name: adult_names
    select: [name, city]
  - name: young
    from: people
    filter: "age < 30 or age is null"
  - name: young_names
    select: {name: "name", city: "lower(city)"}
outputs:
  - name: top2
    from: top
    steps:
      - sort: ["decade desc", "name"]
      - limit: 2
    path: "{{ out }}/top2"
  - name: everyone
    steps:
      - union: [adult_names, young_names]
    path: "{{ out }}/everyone"
  - name: derived
    from: adults
    path: "{{ out }}/adults"
)yaml";

TEST(ExecutorChainTest, DeriveSelectFilterSortLimitUnion) {
  Scratch dir;
  dir.Write("data/people.csv", kPeople);
  auto summary = RunSpec(kChainSpec, dir);
  ASSERT_TRUE(summary.ok()) << summary.status().ToString();
  EXPECT_EQ(OutputText(dir.Path("out/top2")), "name,city,decade\ndan,NICE,50\nann,PARIS,30\n");
  // Union: the first input's rows first, each in source order.
  EXPECT_EQ(OutputText(dir.Path("out/everyone")),
            "name,city\nann,PARIS\ndan,NICE\neve,LYON\nbob,lyon\ncid,paris\neve,lyon\n");
  // The filter's rows unchanged: a NULL age never passes "age >= 20".
  EXPECT_EQ(OutputText(dir.Path("out/adults")),
            "name,age,city\nann,34,Paris\ndan,52,Nice\neve,27,Lyon\n");
  ASSERT_EQ(summary->inputs.size(), 1u);  // one scan however many steps read it
  EXPECT_EQ(summary->inputs[0].rows, 5);
}

TEST(ExecutorChainTest, DeriveReplacesAColumnInPlaceAndAppendsNewOnes) {
  Scratch dir;
  dir.Write("data/people.csv", kPeople);
  const std::string spec = R"yaml(job: derive
inputs:
  people:
    path: "{{ data }}/people.csv"
    types: {age: int64}
outputs:
  - name: d
    from: people
    steps:
      - derive: {age: "coalesce(age, 0) + 1", tag: "concat(name, '@', city)", older: "age > 30"}
    path: "{{ out }}/d"
    null_value: "NULL"
)yaml";
  auto summary = RunSpec(spec, dir);
  ASSERT_TRUE(summary.ok()) << summary.status().ToString();
  EXPECT_EQ(OutputText(dir.Path("out/d")),
            "name,age,city,tag,older\n"
            "ann,35,Paris,ann@Paris,true\n"
            "bob,1,Lyon,bob@Lyon,false\n"
            "cid,20,Paris,cid@Paris,false\n"
            "dan,53,Nice,dan@Nice,true\n"
            "eve,28,Lyon,eve@Lyon,false\n");
}

TEST(ExecutorChainTest, GroupByAColumnThatIsEmptyOnEveryLine) {
  Scratch dir;
  // Enough rows for the reader to give g a dictionary (an empty one).
  std::string csv = "k,g,n\n";
  for (int i = 1; i <= 20; ++i) csv += "k" + std::to_string(i) + ",," + std::to_string(i) + "\n";
  dir.Write("data/t.csv", csv);
  const std::string spec = R"yaml(job: empty_key
inputs:
  t: {path: "{{ data }}/t.csv", types: {n: int64}}
outputs:
  - name: by_g
    from: t
    steps:
      - aggregate: {group_by: g, values: {c: "count(*)", s: "sum(n)"}}
    path: "{{ out }}/by_g"
    null_value: "NULL"
)yaml";
  auto summary = RunSpec(spec, dir);
  ASSERT_TRUE(summary.ok()) << summary.status().ToString();
  EXPECT_EQ(OutputText(dir.Path("out/by_g")), "g,c,s\nNULL,20,210\n");
}

// ---- errors -------------------------------------------------------------------------------

TEST(ExecutorErrorTest, UnknownColumnInAFilterNamesItsPlaceInTheSpec) {
  Scratch dir;
  dir.Write("data/people.csv", kPeople);
  const std::string spec = R"yaml(job: bad
inputs:
  people:
    path: "{{ data }}/people.csv"
outputs:
  - name: x
    from: people
    steps:
      - filter: "city = 'Lyon' and agee > 3"
    path: "{{ out }}/x"
)yaml";
  auto summary = RunSpec(spec, dir);
  ASSERT_FALSE(summary.ok());
  const std::string& msg = summary.status().message();
  EXPECT_NE(msg.find(PosOf(spec, "agee") + ": unknown column 'agee'"), std::string::npos) << msg;
  EXPECT_NE(msg.find("name, age, city"), std::string::npos) << msg;  // what exists
  EXPECT_FALSE(fs::exists(dir.Path("out")));
}

TEST(ExecutorErrorTest, UnknownColumnListsTheColumnsOfTheFileNotThePrunedScan) {
  // Only name and city are read downstream, but the user mistyped "age": the message must
  // offer "age", which column pruning would otherwise have dropped from the scan.
  Scratch dir;
  dir.Write("data/people.csv", kPeople);
  const std::string spec = R"yaml(job: bad
inputs:
  people:
    path: "{{ data }}/people.csv"
outputs:
  - name: x
    from: people
    steps:
      - filter: "agee > 3"
      - select: [name]
    path: "{{ out }}/x"
)yaml";
  auto summary = RunSpec(spec, dir);
  ASSERT_FALSE(summary.ok());
  const std::string& msg = summary.status().message();
  EXPECT_NE(msg.find(PosOf(spec, "agee") + ": unknown column 'agee'"), std::string::npos) << msg;
  EXPECT_NE(msg.find("name, age, city"), std::string::npos) << msg;
}

TEST(ExecutorErrorTest, UnknownColumnInASortKeyNamesItsPlaceAndTheFileColumns) {
  Scratch dir;
  dir.Write("data/people.csv", kPeople);
  const std::string spec = R"yaml(job: bad
inputs:
  people:
    path: "{{ data }}/people.csv"
outputs:
  - name: x
    from: people
    steps:
      - sort: [name, "citty desc"]
      - select: [name]
    path: "{{ out }}/x"
)yaml";
  auto summary = RunSpec(spec, dir);
  ASSERT_FALSE(summary.ok());
  const std::string& msg = summary.status().message();
  EXPECT_NE(msg.find(PosOf(spec, "citty") + ": unknown column 'citty'"), std::string::npos) << msg;
  EXPECT_NE(msg.find("name, age, city"), std::string::npos) << msg;
  EXPECT_FALSE(fs::exists(dir.Path("out")));
}

TEST(ExecutorErrorTest, JoinKeysOfDifferentTypesNameTheJoinStep) {
  Scratch dir;
  WriteSeedData(dir);
  dir.Write("data/ids.csv", "id,bonus\n1,10\n");
  const std::string spec = R"yaml(job: bad_join
inputs:
  features:
    path: "{{ data }}/train_features.csv"
  ids:
    path: "{{ data }}/ids.csv"
    types: {id: int64}
steps:
  - name: joined
    from: features
    join: {with: ids, on: {jobId: id}}
outputs:
  - name: x
    from: joined
    path: "{{ out }}/x"
)yaml";
  auto summary = RunSpec(spec, dir);
  ASSERT_FALSE(summary.ok());
  const std::string& msg = summary.status().message();
  EXPECT_NE(msg.find(PosOf(spec, "join:")), std::string::npos) << msg;
  EXPECT_NE(msg.find("'joined'"), std::string::npos) << msg;
  EXPECT_NE(msg.find("jobId (string)"), std::string::npos) << msg;
  EXPECT_NE(msg.find("id (int64)"), std::string::npos) << msg;
  EXPECT_FALSE(fs::exists(dir.Path("out")));
}

TEST(ExecutorErrorTest, AMissingInputFileNamesTheInput) {
  Scratch dir;
  auto summary = RunSpec(kChainSpec, dir);
  ASSERT_FALSE(summary.ok());
  EXPECT_NE(summary.status().message().find("people"), std::string::npos)
      << summary.status().message();
  EXPECT_FALSE(fs::exists(dir.Path("out")));
}

// ---- malformed input ----------------------------------------------------------------------

TEST(ExecutorMalformedTest, FailFastCommitsNothing) {
  Scratch dir;
  dir.Write("data/train_features.csv", kFeatures);
  // Line 4 has a salary that is not an int64.
  dir.Write("data/train_salaries.csv", "jobId,salary\nJ1,200\nJ2,50\nJ3,lots\nJ4,151\n");
  auto summary = RunSpec(kSeedSpec, dir);
  ASSERT_FALSE(summary.ok());
  const std::string& msg = summary.status().message();
  EXPECT_NE(msg.find("train_salaries.csv:4"), std::string::npos) << msg;
  EXPECT_FALSE(fs::exists(dir.Path("out"))) << "listing: " << Listing(dir.Path("out")).size();
}

TEST(ExecutorMalformedTest, FailFastOnAWrongFieldCountCommitsNothing) {
  Scratch dir;
  std::string features = kFeatures;
  features += "J9,COMP1,CEO\n";  // line 9: 3 fields instead of 8
  dir.Write("data/train_features.csv", features);
  dir.Write("data/train_salaries.csv", kSalaries);
  auto summary = RunSpec(kSeedSpec, dir);
  ASSERT_FALSE(summary.ok());
  EXPECT_NE(summary.status().message().find("train_features.csv:9"), std::string::npos)
      << summary.status().message();
  EXPECT_FALSE(fs::exists(dir.Path("out")));
}

const char* kPermissiveSpec = R"yaml(job: permissive
inputs:
  salaries:
    path: "{{ data }}/salaries.csv"
    types: {salary: int64}
    mode: permissive
outputs:
  - name: total
    from: salaries
    steps:
      - aggregate: {values: {n: "count(*)", total: "sum(salary)"}}
    path: "{{ out }}/results/total"
  - name: rows
    from: salaries
    path: "{{ out }}/results/rows"
)yaml";

TEST(ExecutorMalformedTest, PermissiveWritesRejectsBesideTheFirstOutput) {
  Scratch dir;
  dir.Write("data/salaries.csv", "jobId,salary\nJ1,200\nJ2,oops\nJ3,50\nJ4,1,2\nJ5,7\n");
  auto summary = RunSpec(kPermissiveSpec, dir);
  ASSERT_TRUE(summary.ok()) << summary.status().ToString();
  EXPECT_EQ(OutputText(dir.Path("out/results/total")), "n,total\n3,257\n");
  EXPECT_EQ(OutputText(dir.Path("out/results/rows")), "jobId,salary\nJ1,200\nJ3,50\nJ5,7\n");
  ASSERT_EQ(summary->inputs.size(), 1u);
  EXPECT_EQ(summary->inputs[0].rows, 3);
  EXPECT_EQ(summary->inputs[0].malformed, 2);
  EXPECT_EQ(summary->inputs[0].mode, "permissive");
  std::string rejects = dir.Path("out/results/_rejects/salaries");
  EXPECT_EQ(summary->inputs[0].rejects_uri, rejects);
  std::string text = OutputText(rejects);
  EXPECT_EQ(text.rfind("file,line,reason,record\n", 0), 0u) << text;
  EXPECT_NE(text.find(",3,"), std::string::npos) << text;  // J2,oops is line 3
  EXPECT_NE(text.find(",5,"), std::string::npos) << text;  // J4,1,2 is line 5
  EXPECT_NE(text.find("oops"), std::string::npos) << text;
}

TEST(ExecutorMalformedTest, PermissiveWithoutBadRowsWritesNoRejects) {
  Scratch dir;
  dir.Write("data/salaries.csv", "jobId,salary\nJ1,200\n");
  auto summary = RunSpec(kPermissiveSpec, dir);
  ASSERT_TRUE(summary.ok()) << summary.status().ToString();
  EXPECT_EQ(summary->inputs[0].malformed, 0);
  EXPECT_EQ(summary->inputs[0].rejects_uri, "");
  EXPECT_FALSE(fs::exists(dir.Path("out/results/_rejects")));
}

TEST(ExecutorMalformedTest, DropMalformedCountsButWritesNoRejects) {
  Scratch dir;
  dir.Write("data/salaries.csv", "jobId,salary\nJ1,200\nJ2,oops\nJ3,50\n");
  std::string spec = kPermissiveSpec;
  spec.replace(spec.find("mode: permissive"), 16, "mode: dropmalformed");
  auto summary = RunSpec(spec, dir);
  ASSERT_TRUE(summary.ok()) << summary.status().ToString();
  EXPECT_EQ(OutputText(dir.Path("out/results/total")), "n,total\n2,250\n");
  EXPECT_EQ(summary->inputs[0].malformed, 1);
  EXPECT_EQ(summary->inputs[0].mode, "dropmalformed");
  EXPECT_FALSE(fs::exists(dir.Path("out/results/_rejects")));
}

// ---- save modes ---------------------------------------------------------------------------

std::string ModeSpec(const std::string& mode) {
  return "job: modes\n"
         "inputs:\n"
         "  people: {path: \"{{ data }}/people.csv\"}\n"
         "outputs:\n"
         "  - name: names\n"
         "    from: people\n"
         "    steps: [{select: [name]}]\n"
         "    path: \"{{ out }}/names\"\n"
         "    mode: " +
         mode + "\n";
}

TEST(ExecutorSaveModeTest, OverwriteReplacesTheFolder) {
  Scratch dir;
  dir.Write("data/people.csv", kPeople);
  ASSERT_TRUE(RunSpec(ModeSpec("overwrite"), dir).ok());
  dir.Write("data/people.csv", "name,age,city\nzed,1,X\n");
  auto second = RunSpec(ModeSpec("overwrite"), dir);
  ASSERT_TRUE(second.ok()) << second.status().ToString();
  EXPECT_EQ(OutputText(dir.Path("out/names")), "name\nzed\n");
}

TEST(ExecutorSaveModeTest, AppendAddsAPartFile) {
  Scratch dir;
  dir.Write("data/people.csv", kPeople);
  ASSERT_TRUE(RunSpec(ModeSpec("append"), dir).ok());
  ASSERT_TRUE(RunSpec(ModeSpec("append"), dir).ok());
  std::vector<std::string> parts = PartFiles(dir.Path("out/names"));
  ASSERT_EQ(parts.size(), 2u);
  EXPECT_NE(parts[0], parts[1]);
  for (const auto& p : parts) {
    EXPECT_EQ(ReadFile(dir.Path("out/names/" + p)), "name\nann\nbob\ncid\ndan\neve\n");
  }
}

TEST(ExecutorSaveModeTest, ErrorIfExistsFailsAndLeavesTheFolder) {
  Scratch dir;
  dir.Write("data/people.csv", kPeople);
  ASSERT_TRUE(RunSpec(ModeSpec("error_if_exists"), dir).ok());
  std::vector<std::string> before = Listing(dir.Path("out/names"));
  auto second = RunSpec(ModeSpec("error_if_exists"), dir);
  ASSERT_FALSE(second.ok());
  EXPECT_NE(second.status().message().find("names"), std::string::npos)
      << second.status().message();
  EXPECT_EQ(Listing(dir.Path("out/names")), before);
}

TEST(ExecutorSaveModeTest, IgnoreLeavesExistingOutputAndSaysSo) {
  Scratch dir;
  dir.Write("data/people.csv", kPeople);
  ASSERT_TRUE(RunSpec(ModeSpec("ignore"), dir).ok());
  std::vector<std::string> before = Listing(dir.Path("out/names"));
  dir.Write("data/people.csv", "name,age,city\nzed,1,X\n");
  auto second = RunSpec(ModeSpec("ignore"), dir);
  ASSERT_TRUE(second.ok()) << second.status().ToString();
  ASSERT_EQ(second->outputs.size(), 1u);
  EXPECT_FALSE(second->outputs[0].written);
  EXPECT_EQ(Listing(dir.Path("out/names")), before);
  EXPECT_EQ(OutputText(dir.Path("out/names")), "name\nann\nbob\ncid\ndan\neve\n");
}

TEST(ExecutorSaveModeTest, AnOutputThatCannotBeWrittenCommitsNoOtherOutput) {
  // executor.h: "Nothing is committed unless every part of the job succeeded." The second
  // output exists in error_if_exists mode, so the first must not be committed either.
  Scratch dir;
  dir.Write("data/people.csv", kPeople);
  dir.Write("out/taken/part-00000-old.csv", "name\nold\n");
  const std::string spec = R"yaml(job: two
inputs:
  people: {path: "{{ data }}/people.csv"}
outputs:
  - name: fresh
    from: people
    path: "{{ out }}/fresh"
  - name: taken
    from: people
    path: "{{ out }}/taken"
    mode: error_if_exists
)yaml";
  auto summary = RunSpec(spec, dir);
  ASSERT_FALSE(summary.ok());
  EXPECT_FALSE(fs::exists(dir.Path("out/fresh"))) << "the first output was committed";
  EXPECT_EQ(Listing(dir.Path("out/taken")), (std::vector<std::string>{"part-00000-old.csv"}));
}

}  // namespace
}  // namespace sluice::engine
