#include "engine/executor.h"

#include "common/process_stats.h"
#include "common/progress.h"
#include "common/thread_pool.h"
#include "engine/csv_writer.h"
#include "engine/planner.h"

namespace sluice::engine {

namespace {

// The operator face of an input scan: it has no producers and drives its consumers.
class ScanSource : public Operator {
 public:
  ScanSource(std::string name, CsvScanner* scanner)
      : Operator(std::move(name), 0), scanner_(scanner) {}

  Status Push(int, Chunk) override { return Status::Internal("a scan has no inputs"); }

  Status Run(ProgressBar* progress, int threads) {
    RETURN_NOT_OK(scanner_->Scan([this](Chunk&& c) { return Emit(std::move(c)); }, progress,
                                 threads));
    return EmitDone();
  }

 private:
  CsvScanner* scanner_;
};

// The default home of PERMISSIVE rejects: "_rejects/<input>" beside the first output.
std::string DefaultRejectsUri(const JobPlan& plan, const std::string& input) {
  if (plan.outputs.empty()) return "";
  std::string base = plan.outputs[0].uri;
  while (!base.empty() && base.back() == '/') base.pop_back();
  size_t slash = base.rfind('/');
  std::string parent = slash == std::string::npos ? "." : base.substr(0, slash);
  return storage::JoinUri(parent, "_rejects/" + input);
}

Status WriteRejects(const std::string& input_uri, std::vector<RejectedRow> rejects,
                    const std::string& uri) {
  std::vector<std::string> file(rejects.size(), input_uri), reason, record;
  std::vector<int64_t> line;
  for (auto& r : rejects) {
    line.push_back(r.line);
    reason.push_back(std::move(r.reason));
    record.push_back(std::move(r.record));
  }
  Table t;
  t.schema.fields = {{"file", TypeId::kString}, {"line", TypeId::kInt64},
                     {"reason", TypeId::kString}, {"record", TypeId::kString}};
  Chunk c;
  c.num_rows = static_cast<int64_t>(line.size());
  c.columns = {MakeStringColumn(file), MakeInt64Column(line), MakeStringColumn(reason),
               MakeStringColumn(record)};
  t.chunks.push_back(std::move(c));
  auto res = WriteCsvFolder(t, uri, storage::SaveMode::kOverwrite, CsvWriteOptions{});
  return res.status().WithContext("writing rejects to " + uri);
}

// Stages every output before committing any, so that one output that cannot be written
// (error_if_exists, a full disk) leaves all of them as they were.
Status CommitOutputs(PhysicalPlan& pp, JobSummary* summary) {
  std::vector<StagedCsvFolder> staged;
  for (auto& po : pp.outputs) {
    Table table = po.sink->TakeTable();
    auto s = StageCsvFolder(table, po.spec->uri, po.spec->mode, po.spec->csv);
    if (!s.ok()) {
      for (const auto& done : staged) AbortCsvFolder(done);
      return s.status();
    }
    staged.push_back(std::move(s).value());
  }
  for (size_t o = 0; o < staged.size(); ++o) {
    Status st = CommitCsvFolder(staged[o]);
    if (!st.ok()) {
      for (size_t rest = o + 1; rest < staged.size(); ++rest) AbortCsvFolder(staged[rest]);
      return st;
    }
    const CsvWriteResult& w = staged[o].result;
    const OutputSpec& spec = *pp.outputs[o].spec;
    summary->outputs.push_back({spec.name, spec.uri, w.rows, w.bytes, w.written, w.part_uri});
  }
  return Status::OK();
}

Result<JobSummary> Execute(const JobPlan& plan, PhysicalPlan& pp, const RunOptions& options) {
  Stopwatch clock;
  JobSummary summary;
  summary.job = plan.name;
  summary.threads = options.threads > 0 ? options.threads : ThreadPool::Default().parallelism();
  int64_t total_bytes = 0;
  for (auto& pn : pp.nodes) {
    if (!pn.scanner) continue;
    pn.op = std::make_unique<ScanSource>(pn.node->name, pn.scanner.get());
    total_bytes += pn.scanner->size_bytes();
  }
  for (auto& pn : pp.nodes) {
    for (auto [consumer, input] : pn.consumers) pn.Op()->AddConsumer(pp.nodes[consumer].Op(), input);
  }
  for (size_t o = 0; o < pp.outputs.size(); ++o) {
    const PlanNode* in = pp.outputs[o].spec->input.get();
    for (auto& pn : pp.nodes) {
      if (pn.node == in) pn.Op()->AddConsumer(pp.outputs[o].sink.get(), 0);
    }
  }

  std::unique_ptr<ProgressBar> progress;
  if (options.progress) progress = std::make_unique<ProgressBar>("reading", total_bytes);
  for (int s : pp.scan_order) {
    PlannedNode& pn = pp.nodes[s];
    if (progress) progress->SetLabel("reading " + pn.node->name);
    auto* source = static_cast<ScanSource*>(pn.op.get());
    RETURN_NOT_OK(source->Run(progress.get(), summary.threads));
  }
  if (progress) progress->Finish();

  for (auto& pn : pp.nodes) {
    if (pn.scanner) {
      InputSummary in;
      in.name = pn.node->name;
      in.uri = pn.node->uri;
      CsvScanStats st = pn.scanner->stats();
      in.rows = st.rows;
      in.malformed = st.malformed;
      in.bytes = st.bytes;
      in.mode = std::string(MalformedModeName(pn.node->csv.mode));
      if (pn.node->csv.mode == MalformedMode::kPermissive) {
        in.rejects_uri = pn.node->rejects_uri.empty() ? DefaultRejectsUri(plan, pn.node->name)
                                                      : pn.node->rejects_uri;
        auto rejects = pn.scanner->TakeRejects();
        if (!rejects.empty() && !in.rejects_uri.empty()) {
          RETURN_NOT_OK(WriteRejects(pn.node->uri, std::move(rejects), in.rejects_uri));
        } else {
          in.rejects_uri.clear();
        }
      }
      summary.inputs.push_back(std::move(in));
    } else if (pn.join) {
      summary.joins.push_back(
          {pn.node->name, std::string(JoinTypeName(pn.node->join_type)), pn.join->stats()});
    }
  }
  RETURN_NOT_OK(CommitOutputs(pp, &summary));
  summary.seconds = clock.Seconds();
  summary.peak_rss_bytes = PeakRssBytes();
  return summary;
}

}  // namespace

Result<JobSummary> RunJob(const JobPlan& plan, const RunOptions& options) {
  ASSIGN_OR_RETURN(PhysicalPlan pp, PlanJob(plan));
  return Execute(plan, pp, options);
}

}  // namespace sluice::engine
