// The web server's UI sessions and API tokens in the SQLite store: found by digest and kind
// until they expire, purged after, and gone with their user.
#include "store_test_util.h"

namespace sluice::orchestrator::testing {
namespace {

class SqliteAuthSessionsTest : public StoreTest {
 protected:
  void SetUp() override {
    StoreTest::SetUp();
    ASSERT_OK(store_->CreateUser({"alice", "op", "hash", std::nullopt}));
  }

  AuthSessionModel Session(const std::string& digest, AuthSessionKind kind, TimePoint expires) {
    return {digest, kind,   "alice", kind == AuthSessionKind::kSession ? "csrf" : "",
            Day(0), expires};
  }
};

TEST_F(SqliteAuthSessionsTest, FoundByDigestAndKindUntilTheyExpire) {
  ASSERT_OK(store_->CreateAuthSession(Session("s1", AuthSessionKind::kSession, Day(2))));
  ASSERT_OK(store_->CreateAuthSession(Session("t1", AuthSessionKind::kToken, Day(2))));
  ASSERT_OK_AND_ASSIGN(AuthSessionModel s,
                       store_->GetAuthSession("s1", AuthSessionKind::kSession, Day(1)));
  EXPECT_EQ(s.username, "alice");
  EXPECT_EQ(s.csrf_token, "csrf");
  EXPECT_EQ(s.created_at, Day(0));
  EXPECT_EQ(s.expires_at, Day(2));
  ASSERT_OK_AND_ASSIGN(AuthSessionModel t,
                       store_->GetAuthSession("t1", AuthSessionKind::kToken, Day(1)));
  EXPECT_EQ(t.csrf_token, "");
  // A session's digest is not a token, nor the other way round.
  EXPECT_EQ(store_->GetAuthSession("s1", AuthSessionKind::kToken, Day(1)).status().code(),
            StatusCode::kNotFound);
  EXPECT_EQ(store_->GetAuthSession("t1", AuthSessionKind::kSession, Day(1)).status().code(),
            StatusCode::kNotFound);
  // Expired at its expiry time.
  EXPECT_EQ(store_->GetAuthSession("s1", AuthSessionKind::kSession, Day(2)).status().code(),
            StatusCode::kNotFound);
  EXPECT_EQ(store_->CreateAuthSession(Session("s1", AuthSessionKind::kSession, Day(3))).code(),
            StatusCode::kAlreadyExists);
}

TEST_F(SqliteAuthSessionsTest, DeleteAndPurgeExpired) {
  ASSERT_OK(store_->CreateAuthSession(Session("old", AuthSessionKind::kSession, Day(1))));
  ASSERT_OK(store_->CreateAuthSession(Session("old_token", AuthSessionKind::kToken, Day(1))));
  ASSERT_OK(store_->CreateAuthSession(Session("live", AuthSessionKind::kSession, Day(5))));
  ASSERT_OK_AND_ASSIGN(int purged, store_->PurgeExpiredAuthSessions(Day(2)));
  EXPECT_EQ(purged, 2);
  ASSERT_OK_AND_ASSIGN(purged, store_->PurgeExpiredAuthSessions(Day(2)));
  EXPECT_EQ(purged, 0);
  EXPECT_OK(store_->GetAuthSession("live", AuthSessionKind::kSession, Day(2)).status());
  ASSERT_OK(store_->DeleteAuthSession("live"));
  EXPECT_EQ(store_->GetAuthSession("live", AuthSessionKind::kSession, Day(2)).status().code(),
            StatusCode::kNotFound);
  EXPECT_OK(store_->DeleteAuthSession("never"));  // absent is fine
}

TEST_F(SqliteAuthSessionsTest, BelongToAnExistingUserAndGoWithIt) {
  AuthSessionModel ghost = Session("g", AuthSessionKind::kToken, Day(5));
  ghost.username = "ghost";
  EXPECT_EQ(store_->CreateAuthSession(ghost).code(), StatusCode::kNotFound);
  ASSERT_OK(store_->CreateAuthSession(Session("s", AuthSessionKind::kSession, Day(5))));
  ASSERT_OK(store_->DeleteUser("alice"));
  EXPECT_EQ(store_->GetAuthSession("s", AuthSessionKind::kSession, Day(1)).status().code(),
            StatusCode::kNotFound);
}

}  // namespace
}  // namespace sluice::orchestrator::testing
