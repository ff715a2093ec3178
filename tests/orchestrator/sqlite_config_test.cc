// Variables, connections and users in the SQLite metadata store.
#include "store_test_util.h"

namespace sluice::orchestrator {
namespace {

using testing::Day;

class SqliteConfigTest : public testing::StoreTest {
 protected:
  static ConnectionModel Aws(const std::string& id) {
    ConnectionModel c;
    c.conn_id = id;
    c.conn_type = "aws";
    c.description = "local EMR";
    c.host = "127.0.0.1";
    c.port = 8080;
    c.login = "AKIDEXAMPLE";
    c.extra = {{"endpoint_url", "http://127.0.0.1:8080"}, {"region", "us-east-1"}};
    c.secrets = {{"secret_access_key", "wJalrXUtnFEMI/K7MDENG"}};
    return c;
  }
};

TEST_F(SqliteConfigTest, Variables) {
  ASSERT_OK(store_->SetVariable({"bucket", "file:///w/salary", "where the demo writes"}));
  ASSERT_OK(store_->SetVariable({"alpha", "1", ""}));
  ASSERT_OK_AND_ASSIGN(VariableModel got, store_->GetVariable("bucket"));
  EXPECT_EQ(got.value, "file:///w/salary");
  EXPECT_EQ(got.description, "where the demo writes");

  ASSERT_OK(store_->SetVariable({"bucket", "s3://b", ""}));
  EXPECT_EQ(store_->GetVariable("bucket")->value, "s3://b");

  ASSERT_OK_AND_ASSIGN(auto all, store_->ListVariables());
  ASSERT_EQ(all.size(), 2u);
  EXPECT_EQ(all[0].key, "alpha");
  EXPECT_EQ(all[1].key, "bucket");

  ASSERT_OK(store_->DeleteVariable("alpha"));
  auto gone = store_->GetVariable("alpha");
  EXPECT_EQ(gone.status().code(), StatusCode::kNotFound);
  EXPECT_EQ(gone.status().message(), "variable 'alpha' does not exist");
  EXPECT_EQ(store_->DeleteVariable("alpha").code(), StatusCode::kNotFound);
}

TEST_F(SqliteConfigTest, ConnectionsKeepSecretsApart) {
  ASSERT_OK(store_->SetConnection(Aws("emr_default")));
  ConnectionModel plain;
  plain.conn_id = "a_plain";
  plain.conn_type = "http";
  ASSERT_OK(store_->SetConnection(plain));

  ASSERT_OK_AND_ASSIGN(ConnectionModel got, store_->GetConnection("emr_default"));
  EXPECT_EQ(got.conn_type, "aws");
  EXPECT_EQ(got.description, "local EMR");
  EXPECT_EQ(got.host, "127.0.0.1");
  EXPECT_EQ(got.port, 8080);
  EXPECT_EQ(got.login, "AKIDEXAMPLE");
  EXPECT_EQ(got.extra["region"], "us-east-1");
  EXPECT_EQ(got.secrets["secret_access_key"], "wJalrXUtnFEMI/K7MDENG");

  ASSERT_OK_AND_ASSIGN(auto listed, store_->ListConnections());
  ASSERT_EQ(listed.size(), 2u);
  EXPECT_EQ(listed[0].conn_id, "a_plain");
  EXPECT_FALSE(listed[0].port.has_value());
  EXPECT_EQ(listed[1].conn_id, "emr_default");
  EXPECT_EQ(listed[1].extra["endpoint_url"], "http://127.0.0.1:8080");
  for (const auto& c : listed) {
    EXPECT_TRUE(c.secrets.empty()) << c.conn_id;
    EXPECT_EQ(c.secrets.dump().find("wJalr"), std::string::npos);
  }
  EXPECT_EQ(store_->GetConnection("a_plain")->secrets, nlohmann::json::object());
}

TEST_F(SqliteConfigTest, ConnectionReplaceAndDelete) {
  ASSERT_OK(store_->SetConnection(Aws("emr_default")));
  ConnectionModel changed = Aws("emr_default");
  changed.port.reset();
  changed.secrets = {{"secret_access_key", "rotated"}};
  ASSERT_OK(store_->SetConnection(changed));
  ASSERT_OK_AND_ASSIGN(ConnectionModel got, store_->GetConnection("emr_default"));
  EXPECT_FALSE(got.port.has_value());
  EXPECT_EQ(got.secrets["secret_access_key"], "rotated");

  ASSERT_OK(store_->DeleteConnection("emr_default"));
  EXPECT_EQ(store_->GetConnection("emr_default").status().code(), StatusCode::kNotFound);
  EXPECT_EQ(store_->DeleteConnection("emr_default").code(), StatusCode::kNotFound);
  // Its secrets went with it (cascade), so a new connection by that id starts clean.
  ConnectionModel fresh;
  fresh.conn_id = "emr_default";
  fresh.conn_type = "aws";
  fresh.secrets = nullptr;
  ASSERT_OK(store_->SetConnection(fresh));
  EXPECT_TRUE(store_->GetConnection("emr_default")->secrets.empty());
}

TEST_F(SqliteConfigTest, Users) {
  ASSERT_OK(store_->CreateUser({"viewer1", "viewer", "$argon2id$x", Day(0)}));
  UserModel admin;
  admin.username = "admin";
  admin.role = "admin";
  admin.password_hash = "$argon2id$y";
  ASSERT_OK(store_->CreateUser(admin));

  auto dup = store_->CreateUser(admin);
  EXPECT_EQ(dup.code(), StatusCode::kAlreadyExists);
  EXPECT_EQ(dup.message(), "user 'admin' already exists");

  ASSERT_OK_AND_ASSIGN(UserModel got, store_->GetUser("viewer1"));
  EXPECT_EQ(got.role, "viewer");
  EXPECT_EQ(got.password_hash, "$argon2id$x");
  EXPECT_EQ(got.created_at, Day(0));
  ASSERT_OK_AND_ASSIGN(UserModel got_admin, store_->GetUser("admin"));
  ASSERT_TRUE(got_admin.created_at.has_value());
  EXPECT_LE(*got_admin.created_at, Now());

  ASSERT_OK_AND_ASSIGN(auto users, store_->ListUsers());
  ASSERT_EQ(users.size(), 2u);
  EXPECT_EQ(users[0].username, "admin");
  EXPECT_EQ(users[1].username, "viewer1");

  ASSERT_OK(store_->DeleteUser("viewer1"));
  EXPECT_EQ(store_->GetUser("viewer1").status().code(), StatusCode::kNotFound);
  EXPECT_EQ(store_->DeleteUser("viewer1").code(), StatusCode::kNotFound);
}

}  // namespace
}  // namespace sluice::orchestrator
