#include "orchestrator/home.h"

#include <yaml-cpp/yaml.h>

#include <cstdlib>
#include <filesystem>

#include "orchestrator/sqlite_store.h"

namespace sluice::orchestrator {

namespace {

std::string At(const SluiceHome& home, const YAML::Mark& mark) {
  return home.config_path + ":" + std::to_string(mark.line + 1) + ":" +
         std::to_string(mark.column + 1);
}

// `pools: {name: slots, ...}`; default_pool keeps its 128 slots unless named.
Status ReadPools(const YAML::Node& node, SluiceHome* home) {
  if (node.IsNull()) return Status::OK();
  if (!node.IsMap()) {
    return Status::InvalidArgument(At(*home, node.Mark()) +
                                   ": pools must be a map of pool name to slots, e.g. "
                                   "pools: {etl: 4}");
  }
  for (const auto& entry : node) {
    std::string name = entry.first.as<std::string>();
    int slots = -1;
    if (!YAML::convert<int>::decode(entry.second, slots) || slots < 0) {
      return Status::InvalidArgument(At(*home, entry.second.Mark()) + ": pools: " + name +
                                     ": slots must be a whole number, 0 or more");
    }
    if (name.empty()) {
      return Status::InvalidArgument(At(*home, entry.first.Mark()) + ": pools: empty pool name");
    }
    home->pools[name] = slots;
  }
  return Status::OK();
}

// A number of seconds (fractions allowed), more than zero.
Status ReadSeconds(const SluiceHome& home, const YAML::Node& root, const char* key,
                   std::chrono::milliseconds* out) {
  const YAML::Node node = root[key];
  if (!node) return Status::OK();
  double seconds = 0;
  if (!YAML::convert<double>::decode(node, seconds) || !(seconds > 0)) {
    return Status::InvalidArgument(At(home, node.Mark()) + ": " + key +
                                   " must be a number of seconds above 0");
  }
  *out = std::chrono::milliseconds(static_cast<int64_t>(seconds * 1000));
  return Status::OK();
}

Status ReadConfig(SluiceHome* home) {
  if (!std::filesystem::exists(home->config_path)) return Status::OK();
  YAML::Node root;
  try {
    root = YAML::LoadFile(home->config_path);
  } catch (const YAML::Exception& e) {
    return Status::ParseError(At(*home, e.mark) + ": " + e.msg);
  }
  if (!root || root.IsNull()) return Status::OK();
  try {
    if (root["pools"]) RETURN_NOT_OK(ReadPools(root["pools"], home));
    if (root["dags_folder"]) home->dags_folder = root["dags_folder"].as<std::string>();
    if (root["parallelism"]) home->parallelism = root["parallelism"].as<int>();
    if (root["dag_dir_list_interval"]) {
      home->dag_refresh_interval = std::chrono::milliseconds(
          static_cast<int64_t>(root["dag_dir_list_interval"].as<double>() * 1000));
    }
    if (root["dags_are_paused_at_creation"]) {
      home->dags_are_paused_at_creation = root["dags_are_paused_at_creation"].as<bool>();
    }
    RETURN_NOT_OK(ReadSeconds(*home, root, "scheduler_heartbeat_sec", &home->scheduler_heartbeat));
    RETURN_NOT_OK(ReadSeconds(*home, root, "scheduler_health_check_threshold",
                              &home->scheduler_health_check_threshold));
  } catch (const YAML::Exception& e) {
    return Status::ParseError(At(*home, e.mark) + ": " + e.msg);
  }
  if (home->parallelism < 1) {
    return Status::InvalidArgument(home->config_path + ": parallelism must be at least 1");
  }
  return Status::OK();
}

}  // namespace

Result<SluiceHome> LoadHome() {
  SluiceHome home;
  if (const char* env = std::getenv("SLUICE_HOME"); env && *env) {
    home.path = env;
  } else if (const char* user = std::getenv("HOME"); user && *user) {
    home.path = std::string(user) + "/.sluice";
  } else {
    return Status::InvalidArgument("neither SLUICE_HOME nor HOME is set");
  }
  home.path = std::filesystem::absolute(home.path).lexically_normal().string();
  home.config_path = home.path + "/sluice.yml";
  home.db_path = home.path + "/sluice.db";
  home.dags_folder = home.path + "/dags";
  RETURN_NOT_OK(ReadConfig(&home));
  // As AIRFLOW__CORE__DAGS_FOLDER does for Airflow: the environment wins over the file.
  if (const char* dags = std::getenv("SLUICE_DAGS_FOLDER"); dags && *dags) home.dags_folder = dags;
  return home;
}

Result<std::unique_ptr<MetadataStore>> OpenStore(const SluiceHome& home, bool create) {
  std::error_code ec;
  std::filesystem::create_directories(home.path, ec);
  if (ec) return Status::IoError("creating " + home.path + ": " + ec.message());
  ASSIGN_OR_RETURN(auto store, SqliteStore::Open(home.db_path));
  RETURN_NOT_OK(create ? store->Init() : store->Check());
  return std::unique_ptr<MetadataStore>(std::move(store));
}

}  // namespace sluice::orchestrator
