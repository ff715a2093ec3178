// Vectorised evaluation of bound expressions, one chunk at a time.
#include <algorithm>
#include <cctype>
#include <cmath>
#include <functional>

#include "engine/bound_expr.h"
#include "engine/csv_writer.h"
#include "engine/scalar_kernels.h"
#include "engine/string_builder.h"

namespace sluice::engine {

namespace {

using Validity = std::vector<uint8_t>;

// Validity of a row-wise combination: valid where every input is valid (empty = all valid).
Validity AndValidity(const std::vector<const Column*>& cols, int64_t n) {
  Validity out;
  for (const Column* c : cols) {
    if (c->validity.empty()) continue;
    if (out.empty()) {
      out = c->validity;
    } else {
      for (int64_t i = 0; i < n; ++i) out[i] &= c->validity[i];
    }
  }
  return out;
}

std::shared_ptr<Column> Broadcast(const BoundExpr& lit, int64_t n) {
  auto c = std::make_shared<Column>();
  c->type = lit.type;
  c->length = n;
  if (std::holds_alternative<std::monostate>(lit.literal)) {
    c->validity.assign(n, 0);
    switch (lit.type) {
      case TypeId::kInt64: c->i64.assign(n, 0); break;
      case TypeId::kDouble: c->f64.assign(n, 0); break;
      case TypeId::kBool: c->b.assign(n, 0); break;
      case TypeId::kString: c->views.assign(n, {}); break;
    }
    return c;
  }
  switch (lit.type) {
    case TypeId::kInt64: c->i64.assign(n, std::get<int64_t>(lit.literal)); break;
    case TypeId::kDouble: c->f64.assign(n, std::get<double>(lit.literal)); break;
    case TypeId::kBool: c->b.assign(n, std::get<bool>(lit.literal)); break;
    case TypeId::kString: {
      auto text = std::make_shared<std::string>(std::get<std::string>(lit.literal));
      c->views.assign(n, std::string_view(*text));
      c->KeepAlive(text);
      break;
    }
  }
  return c;
}

// Spark's double -> long: truncation, clamped to the int64 range (a plain cast is UB there).
int64_t SaturatingInt64(double d) {
  if (d >= 9223372036854775807.0) return INT64_MAX;
  if (d <= -9223372036854775808.0) return INT64_MIN;
  return static_cast<int64_t>(d);
}

std::shared_ptr<Column> CastColumn(const Column& in, TypeId to) {
  int64_t n = in.length;
  auto out = std::make_shared<Column>();
  out->type = to;
  out->length = n;
  out->validity = in.validity;
  auto invalidate = [&](int64_t i) {
    if (out->validity.empty()) out->validity.assign(n, 1);
    out->validity[i] = 0;
  };
  if (to == TypeId::kString) {
    StringColumnBuilder sb(n);
    std::string tmp;
    for (int64_t i = 0; i < n; ++i) {
      if (!in.IsValid(i)) {
        sb.AppendNull();
        continue;
      }
      tmp.clear();
      switch (in.type) {
        case TypeId::kInt64: tmp = std::to_string(in.i64[i]); break;
        case TypeId::kDouble: AppendDouble(in.f64[i], &tmp); break;
        case TypeId::kBool: tmp = in.b[i] ? "true" : "false"; break;
        case TypeId::kString: tmp = std::string(in.StringAt(i)); break;
      }
      sb.Append(tmp);
    }
    return sb.Finish();
  }
  auto set = [&](int64_t i, double d, int64_t v, bool b) {
    if (to == TypeId::kInt64) out->i64[i] = v;
    if (to == TypeId::kDouble) out->f64[i] = d;
    if (to == TypeId::kBool) out->b[i] = b;
  };
  if (to == TypeId::kInt64) out->i64.assign(n, 0);
  if (to == TypeId::kDouble) out->f64.assign(n, 0);
  if (to == TypeId::kBool) out->b.assign(n, 0);
  for (int64_t i = 0; i < n; ++i) {
    if (!in.IsValid(i)) continue;
    switch (in.type) {
      case TypeId::kInt64: {
        int64_t v = in.i64[i];
        set(i, static_cast<double>(v), v, v != 0);
        break;
      }
      case TypeId::kDouble: {
        double d = in.f64[i];
        if (to == TypeId::kInt64 && !std::isfinite(d)) {
          invalidate(i);
          break;
        }
        set(i, d, SaturatingInt64(d), d != 0);
        break;
      }
      case TypeId::kBool: set(i, in.b[i], in.b[i], in.b[i]); break;
      case TypeId::kString: {
        std::string_view s = in.StringAt(i);
        if (to == TypeId::kInt64) {
          auto v = ParseInt64(s);
          if (!v) {  // "12.7" casts to 12, as in Spark
            auto d = ParseDouble(s);
            if (d && std::isfinite(*d)) v = SaturatingInt64(*d);
          }
          v ? set(i, 0, *v, false) : invalidate(i);
        } else if (to == TypeId::kDouble) {
          auto d = ParseDouble(s);
          d ? set(i, *d, 0, false) : invalidate(i);
        } else {
          auto b = ParseBool(s);
          b ? set(i, 0, 0, *b) : invalidate(i);
        }
        break;
      }
    }
  }
  return out;
}

template <typename T, typename Op>
std::shared_ptr<Column> NumericBinary(const Column& a, const Column& b, TypeId type,
                                      const std::vector<T>& av, const std::vector<T>& bv, Op op) {
  int64_t n = a.length;
  auto out = std::make_shared<Column>();
  out->type = type;
  out->length = n;
  out->validity = AndValidity({&a, &b}, n);
  std::vector<T> values(n);
  for (int64_t i = 0; i < n; ++i) {
    bool ok = true;
    values[i] = op(av[i], bv[i], &ok);
    if (!ok) {
      if (out->validity.empty()) out->validity.assign(n, 1);
      out->validity[i] = 0;
      values[i] = T{};
    }
  }
  if constexpr (std::is_same_v<T, int64_t>) out->i64 = std::move(values);
  else out->f64 = std::move(values);
  return out;
}

std::shared_ptr<Column> Arithmetic(ScalarFn fn, const Column& a, const Column& b) {
  if (a.type == TypeId::kInt64) {
    return NumericBinary<int64_t>(a, b, TypeId::kInt64, a.i64, b.i64,
                                  [fn](int64_t x, int64_t y, bool* ok) -> int64_t {
                                    switch (fn) {
                                      case ScalarFn::kAdd: return x + y;
                                      case ScalarFn::kSub: return x - y;
                                      case ScalarFn::kMul: return x * y;
                                      default:  // kMod; x % 0 is NULL, as in Spark
                                        if (y == 0) return *ok = false, 0;
                                        if (y == -1) return 0;  // INT64_MIN % -1 traps
                                        return x % y;
                                    }
                                  });
  }
  return NumericBinary<double>(a, b, TypeId::kDouble, a.f64, b.f64,
                               [fn](double x, double y, bool* ok) -> double {
                                 switch (fn) {
                                   case ScalarFn::kAdd: return x + y;
                                   case ScalarFn::kSub: return x - y;
                                   case ScalarFn::kMul: return x * y;
                                   case ScalarFn::kDiv:
                                     if (y == 0) return *ok = false, 0;
                                     return x / y;
                                   default:
                                     if (y == 0) return *ok = false, 0;
                                     return std::fmod(x, y);
                                 }
                               });
}

// -1, 0, 1 for rows i of a and b of the same type (both valid).
int CompareAt(const Column& a, const Column& b, int64_t i) {
  switch (a.type) {
    case TypeId::kInt64: return (a.i64[i] > b.i64[i]) - (a.i64[i] < b.i64[i]);
    case TypeId::kDouble: return (a.f64[i] > b.f64[i]) - (a.f64[i] < b.f64[i]);
    case TypeId::kBool: return (a.b[i] > b.b[i]) - (a.b[i] < b.b[i]);
    case TypeId::kString: {
      int c = a.StringAt(i).compare(b.StringAt(i));
      return (c > 0) - (c < 0);
    }
  }
  return 0;
}

std::shared_ptr<Column> Compare(ScalarFn fn, const Column& a, const Column& b) {
  int64_t n = a.length;
  std::vector<uint8_t> values(n);
  Validity validity = AndValidity({&a, &b}, n);
  for (int64_t i = 0; i < n; ++i) {
    if (!validity.empty() && !validity[i]) continue;
    int c = CompareAt(a, b, i);
    switch (fn) {
      case ScalarFn::kEq: values[i] = c == 0; break;
      case ScalarFn::kNe: values[i] = c != 0; break;
      case ScalarFn::kLt: values[i] = c < 0; break;
      case ScalarFn::kLe: values[i] = c <= 0; break;
      case ScalarFn::kGt: values[i] = c > 0; break;
      default: values[i] = c >= 0; break;
    }
  }
  return MakeBoolColumn(std::move(values), std::move(validity));
}

// SQL three-valued AND / OR.
std::shared_ptr<Column> Logical(bool is_and, const Column& a, const Column& b) {
  int64_t n = a.length;
  std::vector<uint8_t> values(n), validity(n, 1);
  bool any_null = false;
  for (int64_t i = 0; i < n; ++i) {
    bool av = a.IsValid(i), bv = b.IsValid(i);
    bool x = av && a.b[i], y = bv && b.b[i];
    if (is_and) {
      bool known_false = (av && !x) || (bv && !y);
      values[i] = x && y;
      validity[i] = known_false || (av && bv);
    } else {
      values[i] = x || y;
      validity[i] = x || y || (av && bv);
    }
    any_null |= !validity[i];
  }
  return MakeBoolColumn(std::move(values), any_null ? std::move(validity) : Validity{});
}

std::shared_ptr<Column> Unary(ScalarFn fn, const Column& a, const BoundExpr& e) {
  int64_t n = a.length;
  if (fn == ScalarFn::kIsNull || fn == ScalarFn::kIsNotNull) {
    std::vector<uint8_t> v(n);
    for (int64_t i = 0; i < n; ++i) v[i] = a.IsValid(i) == (fn == ScalarFn::kIsNotNull);
    return MakeBoolColumn(std::move(v));
  }
  if (fn == ScalarFn::kNot) {
    std::vector<uint8_t> v(n);
    for (int64_t i = 0; i < n; ++i) v[i] = !a.b[i];
    return MakeBoolColumn(std::move(v), a.validity);
  }
  if (a.type == TypeId::kInt64) {
    std::vector<int64_t> v(n);
    for (int64_t i = 0; i < n; ++i) {
      v[i] = fn == ScalarFn::kNeg ? -a.i64[i] : std::llabs(a.i64[i]);
    }
    return MakeInt64Column(std::move(v), a.validity);
  }
  std::vector<double> v(n);
  for (int64_t i = 0; i < n; ++i) v[i] = fn == ScalarFn::kNeg ? -a.f64[i] : std::fabs(a.f64[i]);
  return MakeDoubleColumn(std::move(v), a.validity);
}

std::shared_ptr<Column> Round(const Column& a, int digits) {
  int64_t n = a.length;
  if (a.type == TypeId::kInt64) {
    std::vector<int64_t> v(n);
    for (int64_t i = 0; i < n; ++i) v[i] = RoundHalfUp(a.i64[i], digits);
    return MakeInt64Column(std::move(v), a.validity);
  }
  std::vector<double> v(n);
  for (int64_t i = 0; i < n; ++i) v[i] = a.IsValid(i) ? RoundHalfUp(a.f64[i], digits) : 0;
  return MakeDoubleColumn(std::move(v), a.validity);
}

// Picks, row by row, the value of `pick(i)`'s column (or NULL when pick returns -1).
std::shared_ptr<Column> Select(const std::vector<ColumnPtr>& cols, TypeId type, int64_t n,
                               const std::function<int(int64_t)>& pick) {
  auto out = std::make_shared<Column>();
  out->type = type;
  out->length = n;
  out->validity.assign(n, 1);
  StringColumnBuilder sb(type == TypeId::kString ? n : 0);
  if (type == TypeId::kInt64) out->i64.assign(n, 0);
  if (type == TypeId::kDouble) out->f64.assign(n, 0);
  if (type == TypeId::kBool) out->b.assign(n, 0);
  for (int64_t i = 0; i < n; ++i) {
    int k = pick(i);
    if (k < 0 || !cols[k]->IsValid(i)) {
      out->validity[i] = 0;
      if (type == TypeId::kString) sb.AppendNull();
      continue;
    }
    const Column& c = *cols[k];
    switch (type) {
      case TypeId::kInt64: out->i64[i] = c.i64[i]; break;
      case TypeId::kDouble: out->f64[i] = c.f64[i]; break;
      case TypeId::kBool: out->b[i] = c.b[i]; break;
      case TypeId::kString: sb.Append(c.StringAt(i)); break;
    }
  }
  if (type == TypeId::kString) return sb.Finish();
  return out;
}

std::shared_ptr<Column> StringFn(ScalarFn fn, const std::vector<ColumnPtr>& args, int64_t n) {
  if (fn == ScalarFn::kLength) {
    std::vector<int64_t> v(n);
    for (int64_t i = 0; i < n; ++i) {
      if (!args[0]->IsValid(i)) continue;
      int64_t chars = 0;  // UTF-8 code points, as Spark counts
      for (unsigned char ch : args[0]->StringAt(i)) chars += (ch & 0xC0) != 0x80;
      v[i] = chars;
    }
    return MakeInt64Column(std::move(v), args[0]->validity);
  }
  std::vector<const Column*> raw;
  for (const auto& a : args) raw.push_back(a.get());
  Validity valid = AndValidity(raw, n);
  StringColumnBuilder sb(n);
  std::string tmp;
  for (int64_t i = 0; i < n; ++i) {
    if (!valid.empty() && !valid[i]) {
      sb.AppendNull();
      continue;
    }
    std::string_view s = args[0]->StringAt(i);
    tmp.clear();
    switch (fn) {
      case ScalarFn::kConcat:
        for (const auto& a : args) tmp.append(a->StringAt(i));
        break;
      case ScalarFn::kLower:
      case ScalarFn::kUpper:
        tmp.assign(s);
        for (char& ch : tmp) {
          ch = fn == ScalarFn::kLower ? std::tolower(static_cast<unsigned char>(ch))
                                      : std::toupper(static_cast<unsigned char>(ch));
        }
        break;
      case ScalarFn::kTrim: {
        size_t b = s.find_first_not_of(' '), e = s.find_last_not_of(' ');
        if (b != std::string_view::npos) tmp.assign(s.substr(b, e - b + 1));
        break;
      }
      default: {  // kSubstr, as Spark: 1-based start over code points, negative from the end
        std::vector<size_t> starts;  // byte offset of each code point, then the end
        for (size_t b = 0; b < s.size(); ++b) {
          if ((static_cast<unsigned char>(s[b]) & 0xC0) != 0x80) starts.push_back(b);
        }
        int64_t chars = static_cast<int64_t>(starts.size());
        starts.push_back(s.size());
        int64_t pos = args[1]->i64[i];
        int64_t from = pos > 0 ? pos - 1 : (pos < 0 ? chars + pos : 0);
        // The end is taken before the start is clamped, so a start before the beginning
        // eats into the length (Spark's substringSQL).
        int64_t to = args.size() > 2 ? from + args[2]->i64[i] : chars;
        from = std::max<int64_t>(from, 0);
        to = std::min(to, chars);
        if (from < to) tmp.assign(s.substr(starts[from], starts[to] - starts[from]));
        break;
      }
    }
    sb.Append(tmp);
  }
  return sb.Finish();
}

Result<ColumnPtr> EvalCall(const BoundExpr& e, const Chunk& chunk) {
  std::vector<ColumnPtr> args;
  for (const auto& a : e.args) {
    ASSIGN_OR_RETURN(auto col, Evaluate(*a, chunk));
    args.push_back(std::move(col));
  }
  int64_t n = chunk.num_rows;
  switch (e.fn) {
    case ScalarFn::kAdd: case ScalarFn::kSub: case ScalarFn::kMul: case ScalarFn::kDiv:
    case ScalarFn::kMod:
      return ColumnPtr(Arithmetic(e.fn, *args[0], *args[1]));
    case ScalarFn::kEq: case ScalarFn::kNe: case ScalarFn::kLt: case ScalarFn::kLe:
    case ScalarFn::kGt: case ScalarFn::kGe:
      return ColumnPtr(Compare(e.fn, *args[0], *args[1]));
    case ScalarFn::kAnd: case ScalarFn::kOr:
      return ColumnPtr(Logical(e.fn == ScalarFn::kAnd, *args[0], *args[1]));
    case ScalarFn::kNot: case ScalarFn::kNeg: case ScalarFn::kAbs: case ScalarFn::kIsNull:
    case ScalarFn::kIsNotNull:
      return ColumnPtr(Unary(e.fn, *args[0], e));
    case ScalarFn::kCast:
      return ColumnPtr(CastColumn(*args[0], e.type));
    case ScalarFn::kRound: {
      int digits = e.args.size() > 1 ? static_cast<int>(std::get<int64_t>(e.args[1]->literal)) : 0;
      return ColumnPtr(Round(*args[0], digits));
    }
    case ScalarFn::kCoalesce:
      return ColumnPtr(Select(args, e.type, n, [&](int64_t i) {
        for (size_t k = 0; k < args.size(); ++k) {
          if (args[k]->IsValid(i)) return static_cast<int>(k);
        }
        return -1;
      }));
    case ScalarFn::kIf:
      return ColumnPtr(Select(args, e.type, n, [&](int64_t i) {
        return args[0]->IsValid(i) && args[0]->b[i] ? 1 : 2;
      }));
    case ScalarFn::kConcat: case ScalarFn::kLower: case ScalarFn::kUpper: case ScalarFn::kTrim:
    case ScalarFn::kLength: case ScalarFn::kSubstr:
      return ColumnPtr(StringFn(e.fn, args, n));
  }
  return Status::Internal("unhandled function in evaluation");
}

}  // namespace

Result<ColumnPtr> Evaluate(const BoundExpr& e, const Chunk& chunk) {
  switch (e.kind) {
    case BoundExpr::Kind::kColumn: return chunk.columns[e.column];
    case BoundExpr::Kind::kLiteral: return ColumnPtr(Broadcast(e, chunk.num_rows));
    case BoundExpr::Kind::kCall: return EvalCall(e, chunk);
  }
  return Status::Internal("unhandled expression kind");
}

}  // namespace sluice::engine
