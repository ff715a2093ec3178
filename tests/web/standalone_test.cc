// `sluice standalone`: one process with the DB, an admin user, the scheduler and the server,
// as `airflow standalone`; it runs a triggered DAG and stops cleanly on SIGTERM.
#include <sys/stat.h>

#include <nlohmann/json.hpp>

#include "server_process.h"
#include "web/passwords.h"

namespace sluice::web::testing {
namespace {

class Standalone : public ServerProcess {
 protected:
  Standalone() {
    command_ = "standalone";
    dags_.push_back({"hello.yml",
                     "dag_id: hello\nschedule: null\nstart_date: 2026-11-01\ntasks:\n"
                     "  - {id: say, operator: bash, bash: \"echo hello {{ ds }}\"}\n"});
  }
};

TEST_F(Standalone, CreatesAnAdminRunsDagsAndServesTheEmrApi) {
  std::string password_file = home_ + "/standalone_admin_password.txt";
  ASSERT_TRUE(std::filesystem::exists(password_file));
  struct stat st {};
  ASSERT_EQ(stat(password_file.c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 0777, 0600u);
  std::string password = ReadFile(password_file);
  password.pop_back();  // the newline
  EXPECT_GE(password.size(), 16u);
  // Printed once, and stored only as an argon2id hash.
  EXPECT_NE(ReadFile(home_ + "/server.out").find(password), std::string::npos);
  std::string out;
  std::string sluice = "SLUICE_HOME='" + home_ + "' " + SLUICE_BINARY;
  ASSERT_EQ(Shell(sluice + " users list --output json", &out), 0) << out;
  auto users = nlohmann::json::parse(out);
  ASSERT_EQ(users.size(), 1u);
  EXPECT_EQ(users[0]["username"], "admin");
  EXPECT_EQ(users[0]["role"], "admin");

  ASSERT_EQ(Shell(sluice + " dags unpause hello", &out), 0) << out;
  ASSERT_EQ(Shell(sluice + " dags trigger hello --logical-date 2026-11-20", &out), 0) << out;
  EXPECT_TRUE(WaitFor([&] {
    Shell(sluice + " dags runs hello --output json", &out);
    auto runs = nlohmann::json::parse(out, nullptr, false);
    return runs.is_array() && !runs.empty() && runs[0]["state"] == "success";
  }, 30)) << out << ReadFile(home_ + "/server.out");
  ASSERT_EQ(AwsEmr("list-clusters", &out), 0) << out;
}

TEST(Passwords, HashesAreArgon2idAndVerify) {
  auto hash = HashPassword("correct horse");
  ASSERT_TRUE(hash.ok());
  EXPECT_EQ(hash->rfind("$argon2id$", 0), 0u) << *hash;
  EXPECT_TRUE(VerifyPassword("correct horse", *hash));
  EXPECT_FALSE(VerifyPassword("correct horsf", *hash));
  EXPECT_FALSE(VerifyPassword("x", "not a hash"));
  EXPECT_NE(RandomPassword(), RandomPassword());
}

}  // namespace
}  // namespace sluice::web::testing
