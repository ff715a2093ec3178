// The EMR console's endpoints (clusters, steps, step logs) on a cluster made with awscli, and
// the warehouse browser: folders one level at a time, objects, CSV previews, no escapes.
#include "server_process.h"

namespace sluice::web::testing {
namespace {

using Json = nlohmann::json;

TEST_F(ApiServer, ShowsClustersStepsAndStepLogs) {
  std::string out;
  ASSERT_EQ(AwsEmr("create-cluster --name api --release-label sluice-local "
                   "--instance-groups InstanceGroupType=MASTER,InstanceCount=1,InstanceType=m5."
                   "xlarge --log-uri " +
                       home_ + "/emr-logs/",
                   &out),
            0)
      << out;
  std::string id = nlohmann::json::parse(out)["ClusterId"];
  ASSERT_EQ(AwsEmr("add-steps --cluster-id " + id +
                       " --steps 'Type=CUSTOM_JAR,Name=greet,Jar=command-runner.jar,"
                       "ActionOnFailure=CONTINUE,Args=[bash,-c,echo hi; echo oops >&2; exit 3]'",
                   &out),
            0)
      << out;
  std::string step = nlohmann::json::parse(out)["StepIds"][0];
  std::string steps_path = "/api/v1/clusters/" + id + "/steps";
  ASSERT_TRUE(WaitFor([&] { return GetJson(steps_path + "/" + step)["state"] == "FAILED"; }, 30));

  Json clusters = GetJson("/api/v1/clusters");
  ASSERT_EQ(clusters["total_entries"], 1);
  Json c = clusters["clusters"][0];
  EXPECT_EQ(c["id"], id);
  EXPECT_EQ(c["name"], "api");
  EXPECT_EQ(c["state"], "WAITING");
  EXPECT_TRUE(c["reason"].contains("code"));
  EXPECT_TRUE(c["created"].is_string());
  EXPECT_TRUE(c["ready"].is_string());
  EXPECT_EQ(c["ended"], nullptr);
  EXPECT_NE(c["log_uri"].get<std::string>().find("emr-logs"), std::string::npos);
  EXPECT_EQ(GetJson("/api/v1/clusters/" + id), c);
  EXPECT_EQ(GetJson("/api/v1/clusters?state=TERMINATED")["total_entries"], 0);
  EXPECT_EQ(Http("GET", "/api/v1/clusters?state=SLEEPING", "", As("viewer")).status, 400);
  EXPECT_EQ(Http("GET", "/api/v1/clusters/j-NOPE", "", As("viewer")).status, 404);

  Json steps = GetJson(steps_path);
  ASSERT_EQ(steps["total_entries"], 1);
  Json s = steps["steps"][0];
  EXPECT_EQ(s["id"], step);
  EXPECT_EQ(s["name"], "greet");
  EXPECT_EQ(s["state"], "FAILED");
  EXPECT_EQ(s["action_on_failure"], "CONTINUE");
  EXPECT_EQ(s["args"], Json::parse(R"(["bash", "-c", "echo hi; echo oops >&2; exit 3"])"));
  EXPECT_TRUE(s["started"].is_string());
  EXPECT_TRUE(s["ended"].is_string());
  ASSERT_TRUE(s["failure_details"].is_object()) << s;
  EXPECT_NE(s["failure_details"]["message"].get<std::string>().find("oops"), std::string::npos);
  EXPECT_NE(s["log_locations"]["stderr"].get<std::string>().find(id + "/steps/" + step),
            std::string::npos)
      << s;

  Reply stdout_log = Http("GET", steps_path + "/" + step + "/logs/stdout", "", As("viewer"));
  EXPECT_EQ(stdout_log.status, 200);
  EXPECT_EQ(Json::parse(stdout_log.body)["content"], "hi\n");
  httplib::Headers text = As("viewer");
  text.emplace("Accept", "text/plain");
  Reply stderr_log = Http("GET", steps_path + "/" + step + "/logs/stderr", "", text);
  EXPECT_EQ(stderr_log.body, "oops\n");
  EXPECT_EQ(stderr_log.Header("X-Sluice-Log-Complete"), "true");
  EXPECT_EQ(Http("GET", steps_path + "/" + step + "/logs/syslog", "", As("viewer")).status, 404);
  EXPECT_EQ(Http("GET", steps_path + "/s-NOPE/logs/stdout", "", As("viewer")).status, 404);
  ASSERT_EQ(AwsEmr("terminate-clusters --cluster-ids " + id, &out), 0) << out;
}

class Warehouse : public ApiServer {
 protected:
  void SetUp() override {
    ApiServer::SetUp();
    std::string w = home_ + "/warehouse/salary/output/average_salary/industry";
    std::filesystem::create_directories(w);
    std::filesystem::create_directories(home_ + "/warehouse/salary/.staging-1");
    std::filesystem::create_directories(home_ + "/warehouse/empty");
    std::ofstream(w + "/part-00000.csv") << "industry,average_salary\nOIL,\"135.5\"\n"
                                            "\"WEB, INC\",120.25\nAUTO,99\n";
    std::ofstream(w + "/_SUCCESS");
    std::ofstream(home_ + "/warehouse/salary/.staging-1/x.csv") << "hidden\n";
    std::ofstream(home_ + "/secret.txt") << "outside\n";
  }
};

TEST_F(Warehouse, BrowsesOneLevelAtATime) {
  Json root = GetJson("/api/v1/storage");
  EXPECT_EQ(root["path"], "");
  EXPECT_EQ(root["parent"], nullptr);
  EXPECT_EQ(root["root"], "file://" + home_ + "/warehouse/");
  // As in an object store, a folder shows once it holds an object (`empty` does not).
  ASSERT_EQ(root["folders"].size(), 1u) << root;
  EXPECT_EQ(root["folders"][0], Json({{"name", "salary"}, {"path", "salary/"}}));
  EXPECT_EQ(root["objects"].size(), 0u);

  Json salary = GetJson("/api/v1/storage?uri=salary");
  EXPECT_EQ(salary["folders"].size(), 1u) << "hidden staging folders are not listed: " << salary;
  EXPECT_EQ(salary["parent"], "");
  std::string folder = "salary/output/average_salary/industry/";
  Json leaf = GetJson("/api/v1/storage?uri=" + folder);
  EXPECT_EQ(leaf["path"], folder);
  EXPECT_EQ(leaf["parent"], "salary/output/average_salary/");
  ASSERT_EQ(leaf["objects"].size(), 2u) << leaf;
  EXPECT_EQ(leaf["objects"][0]["name"], "_SUCCESS");
  EXPECT_EQ(leaf["objects"][0]["size"], 0);
  EXPECT_EQ(leaf["objects"][1]["name"], "part-00000.csv");
  EXPECT_EQ(leaf["objects"][1]["path"], folder + "part-00000.csv");
  EXPECT_TRUE(leaf["objects"][1]["mtime"].is_string());
  // The same folder by absolute path and by file:// URI.
  EXPECT_EQ(GetJson("/api/v1/storage?uri=" + home_ + "/warehouse/" + folder)["objects"],
            leaf["objects"]);
  EXPECT_EQ(GetJson("/api/v1/storage?uri=file://" + home_ + "/warehouse/" + folder)["objects"],
            leaf["objects"]);
  EXPECT_EQ(GetJson("/api/v1/storage?uri=empty")["total_entries"], 0);
  Json paged = GetJson("/api/v1/storage?uri=" + folder + "&limit=1&offset=1");
  EXPECT_EQ(paged["objects"].size(), 1u);
  EXPECT_EQ(paged["total_entries"], 2);

  for (std::string bad : std::vector<std::string>{"salary/../..", "..", home_ + "/secret.txt",
                                                  "file:///etc", "s3://bucket/x"}) {
    Reply r = Http("GET", "/api/v1/storage?uri=" + httplib::detail::encode_query_param(bad), "",
                   As("viewer"));
    EXPECT_EQ(r.status, 400) << bad << ": " << r.body;
  }
  EXPECT_EQ(Http("GET", "/api/v1/storage?uri=nope", "", As("viewer")).status, 404);
  EXPECT_EQ(Http("GET", "/api/v1/storage").status, 401);
}

TEST_F(Warehouse, ServesObjectsAndCsvPreviews) {
  std::string object =
      "/api/v1/storage/object?uri=salary/output/average_salary/industry/"
      "part-00000.csv";
  Reply raw = Http("GET", object, "", As("viewer"));
  ASSERT_EQ(raw.status, 200);
  EXPECT_EQ(raw.body, ReadFile(home_ + "/warehouse/salary/output/average_salary/industry/"
                                       "part-00000.csv"));
  EXPECT_EQ(raw.Header("Content-Type").rfind("text/csv", 0), 0u);
  EXPECT_EQ(raw.Header("X-Sluice-Truncated"), "false");
  Reply part = Http("GET", object + "&length=8", "", As("viewer"));
  EXPECT_EQ(part.body, "industry");
  EXPECT_EQ(part.Header("X-Sluice-Truncated"), "true");
  EXPECT_EQ(part.Header("X-Sluice-Object-Size"), std::to_string(raw.body.size()));

  Json preview = GetJson(object + "&preview=csv");
  EXPECT_EQ(preview["columns"], Json::parse(R"(["industry", "average_salary"])"));
  EXPECT_EQ(preview["rows"],
            Json::parse(R"([["OIL", "135.5"], ["WEB, INC", "120.25"], ["AUTO", "99"]])"));
  EXPECT_EQ(preview["truncated"], false);
  Json two = GetJson(object + "&preview=csv&limit=2");
  EXPECT_EQ(two["rows"].size(), 2u);
  EXPECT_EQ(two["truncated"], true);
  EXPECT_EQ(Http("GET", object + "&preview=parquet", "", As("viewer")).status, 400);
  EXPECT_EQ(Http("GET", "/api/v1/storage/object?uri=salary/nope.csv", "", As("viewer")).status,
            404);
  EXPECT_EQ(Http("GET", "/api/v1/storage/object?uri=../secret.txt", "", As("viewer")).status, 400);
}

}  // namespace
}  // namespace sluice::web::testing
