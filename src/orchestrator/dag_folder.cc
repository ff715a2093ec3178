#include "orchestrator/dag_folder.h"

#include <algorithm>
#include <chrono>
#include <set>

#include "common/thread_pool.h"

namespace sluice::orchestrator {

namespace {

// An edit within this long of a read might share the read file's mtime tick and size.
constexpr int64_t kRacyMs = 2000;

int64_t NowMs() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

bool IsDagFileKey(std::string_view key) {
  if (!key.ends_with(".yml") && !key.ends_with(".yaml")) return false;
  size_t start = 0;
  while (start < key.size()) {
    if (key[start] == '.') return false;  // a hidden file or folder on the way
    size_t slash = key.find('/', start);
    if (slash == std::string_view::npos) break;
    start = slash + 1;
  }
  return true;
}

// A dag_id defined by several files is an error on each of them, as nothing says which wins.
void MarkClashes(std::vector<DagFolder::File>* files) {
  std::map<std::string, std::vector<size_t>> by_id;
  for (size_t i = 0; i < files->size(); ++i) {
    if ((*files)[i].dag) by_id[(*files)[i].dag->dag_id].push_back(i);
  }
  for (const auto& [id, indexes] : by_id) {
    if (indexes.size() < 2) continue;
    for (size_t i : indexes) {
      std::string others;
      for (size_t j : indexes) {
        if (j != i) others += (others.empty() ? "" : ", ") + (*files)[j].path;
      }
      DagFolder::File& f = (*files)[i];
      f.error = f.dag->ErrorAt("dag_id", "dag_id '" + id + "' is also defined in " + others);
      f.dag.reset();
    }
  }
}

}  // namespace

DagFolder::DagFolder(std::string uri, storage::Location location, DagLoadOptions options)
    : uri_(std::move(uri)), location_(std::move(location)), options_(std::move(options)) {
  prefix_ = location_.key;
  if (!prefix_.empty() && !prefix_.ends_with('/')) prefix_ += '/';
}

Result<std::unique_ptr<DagFolder>> DagFolder::Open(std::string_view uri, DagLoadOptions options) {
  ASSIGN_OR_RETURN(storage::Location location, storage::ResolveUri(uri));
  return std::unique_ptr<DagFolder>(
      new DagFolder(std::string(uri), std::move(location), std::move(options)));
}

Result<std::vector<storage::ObjectInfo>> DagFolder::ListDagFiles() const {
  Result<std::vector<storage::ObjectInfo>> all = location_.store->List(prefix_);
  if (!all.ok()) return all.status().WithContext("listing the dags folder " + uri_);
  std::vector<storage::ObjectInfo> out;
  for (storage::ObjectInfo& info : *all) {
    info.key.erase(0, prefix_.size());
    if (IsDagFileKey(info.key)) out.push_back(std::move(info));
  }
  return out;
}

DagFolder::Parsed DagFolder::ReadOne(const storage::ObjectInfo& info) const {
  Parsed p;
  p.size = info.size;
  p.mtime_ms = info.mtime_ms;
  const int64_t read_at = NowMs();
  p.racy = info.mtime_ms + kRacyMs >= read_at;
  const std::string path = storage::JoinUri(uri_, info.key);
  Result<std::string> text = location_.store->Get(prefix_ + info.key);
  if (!text.ok()) {
    p.error = text.status().WithContext("reading DAG file " + path);
    return p;
  }
  Result<DagSpec> dag = ParseDagFile(*text, path, options_);
  if (dag.ok()) {
    p.dag = std::make_shared<const DagSpec>(std::move(*dag));
  } else {
    p.error = dag.status();
  }
  return p;
}

Result<DagFolder::RefreshStats> DagFolder::Refresh() {
  std::lock_guard<std::mutex> lock(refresh_mu_);
  ASSIGN_OR_RETURN(std::vector<storage::ObjectInfo> listing, ListDagFiles());
  RefreshStats stats;
  stats.files = listing.size();

  std::set<std::string_view> listed;
  for (const storage::ObjectInfo& info : listing) listed.insert(info.key);
  for (const auto& [key, p] : parsed_) stats.removed += listed.count(key) == 0 ? 1 : 0;

  std::vector<const storage::ObjectInfo*> changed;
  std::map<std::string, Parsed> next;
  for (const storage::ObjectInfo& info : listing) {
    auto it = parsed_.find(info.key);
    if (it != parsed_.end() && !it->second.racy && it->second.size == info.size &&
        it->second.mtime_ms == info.mtime_ms) {
      next.emplace(info.key, std::move(it->second));
    } else {
      changed.push_back(&info);
    }
  }

  std::vector<Parsed> results(changed.size());
  Status st = ThreadPool::Default().ParallelFor(changed.size(), [&](size_t i) {
    results[i] = ReadOne(*changed[i]);
    return Status::OK();
  });
  RETURN_NOT_OK(st);
  for (size_t i = 0; i < changed.size(); ++i) next[changed[i]->key] = std::move(results[i]);
  stats.parsed = changed.size();
  parsed_ = std::move(next);
  Publish();
  return stats;
}

void DagFolder::Publish() {
  std::vector<File> files;
  files.reserve(parsed_.size());
  for (const auto& [key, p] : parsed_) {
    files.push_back(File{key, storage::JoinUri(uri_, key), p.dag, p.error});
  }
  MarkClashes(&files);
  std::map<std::string, std::shared_ptr<const DagSpec>, std::less<>> dags;
  for (const File& f : files) {
    if (f.dag) dags.emplace(f.dag->dag_id, f.dag);
  }
  std::lock_guard<std::mutex> lock(view_mu_);
  files_ = std::move(files);
  dags_ = std::move(dags);
}

std::vector<DagFolder::File> DagFolder::Files() const {
  std::lock_guard<std::mutex> lock(view_mu_);
  return files_;
}

std::vector<std::shared_ptr<const DagSpec>> DagFolder::Dags() const {
  std::lock_guard<std::mutex> lock(view_mu_);
  std::vector<std::shared_ptr<const DagSpec>> out;
  out.reserve(dags_.size());
  for (const auto& [id, dag] : dags_) out.push_back(dag);
  return out;
}

std::shared_ptr<const DagSpec> DagFolder::FindDag(std::string_view dag_id) const {
  std::lock_guard<std::mutex> lock(view_mu_);
  auto it = dags_.find(dag_id);
  return it == dags_.end() ? nullptr : it->second;
}

}  // namespace sluice::orchestrator
