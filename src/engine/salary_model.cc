#include "engine/salary_model.h"

#include <algorithm>
#include <cmath>
#include <cstring>

namespace sluice::engine::salary {

namespace {

struct Category {
  std::string_view name;
  double effect;  // thousands added to the salary
};

// Bases chosen so the means by job type come out near the original data's (CEO ~145,
// JANITOR ~71, all ~116) once the other effects are averaged in.
constexpr Category kJobTypes[] = {
    {"CEO", 121},    {"CFO", 111},   {"CTO", 111},   {"VICE_PRESIDENT", 101},
    {"MANAGER", 91}, {"SENIOR", 81}, {"JUNIOR", 71}, {"JANITOR", 59}};
constexpr int kJanitor = 7;
constexpr Category kDegrees[] = {
    {"DOCTORAL", 20}, {"MASTERS", 15}, {"BACHELORS", 10}, {"HIGH_SCHOOL", 3}, {"NONE", 0}};
constexpr int kHighSchool = 3;
constexpr Category kMajors[] = {{"NONE", 0},       {"BIOLOGY", 6},      {"CHEMISTRY", 7},
                                {"COMPSCI", 11},   {"ENGINEERING", 15}, {"BUSINESS", 14},
                                {"LITERATURE", 1}, {"MATH", 13},        {"PHYSICS", 9}};
constexpr Category kIndustries[] = {{"AUTO", 2}, {"EDUCATION", -8}, {"FINANCE", 16}, {"HEALTH", 5},
                                    {"OIL", 17}, {"SERVICE", -3},   {"WEB", 10}};
constexpr double kPerYear = 2.0;
constexpr double kPerMile = -0.4;
constexpr double kCompanySpread = 2.5;  // company effects lie in [-spread, +spread]
constexpr double kNoiseShare = 0.12;    // noise sd as a share of the expected salary
// One zero salary per window of rows, as the original has a handful in a million.
constexpr int64_t kZeroWindow = 100000;
constexpr int64_t kMinZeroWindow = 10000;

uint64_t Mix(uint64_t x) {
  // The SplitMix64 finaliser: consecutive inputs give unrelated outputs.
  x += 0x9e3779b97f4a7c15ULL;
  x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9ULL;
  x = (x ^ (x >> 27)) * 0x94d049bb133111ebULL;
  return x ^ (x >> 31);
}

// SplitMix64: tiny state and fast, which is all per-block streams need.
class Rng {
 public:
  explicit Rng(uint64_t seed) : state_(seed) {}
  uint64_t Next() { return Mix(state_ += 0x9e3779b97f4a7c15ULL); }
  int Below(int n) { return static_cast<int>((static_cast<unsigned __int128>(Next()) * n) >> 64); }
  // Roughly standard normal: the sum of four uniforms (Irwin-Hall), from one draw.
  double Normal() {
    uint64_t bits = Next();
    double sum = 0;
    for (int i = 0; i < 4; ++i, bits >>= 16) sum += static_cast<double>(bits & 0xffff);
    return (sum / 65536.0 - 2.0) * 1.7320508075688772;
  }

 private:
  uint64_t state_;
};

struct Posting {
  int company, job_type, degree, major, industry, years, miles;
};

Posting Draw(Rng& rng) {
  Posting p;
  p.company = rng.Below(kCompanies);
  p.job_type = rng.Below(8);
  // As in the original: janitors have no college degree, and without one the major is NONE.
  p.degree = p.job_type == kJanitor ? kHighSchool + rng.Below(2) : rng.Below(5);
  p.major = p.degree >= kHighSchool ? 0 : rng.Below(9);
  p.industry = rng.Below(7);
  p.years = rng.Below(25);
  p.miles = rng.Below(100);
  return p;
}

int Salary(const Model& model, const Posting& p, Rng& rng) {
  double expected = kJobTypes[p.job_type].effect + kDegrees[p.degree].effect +
                    kMajors[p.major].effect + kIndustries[p.industry].effect + kPerYear * p.years +
                    kPerMile * p.miles + model.company_effect[p.company];
  double salary = expected + kNoiseShare * std::max(expected, 1.0) * rng.Normal();
  return std::clamp(static_cast<int>(std::lround(salary)), 1, kMaxSalary);
}

// The row of the window starting at `window_start` whose salary is zero, or -1.
int64_t ZeroRow(const Model& model, int64_t window_start) {
  int64_t length = std::min(kZeroWindow, model.rows - window_start);
  if (length < kMinZeroWindow) return -1;
  return window_start +
         static_cast<int64_t>(Mix(model.seed ^ Mix(window_start)) % static_cast<uint64_t>(length));
}

char* Put(char* out, std::string_view s) {
  std::memcpy(out, s.data(), s.size());
  return out + s.size();
}

// Writes 0 <= v < 1000 in decimal.
char* PutSmall(char* out, int v) {
  if (v >= 100) *out++ = static_cast<char>('0' + v / 100);
  if (v >= 10) *out++ = static_cast<char>('0' + v / 10 % 10);
  *out++ = static_cast<char>('0' + v % 10);
  return out;
}

char* PutJobId(char* out, int64_t id) {
  out = Put(out, "JOB");
  for (int i = 12; i >= 0; --i, id /= 10) out[i] = static_cast<char>('0' + id % 10);
  return out + 13;
}

char* PutFeatures(char* out, const Posting& p) {
  out = Put(out, ",COMP");
  out = PutSmall(out, p.company);
  *out++ = ',';
  out = Put(out, kJobTypes[p.job_type].name);
  *out++ = ',';
  out = Put(out, kDegrees[p.degree].name);
  *out++ = ',';
  out = Put(out, kMajors[p.major].name);
  *out++ = ',';
  out = Put(out, kIndustries[p.industry].name);
  *out++ = ',';
  out = PutSmall(out, p.years);
  *out++ = ',';
  out = PutSmall(out, p.miles);
  *out++ = '\n';
  return out;
}

}  // namespace

Model::Model(uint64_t seed_in, int64_t rows_in) : seed(seed_in), rows(rows_in) {
  first_id = 1'000'000'000'000 + static_cast<int64_t>(Mix(seed) % 8'000'000'000'000ULL);
  Rng rng(Mix(seed ^ 0xc0ffee));
  for (double& effect : company_effect) {
    effect =
        kCompanySpread * (2.0 * static_cast<double>(rng.Next() >> 11) / 9007199254740992.0 - 1.0);
  }
}

int64_t BlockRows(int64_t rows, int64_t block) {
  return std::clamp<int64_t>(rows - block * kBlockRows, 0, kBlockRows);
}

void FormatBlock(const Model& model, Stream stream, int64_t block, std::string* features,
                 std::string* salaries) {
  int64_t begin = block * kBlockRows;
  int64_t n = BlockRows(model.rows, block);
  Rng rng(Mix(Mix(Mix(model.seed) + static_cast<uint64_t>(stream)) + static_cast<uint64_t>(block)));
  int64_t id = model.first_id + begin + (stream == Stream::kTest ? model.rows : 0);
  features->resize(static_cast<size_t>(n * kMaxFeatureRowBytes));
  char* f = features->data();
  char* s = nullptr;
  if (salaries) {
    salaries->resize(static_cast<size_t>(n * kMaxSalaryRowBytes));
    s = salaries->data();
  }
  int64_t window = -1, zero_row = -1;
  for (int64_t row = begin; row < begin + n; ++row, ++id) {
    Posting p = Draw(rng);
    f = PutFeatures(PutJobId(f, id), p);
    if (!s) continue;
    int salary = Salary(model, p, rng);
    if (row / kZeroWindow != window) {
      window = row / kZeroWindow;
      zero_row = ZeroRow(model, window * kZeroWindow);
    }
    if (row == zero_row) salary = 0;
    s = PutJobId(s, id);
    *s++ = ',';
    s = PutSmall(s, salary);
    *s++ = '\n';
  }
  features->resize(static_cast<size_t>(f - features->data()));
  if (salaries) salaries->resize(static_cast<size_t>(s - salaries->data()));
}

}  // namespace sluice::engine::salary
