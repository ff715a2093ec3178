// Hash aggregation. Group keys become small integers first: strings are interned into one
// dictionary per key column shared by all threads (dictionary-encoded input is translated
// code by code, so each distinct string is looked at once per thread). A single string or
// bool key then indexes the accumulators directly; other keys go through a GroupTable.
// Each thread aggregates on its own; the states are merged when the input is done.
#include <algorithm>
#include <cstring>
#include <unordered_map>

#include "engine/accumulator.h"
#include "engine/group_table.h"
#include "engine/hash.h"
#include "engine/operators.h"

namespace sluice::engine {

namespace {

// Turns the key columns of a chunk into one 64-bit word per key per row (plus a null mask
// word when some key is NULL), using the shared interners for strings.
class KeyEncoder {
 public:
  explicit KeyEncoder(const std::vector<std::shared_ptr<Dictionary>>& interners) {
    for (const auto& d : interners) caches_.emplace_back(d.get()), interners_.push_back(d.get());
  }

  // Dense path (one string or bool key): group id = 1 + the key's code, 0 = NULL. Appends to
  // *fresh the ids this thread produces for the first time (for dictionary input, once per
  // distinct code rather than once per row).
  void DenseGroupIds(const Column& c, int64_t rows, std::vector<uint32_t>* gids,
                     std::vector<uint32_t>* fresh) {
    gids->resize(rows);
    if (c.is_dictionary()) {
      auto& table = translations_[{0, c.dict.get()}];
      for (int64_t i = 0; i < rows; ++i) {
        if (!c.IsValid(i)) {  // a NULL's code is not a code of the dictionary
          (*gids)[i] = 0;
          if (!null_seen_) fresh->push_back(0), null_seen_ = true;
          continue;
        }
        uint32_t code = c.codes[i];
        if (code >= table.size()) table.resize(c.dict->size(), UINT32_MAX);
        if (table[code] == UINT32_MAX) {
          table[code] = caches_[0].Intern(c.dict->At(code)) + 1;
          fresh->push_back(table[code]);
        }
        (*gids)[i] = table[code];
      }
      return;
    }
    for (int64_t i = 0; i < rows; ++i) {
      if (!c.IsValid(i)) {
        (*gids)[i] = 0;
      } else if (c.type == TypeId::kBool) {
        (*gids)[i] = c.b[i] + 1;
      } else {
        (*gids)[i] = caches_[0].Intern(c.views[i]) + 1;
      }
    }
    fresh->insert(fresh->end(), gids->begin(), gids->end());
  }

  // words: rows x (keys + 1), the last word of a row is its null mask.
  void Encode(const std::vector<const Column*>& keys, int64_t rows, std::vector<uint64_t>* words) {
    size_t width = keys.size() + 1;
    words->assign(rows * width, 0);
    for (size_t k = 0; k < keys.size(); ++k) {
      const Column& c = *keys[k];
      for (int64_t i = 0; i < rows; ++i) {
        uint64_t& w = (*words)[i * width + k];
        if (!c.IsValid(i)) {
          (*words)[i * width + keys.size()] |= uint64_t{1} << k;
          continue;
        }
        switch (c.type) {
          case TypeId::kInt64: w = static_cast<uint64_t>(c.i64[i]); break;
          case TypeId::kBool: w = c.b[i]; break;
          case TypeId::kDouble: {
            double d = c.f64[i] == 0 ? 0.0 : c.f64[i];
            std::memcpy(&w, &d, 8);
            break;
          }
          case TypeId::kString: w = StringCode(k, c, i); break;
        }
      }
    }
  }

 private:
  uint64_t StringCode(size_t k, const Column& c, int64_t i) {
    if (!c.dict) return caches_[k].Intern(c.views[i]);
    auto& table = translations_[{k + kGeneralPath, c.dict.get()}];
    uint32_t code = c.codes[i];
    if (code >= table.size()) table.resize(c.dict->size(), UINT32_MAX);
    if (table[code] == UINT32_MAX) table[code] = caches_[k].Intern(c.dict->At(code));
    return table[code];
  }

  struct PairHash {
    size_t operator()(const std::pair<size_t, const Dictionary*>& p) const {
      return std::hash<const void*>()(p.second) ^ p.first;
    }
  };

  // Translation tables of the general path hold interned codes, the dense path's hold group
  // ids (code + 1); they are kept apart by this offset in the key.
  static constexpr size_t kGeneralPath = 1 << 20;
  bool null_seen_ = false;
  std::vector<DictionaryCache> caches_;
  std::vector<Dictionary*> interners_;
  std::unordered_map<std::pair<size_t, const Dictionary*>, std::vector<uint32_t>, PairHash>
      translations_;
};

struct ThreadState {
  KeyEncoder encoder;
  GroupTable groups;  // general path only
  std::vector<std::unique_ptr<Accumulator>> accs;
  size_t dense_groups = 0;  // dense path: groups [0, dense_groups) are sized
  std::vector<uint8_t> seen;  // dense path: group ids some row of this thread reached
  std::vector<uint32_t> fresh;  // dense path: ids the current chunk reached first
  std::vector<uint64_t> words;
  std::vector<uint32_t> gids;

  ThreadState(const std::vector<std::shared_ptr<Dictionary>>& interners, int width)
      : encoder(interners), groups(width) {}
};

class HashAggregateOp : public Operator {
 public:
  HashAggregateOp(std::string name, std::vector<int> group_by, std::vector<TypeId> key_types,
                  std::vector<BoundAggregate> aggregates)
      : Operator(std::move(name)),
        group_by_(std::move(group_by)),
        key_types_(std::move(key_types)),
        aggregates_(std::move(aggregates)) {
    for (size_t k = 0; k < group_by_.size(); ++k) {
      interners_.push_back(std::make_shared<Dictionary>());
    }
    dense_ = group_by_.size() == 1 &&
             (key_types_[0] == TypeId::kString || key_types_[0] == TypeId::kBool);
  }

  Status Push(int, Chunk chunk) override {
    ThreadState& st = states_.Get([this] { return NewState(); });
    std::vector<const Column*> keys;
    for (int k : group_by_) keys.push_back(chunk.columns[k].get());
    if (dense_) {
      st.fresh.clear();
      st.encoder.DenseGroupIds(*keys[0], chunk.num_rows, &st.gids, &st.fresh);
      SizeDenseGroups(st);
    } else {
      st.encoder.Encode(keys, chunk.num_rows, &st.words);
      AssignGroups(st, chunk.num_rows);
    }
    for (size_t a = 0; a < aggregates_.size(); ++a) {
      ColumnPtr values;
      if (aggregates_[a].arg) {
        ASSIGN_OR_RETURN(values, Evaluate(*aggregates_[a].arg, chunk));
      }
      st.accs[a]->Update(st.gids, values.get());
    }
    return Status::OK();
  }

 private:
  std::unique_ptr<ThreadState> NewState() {
    auto st = std::make_unique<ThreadState>(interners_, static_cast<int>(group_by_.size()) + 1);
    for (const auto& a : aggregates_) {
      st->accs.push_back(MakeAccumulator(a.fn, a.arg ? a.arg->type : TypeId::kInt64));
    }
    return st;
  }

  // Dense path: makes the group ids new to this thread addressable and marks them seen.
  void SizeDenseGroups(ThreadState& st) {
    if (st.fresh.empty()) return;
    uint32_t max_gid = *std::max_element(st.fresh.begin(), st.fresh.end());
    size_t needed = size_t{max_gid} + 1;
    if (needed > st.dense_groups) {
      for (auto& acc : st.accs) acc->Resize(needed);
      st.dense_groups = needed;
      st.seen.resize(needed, 0);
    }
    for (uint32_t g : st.fresh) st.seen[g] = 1;
  }

  // General path: group ids from a GroupTable over the encoded key words.
  void AssignGroups(ThreadState& st, int64_t rows) {
    st.gids.resize(rows);
    size_t width = group_by_.size() + 1;
    for (int64_t i = 0; i < rows; ++i) {
      const uint64_t* key = &st.words[i * width];
      uint64_t h = width > 1 ? MixHash(key[0]) : 0;
      for (size_t w = 1; w < width; ++w) h = CombineHashes(h, key[w]);
      st.gids[i] = st.groups.FindOrAdd(key, h);
    }
    for (auto& acc : st.accs) acc->Resize(st.groups.size());
  }

  Status OnAllInputsDone() override {
    std::vector<ThreadState*> states = states_.All();
    auto global = NewState();
    size_t groups = 0;
    std::vector<uint8_t> used;  // dense path: which group ids some row reached
    for (ThreadState* st : states) {
      std::vector<uint32_t> target;
      if (dense_) {
        groups = std::max(groups, st->dense_groups);
        for (auto& acc : global->accs) acc->Resize(groups);
        used.resize(groups, 0);
        target.resize(st->dense_groups);
        for (uint32_t g = 0; g < st->dense_groups; ++g) target[g] = g;
      } else {
        target.resize(st->groups.size());
        for (uint32_t g = 0; g < st->groups.size(); ++g) {
          target[g] = global->groups.FindOrAdd(st->groups.KeyAt(g), st->groups.HashAt(g));
        }
        groups = global->groups.size();
        for (auto& acc : global->accs) acc->Resize(groups);
      }
      for (size_t a = 0; a < aggregates_.size(); ++a) global->accs[a]->Merge(*st->accs[a], target);
    }
    if (dense_) MarkUsedDenseGroups(states, &used);
    if (group_by_.empty() && groups == 0) {  // a global aggregate of no rows is one row
      uint64_t zero = 0;
      global->groups.FindOrAdd(&zero, 0);
      groups = 1;
      for (auto& acc : global->accs) acc->Resize(1);
    }
    RETURN_NOT_OK(Emit(BuildResult(*global, groups, used)));
    return EmitDone();
  }

  // A dense group id is output only if some row reached it (ids are codes of a shared
  // dictionary, so a thread may size for ids that only other threads saw).
  void MarkUsedDenseGroups(const std::vector<ThreadState*>& states, std::vector<uint8_t>* used) {
    for (ThreadState* st : states) {
      for (size_t g = 0; g < st->dense_groups && g < used->size(); ++g) {
        if (g < st->seen.size() && st->seen[g]) (*used)[g] = 1;
      }
    }
  }

  Chunk BuildResult(const ThreadState& global, size_t groups, const std::vector<uint8_t>& used) {
    std::vector<uint32_t> rows;  // the group ids to output, in id order
    for (uint32_t g = 0; g < groups; ++g) {
      if (!dense_ || used[g]) rows.push_back(g);
    }
    Chunk out;
    out.num_rows = static_cast<int64_t>(rows.size());
    size_t width = group_by_.size() + 1;
    for (size_t k = 0; k < group_by_.size(); ++k) {
      out.columns.push_back(KeyColumn(global, k, width, rows));
    }
    std::vector<int64_t> take(rows.begin(), rows.end());
    for (size_t a = 0; a < aggregates_.size(); ++a) {
      ColumnPtr all = global.accs[a]->Finish(groups);
      out.columns.push_back(TakeRows(*all, take));
    }
    return out;
  }

  ColumnPtr KeyColumn(const ThreadState& global, size_t k, size_t width,
                      const std::vector<uint32_t>& rows) {
    auto col = std::make_shared<Column>();
    col->type = key_types_[k];
    col->length = static_cast<int64_t>(rows.size());
    col->validity.assign(rows.size(), 1);
    bool any_null = false;
    for (size_t r = 0; r < rows.size(); ++r) {
      uint64_t word;
      bool null;
      if (dense_) {
        null = rows[r] == 0;
        word = null ? 0 : rows[r] - 1;
      } else {
        const uint64_t* key = global.groups.KeyAt(rows[r]);
        null = (key[width - 1] >> k) & 1;
        word = key[k];
      }
      col->validity[r] = !null;
      any_null |= null;
      switch (col->type) {
        case TypeId::kInt64: col->i64.push_back(static_cast<int64_t>(word)); break;
        case TypeId::kBool: col->b.push_back(static_cast<uint8_t>(word)); break;
        case TypeId::kDouble: {
          double d;
          std::memcpy(&d, &word, 8);
          col->f64.push_back(d);
          break;
        }
        case TypeId::kString: col->codes.push_back(static_cast<uint32_t>(word)); break;
      }
    }
    if (col->type == TypeId::kString) col->dict = interners_[k];
    if (!any_null) col->validity.clear();
    return col;
  }

  std::vector<int> group_by_;
  std::vector<TypeId> key_types_;
  std::vector<BoundAggregate> aggregates_;
  std::vector<std::shared_ptr<Dictionary>> interners_;
  bool dense_ = false;
  PerThread<ThreadState> states_;
};

}  // namespace

std::unique_ptr<Operator> MakeHashAggregate(std::string name, std::vector<int> group_by,
                                            std::vector<TypeId> key_types,
                                            std::vector<BoundAggregate> aggregates) {
  return std::make_unique<HashAggregateOp>(std::move(name), std::move(group_by),
                                           std::move(key_types), std::move(aggregates));
}

}  // namespace sluice::engine
