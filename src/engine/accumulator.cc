#include "engine/accumulator.h"

#include <string>

#include "engine/string_builder.h"

namespace sluice::engine {

namespace {

class CountAcc : public Accumulator {
 public:
  explicit CountAcc(bool star) : star_(star) {}
  void Resize(size_t n) override { counts_.resize(n, 0); }
  void Update(const std::vector<uint32_t>& gids, const Column* v) override {
    if (star_ || v->validity.empty()) {
      for (uint32_t g : gids) counts_[g]++;
    } else {
      for (size_t i = 0; i < gids.size(); ++i) counts_[gids[i]] += v->validity[i];
    }
  }
  void Merge(const Accumulator& other, const std::vector<uint32_t>& target) override {
    const auto& o = static_cast<const CountAcc&>(other);
    for (size_t g = 0; g < o.counts_.size(); ++g) counts_[target[g]] += o.counts_[g];
  }
  ColumnPtr Finish(size_t n) const override {
    std::vector<int64_t> v(counts_.begin(), counts_.begin() + n);
    return MakeInt64Column(std::move(v));
  }

 private:
  bool star_;
  std::vector<int64_t> counts_;
};

// sum and avg: a running sum of type S plus the count of non-null values.
template <typename S>
class SumAcc : public Accumulator {
 public:
  explicit SumAcc(bool average) : average_(average) {}
  void Resize(size_t n) override {
    sums_.resize(n, 0);
    counts_.resize(n, 0);
  }
  void Update(const std::vector<uint32_t>& gids, const Column* v) override {
    const auto& values = Values(*v);
    if (v->validity.empty()) {
      for (size_t i = 0; i < gids.size(); ++i) {
        sums_[gids[i]] += values[i];
        counts_[gids[i]]++;
      }
      return;
    }
    for (size_t i = 0; i < gids.size(); ++i) {
      if (!v->validity[i]) continue;
      sums_[gids[i]] += values[i];
      counts_[gids[i]]++;
    }
  }
  void Merge(const Accumulator& other, const std::vector<uint32_t>& target) override {
    const auto& o = static_cast<const SumAcc&>(other);
    for (size_t g = 0; g < o.sums_.size(); ++g) {
      sums_[target[g]] += o.sums_[g];
      counts_[target[g]] += o.counts_[g];
    }
  }
  ColumnPtr Finish(size_t n) const override {
    std::vector<uint8_t> valid(n);
    for (size_t g = 0; g < n; ++g) valid[g] = counts_[g] > 0;
    if (average_) {
      std::vector<double> v(n);
      for (size_t g = 0; g < n; ++g) {
        v[g] = counts_[g] ? static_cast<double>(sums_[g]) / counts_[g] : 0;
      }
      return MakeDoubleColumn(std::move(v), std::move(valid));
    }
    std::vector<S> v(sums_.begin(), sums_.begin() + n);
    if constexpr (std::is_same_v<S, int64_t>) return MakeInt64Column(std::move(v), std::move(valid));
    else return MakeDoubleColumn(std::move(v), std::move(valid));
  }

 private:
  static const std::vector<S>& Values(const Column& c) {
    if constexpr (std::is_same_v<S, int64_t>) return c.i64;
    else return c.f64;
  }
  bool average_;
  std::vector<S> sums_;
  std::vector<int64_t> counts_;
};

// min and max of any type; strings are copied into the group's own std::string.
template <typename T>
class ExtremeAcc : public Accumulator {
 public:
  ExtremeAcc(bool is_max, TypeId type) : is_max_(is_max), type_(type) {}
  void Resize(size_t n) override {
    best_.resize(n);
    has_.resize(n, 0);
  }
  void Update(const std::vector<uint32_t>& gids, const Column* v) override {
    for (size_t i = 0; i < gids.size(); ++i) {
      if (v->IsValid(i)) Offer(gids[i], Get(*v, i));
    }
  }
  void Merge(const Accumulator& other, const std::vector<uint32_t>& target) override {
    const auto& o = static_cast<const ExtremeAcc&>(other);
    for (size_t g = 0; g < o.best_.size(); ++g) {
      if (o.has_[g]) Offer(target[g], o.best_[g]);
    }
  }
  ColumnPtr Finish(size_t n) const override {
    std::vector<uint8_t> valid(has_.begin(), has_.begin() + n);
    if constexpr (std::is_same_v<T, std::string>) {
      StringColumnBuilder sb(n);
      for (size_t g = 0; g < n; ++g) has_[g] ? sb.Append(best_[g]) : sb.AppendNull();
      return sb.Finish();
    } else {
      std::vector<T> v(best_.begin(), best_.begin() + n);
      if constexpr (std::is_same_v<T, double>) {
        return MakeDoubleColumn(std::move(v), std::move(valid));
      } else if (type_ == TypeId::kInt64) {
        return MakeInt64Column(std::move(v), std::move(valid));
      } else {
        std::vector<uint8_t> b(v.begin(), v.end());
        return MakeBoolColumn(std::move(b), std::move(valid));
      }
    }
  }

 private:
  T Get(const Column& c, size_t i) const {
    if constexpr (std::is_same_v<T, std::string>) return std::string(c.StringAt(i));
    else if constexpr (std::is_same_v<T, double>) return c.f64[i];
    else return type_ == TypeId::kBool ? T(c.b[i]) : T(c.i64[i]);
  }
  template <typename V>
  void Offer(uint32_t g, const V& v) {
    if (!has_[g] || (is_max_ ? best_[g] < v : v < best_[g])) {
      best_[g] = v;
      has_[g] = 1;
    }
  }
  bool is_max_;
  TypeId type_;
  std::vector<T> best_;
  std::vector<uint8_t> has_;
};

}  // namespace

TypeId AggregateResultType(AggregateFn fn, TypeId input) {
  switch (fn) {
    case AggregateFn::kCount: case AggregateFn::kCountStar: return TypeId::kInt64;
    case AggregateFn::kAvg: return TypeId::kDouble;
    case AggregateFn::kSum: return input == TypeId::kInt64 ? TypeId::kInt64 : TypeId::kDouble;
    case AggregateFn::kMin: case AggregateFn::kMax: return input;
  }
  return input;
}

std::unique_ptr<Accumulator> MakeAccumulator(AggregateFn fn, TypeId input) {
  switch (fn) {
    case AggregateFn::kCount: return std::make_unique<CountAcc>(false);
    case AggregateFn::kCountStar: return std::make_unique<CountAcc>(true);
    case AggregateFn::kSum: case AggregateFn::kAvg: {
      bool avg = fn == AggregateFn::kAvg;
      if (input == TypeId::kInt64) return std::make_unique<SumAcc<int64_t>>(avg);
      return std::make_unique<SumAcc<double>>(avg);
    }
    case AggregateFn::kMin: case AggregateFn::kMax: {
      bool is_max = fn == AggregateFn::kMax;
      switch (input) {
        case TypeId::kString: return std::make_unique<ExtremeAcc<std::string>>(is_max, input);
        case TypeId::kDouble: return std::make_unique<ExtremeAcc<double>>(is_max, input);
        default: return std::make_unique<ExtremeAcc<int64_t>>(is_max, input);
      }
    }
  }
  return nullptr;
}

}  // namespace sluice::engine
