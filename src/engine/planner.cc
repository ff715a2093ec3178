#include "engine/planner.h"

#include <algorithm>
#include <functional>
#include <set>
#include <unordered_map>

#include "engine/accumulator.h"

namespace sluice::engine {

namespace {

using NameSet = std::set<std::string>;

Status NodeError(const PlanNode& n, const std::string& what) {
  return Status::InvalidArgument(n.pos.ToString() + ": step '" + n.name + "': " + what);
}

// The join's output names: left columns, then right non-key columns ("_right" on a clash).
std::vector<std::pair<int, std::string>> RightPayload(const PlanNode& n, const Schema& left,
                                                      const Schema& right) {
  std::vector<std::pair<int, std::string>> out;
  if (n.join_type == JoinType::kSemi || n.join_type == JoinType::kAnti) return out;
  for (int i = 0; i < right.size(); ++i) {
    const std::string& name = right.fields[i].name;
    if (std::find(n.right_keys.begin(), n.right_keys.end(), name) != n.right_keys.end()) continue;
    out.push_back({i, left.IndexOf(name) >= 0 ? name + "_right" : name});
  }
  return out;
}

class Planner {
 public:
  explicit Planner(const JobPlan& plan) : plan_(plan) {}

  Result<PhysicalPlan> Run() {
    for (const auto& out : plan_.outputs) Visit(out.input.get());
    RETURN_NOT_OK(OpenScans({}));
    RETURN_NOT_OK(DeriveSchemas());
    RETURN_NOT_OK(OpenScans(RequiredColumns()));  // again, reading only what is used
    RETURN_NOT_OK(DeriveSchemas());
    RETURN_NOT_OK(MakeOperators());
    Wire();
    OrderScans();
    return std::move(result_);
  }

 private:
  // Post-order: inputs get lower indexes than the nodes that read them.
  int Visit(const PlanNode* n) {
    auto it = index_.find(n);
    if (it != index_.end()) return it->second;
    for (const auto& in : n->inputs) Visit(in.get());
    PlannedNode pn;
    pn.node = n;
    result_.nodes.push_back(std::move(pn));
    return index_[n] = static_cast<int>(result_.nodes.size()) - 1;
  }

  int IndexOf(const PlanNodePtr& n) const { return index_.at(n.get()); }
  const Schema& SchemaOf(const PlanNodePtr& n) const { return result_.nodes[IndexOf(n)].schema; }

  Status OpenScans(const std::vector<NameSet>& required) {
    for (size_t i = 0; i < result_.nodes.size(); ++i) {
      PlannedNode& pn = result_.nodes[i];
      if (pn.node->kind != PlanNode::Kind::kScan) continue;
      ASSIGN_OR_RETURN(storage::Location loc, storage::ResolveUri(pn.node->uri));
      CsvReadOptions opts = pn.node->csv;
      if (!required.empty()) {
        const Schema& full = pn.schema;
        opts.columns.clear();
        for (const auto& f : full.fields) {
          if (required[i].count(f.name)) opts.columns.push_back(f.name);
        }
        // A scan nobody reads a column of still has to count its rows: keep the first one.
        if (opts.columns.empty() && full.size() > 0) opts.columns.push_back(full.fields[0].name);
      }
      auto scanner = CsvScanner::Open(loc, std::move(opts));
      if (!scanner.ok()) {
        return scanner.status().WithContext("input '" + pn.node->name + "' (" +
                                            pn.node->pos.ToString() + ")");
      }
      pn.scanner = std::move(scanner).value();
      pn.schema = pn.scanner->schema();
    }
    return Status::OK();
  }

  Status DeriveSchemas() {
    for (auto& pn : result_.nodes) {
      if (pn.node->kind == PlanNode::Kind::kScan) continue;
      ASSIGN_OR_RETURN(pn.schema, DeriveSchema(*pn.node));
    }
    return Status::OK();
  }

  Result<Schema> DeriveSchema(const PlanNode& n) {
    const Schema& in = SchemaOf(n.inputs[0]);
    Schema out;
    switch (n.kind) {
      case PlanNode::Kind::kScan: return Status::Internal("scan schema comes from the file");
      case PlanNode::Kind::kFilter:
        // Bound here too, before pruning, so an unknown column lists the file's columns.
        RETURN_NOT_OK(BindExpr(*n.predicate, in).status());
        return in;
      case PlanNode::Kind::kSort:
        for (const auto& k : n.sort_keys) RETURN_NOT_OK(BindExpr(*k.expr, in).status());
        return in;
      case PlanNode::Kind::kLimit:
        return in;
      case PlanNode::Kind::kUnion:
        for (size_t i = 1; i < n.inputs.size(); ++i) {
          const Schema& other = SchemaOf(n.inputs[i]);
          bool same = other.size() == in.size();
          for (int c = 0; same && c < in.size(); ++c) same = other.fields[c].type == in.fields[c].type;
          if (!same) {
            return NodeError(n, "union inputs differ: (" + in.ToString() + ") vs (" +
                                    other.ToString() + ")");
          }
        }
        return in;
      case PlanNode::Kind::kProject: {
        if (n.keep_input_columns) out = in;
        for (const auto& ne : n.exprs) {
          ASSIGN_OR_RETURN(BoundExprPtr e, BindExpr(*ne.expr, in));
          int at = out.IndexOf(ne.name);
          if (at >= 0 && n.keep_input_columns) {
            out.fields[at].type = e->type;
          } else {
            out.fields.push_back({ne.name, e->type});
          }
        }
        return out;
      }
      case PlanNode::Kind::kJoin: {
        const Schema& right = SchemaOf(n.inputs[1]);
        RETURN_NOT_OK(CheckJoinKeys(n, in, right));
        out = in;
        for (const auto& [idx, name] : RightPayload(n, in, right)) {
          out.fields.push_back({name, right.fields[idx].type});
        }
        return out;
      }
      case PlanNode::Kind::kAggregate: {
        for (const auto& g : n.group_by) {
          int idx = in.IndexOf(g);
          if (idx < 0) return NodeError(n, "unknown group_by column '" + g + "' (columns: " +
                                               in.ToString() + ")");
          out.fields.push_back(in.fields[idx]);
        }
        for (const auto& a : n.aggregates) {
          TypeId arg_type = TypeId::kInt64;
          if (a.arg) {
            ASSIGN_OR_RETURN(BoundAggregate bound, BindAggregate(a, in));
            arg_type = bound.arg->type;
          }
          out.fields.push_back({a.name, AggregateResultType(a.fn, arg_type)});
        }
        return out;
      }
    }
    return Status::Internal("unhandled node kind");
  }

  Status CheckJoinKeys(const PlanNode& n, const Schema& left, const Schema& right) {
    if (n.left_keys.size() != n.right_keys.size() || n.left_keys.empty()) {
      return NodeError(n, "join needs the same number of keys on both sides");
    }
    for (size_t k = 0; k < n.left_keys.size(); ++k) {
      int l = left.IndexOf(n.left_keys[k]), r = right.IndexOf(n.right_keys[k]);
      if (l < 0) return NodeError(n, "unknown join key '" + n.left_keys[k] + "' on the left (" +
                                         left.ToString() + ")");
      if (r < 0) return NodeError(n, "unknown join key '" + n.right_keys[k] + "' on the right (" +
                                         right.ToString() + ")");
      if (left.fields[l].type != right.fields[r].type) {
        return NodeError(n, "join keys " + n.left_keys[k] + " (" +
                                std::string(TypeName(left.fields[l].type)) + ") and " +
                                n.right_keys[k] + " (" +
                                std::string(TypeName(right.fields[r].type)) +
                                ") have different types; give both the same type");
      }
    }
    return Status::OK();
  }

  static Result<BoundAggregate> BindAggregate(const AggregateSpec& a, const Schema& in) {
    BoundAggregate b;
    b.fn = a.fn;
    if (!a.arg) return b;
    ASSIGN_OR_RETURN(b.arg, BindExpr(*a.arg, in));
    bool numeric_fn = a.fn == AggregateFn::kSum || a.fn == AggregateFn::kAvg;
    if (numeric_fn && b.arg->type == TypeId::kString) {
      b.arg = CastBound(b.arg, TypeId::kDouble);  // Spark reads numbers out of strings here
    }
    if (numeric_fn && b.arg->type == TypeId::kBool) {
      return Status::InvalidArgument(a.arg->pos.ToString() + ": " +
                                     std::string(AggregateFnName(a.fn)) + " of a bool");
    }
    b.result_type = AggregateResultType(a.fn, b.arg->type);
    return b;
  }

  // For each node, the column names some consumer reads (consumers come later in `nodes`).
  std::vector<NameSet> RequiredColumns() {
    std::vector<NameSet> req(result_.nodes.size());
    for (const auto& out : plan_.outputs) {
      for (const auto& f : SchemaOf(out.input).fields) req[IndexOf(out.input)].insert(f.name);
    }
    for (int i = static_cast<int>(result_.nodes.size()) - 1; i >= 0; --i) {
      const PlanNode& n = *result_.nodes[i].node;
      const NameSet& mine = req[i];
      auto need = [&](int input, const std::string& name) { req[IndexOf(n.inputs[input])].insert(name); };
      auto need_expr = [&](int input, const ExprPtr& e) {
        std::vector<std::string> cols;
        if (e) CollectColumns(*e, &cols);
        for (const auto& c : cols) need(input, c);
      };
      switch (n.kind) {
        case PlanNode::Kind::kScan: break;
        case PlanNode::Kind::kFilter:
          for (const auto& c : mine) need(0, c);
          need_expr(0, n.predicate);
          break;
        case PlanNode::Kind::kSort:
          for (const auto& c : mine) need(0, c);
          for (const auto& k : n.sort_keys) need_expr(0, k.expr);
          break;
        case PlanNode::Kind::kLimit:
          for (const auto& c : mine) need(0, c);
          break;
        case PlanNode::Kind::kUnion:  // positional: every column of every input
          for (size_t in = 0; in < n.inputs.size(); ++in) {
            for (const auto& f : SchemaOf(n.inputs[in]).fields) need(static_cast<int>(in), f.name);
          }
          break;
        case PlanNode::Kind::kProject: {
          NameSet computed;
          for (const auto& ne : n.exprs) {
            need_expr(0, ne.expr);
            computed.insert(ne.name);
          }
          if (n.keep_input_columns) {
            for (const auto& c : mine) {
              if (!computed.count(c)) need(0, c);
            }
          }
          break;
        }
        case PlanNode::Kind::kJoin: {
          const Schema& left = SchemaOf(n.inputs[0]);
          const Schema& right = SchemaOf(n.inputs[1]);
          for (const auto& k : n.left_keys) need(0, k);
          for (const auto& k : n.right_keys) need(1, k);
          for (const auto& f : left.fields) {
            if (mine.count(f.name)) need(0, f.name);
          }
          for (const auto& [idx, name] : RightPayload(n, left, right)) {
            if (mine.count(name)) need(1, right.fields[idx].name);
          }
          break;
        }
        case PlanNode::Kind::kAggregate:
          for (const auto& g : n.group_by) need(0, g);
          for (const auto& a : n.aggregates) need_expr(0, a.arg);
          break;
      }
    }
    return req;
  }

  Status MakeOperators() {
    for (auto& pn : result_.nodes) {
      const PlanNode& n = *pn.node;
      if (n.kind == PlanNode::Kind::kScan) continue;
      const Schema& in = SchemaOf(n.inputs[0]);
      switch (n.kind) {
        case PlanNode::Kind::kScan: break;
        case PlanNode::Kind::kFilter: {
          ASSIGN_OR_RETURN(BoundExprPtr p, BindExpr(*n.predicate, in));
          if (p->type != TypeId::kBool) {
            return NodeError(n, "filter must be a condition, found a " +
                                    std::string(TypeName(p->type)) + " expression");
          }
          pn.op = MakeFilter(n.name, std::move(p));
          break;
        }
        case PlanNode::Kind::kProject: {
          std::vector<BoundExprPtr> exprs;
          for (const auto& f : pn.schema.fields) {
            auto it = std::find_if(n.exprs.begin(), n.exprs.end(),
                                   [&](const NamedExpr& ne) { return ne.name == f.name; });
            if (it != n.exprs.end()) {
              ASSIGN_OR_RETURN(auto e, BindExpr(*it->expr, in));
              exprs.push_back(std::move(e));
            } else {  // a passed-through input column of a derive
              auto e = std::make_shared<BoundExpr>();
              e->kind = BoundExpr::Kind::kColumn;
              e->column = in.IndexOf(f.name);
              e->type = f.type;
              exprs.push_back(std::move(e));
            }
          }
          pn.op = MakeProject(n.name, std::move(exprs));
          break;
        }
        case PlanNode::Kind::kUnion:
          pn.op = MakeUnion(n.name, static_cast<int>(n.inputs.size()));
          break;
        case PlanNode::Kind::kLimit:
          pn.op = MakeLimit(n.name, n.limit);
          break;
        case PlanNode::Kind::kSort: {
          std::vector<BoundSortKey> keys;
          for (const auto& k : n.sort_keys) {
            ASSIGN_OR_RETURN(auto e, BindExpr(*k.expr, in));
            keys.push_back({std::move(e), k.descending, k.nulls_first});
          }
          pn.op = MakeSort(n.name, std::move(keys));
          break;
        }
        case PlanNode::Kind::kJoin: {
          const Schema& right = SchemaOf(n.inputs[1]);
          std::vector<int> lk, rk, payload;
          std::vector<TypeId> payload_types;
          for (const auto& k : n.left_keys) lk.push_back(in.IndexOf(k));
          for (const auto& k : n.right_keys) rk.push_back(right.IndexOf(k));
          for (const auto& [idx, name] : RightPayload(n, in, right)) {
            payload.push_back(idx);
            payload_types.push_back(right.fields[idx].type);
          }
          auto join = MakeHashJoin(n.name, n.join_type, std::move(lk), std::move(rk),
                                   std::move(payload), std::move(payload_types));
          pn.join = join.get();
          pn.op = std::move(join);
          break;
        }
        case PlanNode::Kind::kAggregate: {
          std::vector<int> keys;
          std::vector<TypeId> key_types;
          for (const auto& g : n.group_by) {
            keys.push_back(in.IndexOf(g));
            key_types.push_back(in.fields[keys.back()].type);
          }
          std::vector<BoundAggregate> aggs;
          for (const auto& a : n.aggregates) {
            ASSIGN_OR_RETURN(auto b, BindAggregate(a, in));
            aggs.push_back(std::move(b));
          }
          pn.op = MakeHashAggregate(n.name, std::move(keys), std::move(key_types), std::move(aggs));
          break;
        }
      }
    }
    return Status::OK();
  }

  void Wire() {
    for (size_t i = 0; i < result_.nodes.size(); ++i) {
      const PlanNode& n = *result_.nodes[i].node;
      for (size_t in = 0; in < n.inputs.size(); ++in) {
        int producer = IndexOf(n.inputs[in]);
        result_.nodes[producer].consumers.push_back({static_cast<int>(i), static_cast<int>(in)});
      }
    }
    for (const auto& out : plan_.outputs) {
      PlannedOutput po;
      po.spec = &out;
      po.sink = std::make_unique<CollectSink>(out.name, SchemaOf(out.input));
      result_.outputs.push_back(std::move(po));
    }
  }

  // Scans feeding a join's build side run before scans feeding its probe side, so the probe
  // streams through a finished table instead of waiting in memory.
  void OrderScans() {
    size_t n = result_.nodes.size();
    std::vector<std::set<int>> scans_under(n);
    for (size_t i = 0; i < n; ++i) {
      const PlanNode& node = *result_.nodes[i].node;
      if (node.kind == PlanNode::Kind::kScan) scans_under[i].insert(static_cast<int>(i));
      for (const auto& in : node.inputs) {
        const auto& s = scans_under[IndexOf(in)];
        scans_under[i].insert(s.begin(), s.end());
      }
    }
    std::map<int, std::set<int>> before;  // scan -> scans that must run first
    for (size_t i = 0; i < n; ++i) {
      const PlanNode& node = *result_.nodes[i].node;
      if (node.kind != PlanNode::Kind::kJoin) continue;
      for (int probe : scans_under[IndexOf(node.inputs[0])]) {
        for (int build : scans_under[IndexOf(node.inputs[1])]) {
          if (probe != build) before[probe].insert(build);
        }
      }
    }
    std::vector<int> scans;
    for (size_t i = 0; i < n; ++i) {
      if (result_.nodes[i].node->kind == PlanNode::Kind::kScan) scans.push_back(static_cast<int>(i));
    }
    std::set<int> done;
    while (result_.scan_order.size() < scans.size()) {
      int pick = -1;
      for (int s : scans) {
        if (done.count(s)) continue;
        bool ready = std::all_of(before[s].begin(), before[s].end(),
                                 [&](int b) { return done.count(b) > 0; });
        if (ready) {
          pick = s;
          break;
        }
      }
      if (pick < 0) {  // a cycle (e.g. a self-join): any order is correct, probes wait
        for (int s : scans) {
          if (!done.count(s)) {
            pick = s;
            break;
          }
        }
      }
      done.insert(pick);
      result_.scan_order.push_back(pick);
    }
  }

  const JobPlan& plan_;
  PhysicalPlan result_;
  std::unordered_map<const PlanNode*, int> index_;
};

}  // namespace

Result<PhysicalPlan> PlanJob(const JobPlan& plan) { return Planner(plan).Run(); }

}  // namespace sluice::engine
