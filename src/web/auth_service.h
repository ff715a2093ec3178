// Who has signed in (private to src/web): password checks against the metadata DB's argon2id
// hashes (throttled, and remembered briefly so that basic auth does not pay a memory-hard hash
// per request), UI sessions and API bearer tokens. Sessions and tokens live in the metadata DB,
// so they survive a server restart and are shared by servers on the same DB; only the SHA-256
// of their secret is stored, and expired ones are purged.
#pragma once

#include <chrono>
#include <mutex>
#include <optional>
#include <semaphore>
#include <string>
#include <string_view>
#include <unordered_map>

#include "common/time_util.h"
#include "orchestrator/metadata_store.h"
#include "web/auth_throttle.h"

namespace sluice::web {

struct WebContext;

// 32 random bytes as base64url text (43 characters).
std::string RandomSecret();
// Lower-case hex SHA-256 of `text`.
std::string Sha256Hex(std::string_view text);
// Decodes standard or URL-safe base64 (padding optional); nullopt when malformed.
std::optional<std::string> DecodeBase64(std::string_view text);
std::string EncodeBase64Url(std::string_view bytes);  // no padding

class AuthService {
 public:
  static constexpr Micros kSessionLifetime = std::chrono::hours(12);
  static constexpr Micros kTokenLifetime = std::chrono::hours(12);
  // How long a verified username/password pair is trusted without hashing it again.
  static constexpr Micros kVerifiedLifetime = std::chrono::minutes(5);

  explicit AuthService(orchestrator::MetadataStore* store,
                       LoginThrottle::Options throttle = LoginThrottle::Options{});

  enum class Verdict { kOk, kWrong, kThrottled, kError };
  struct PasswordCheck {
    Verdict verdict = Verdict::kWrong;
    orchestrator::UserModel user;  // when kOk
    Micros retry_after{0};         // when kThrottled
    std::string error;             // when kError
  };
  // `client` is the caller's address (throttling counts per username and per address).
  PasswordCheck CheckPassword(std::string_view username, std::string_view password,
                              std::string_view client);

  struct Session {
    std::string username;
    std::string csrf_token;
    TimePoint expires_at;
  };
  // Returns the new session's id (the cookie's value).
  Result<std::string> StartSession(const std::string& username, Session* session);
  // nullopt when the id is unknown or expired; an error when the DB cannot say.
  Result<std::optional<Session>> FindSession(std::string_view id);
  Status EndSession(std::string_view id);

  struct Token {
    std::string username;
    TimePoint expires_at;
  };
  Result<std::string> IssueToken(const std::string& username, TimePoint* expires_at);
  Result<std::optional<Token>> FindToken(std::string_view token);

  // Deletes expired sessions and tokens from the DB (also done, at most once a minute, when
  // one is created).
  Status PurgeExpired();

  orchestrator::MetadataStore* store() { return store_; }

 private:
  // Stores a new session or token for `username`; returns its secret.
  Result<std::string> Create(orchestrator::AuthSessionKind kind, const std::string& username,
                             const std::string& csrf_token, TimePoint expires_at);
  Result<std::optional<orchestrator::AuthSessionModel>> Find(std::string_view secret,
                                                             orchestrator::AuthSessionKind kind);
  bool RecentlyVerified(const std::string& key, TimePoint now);
  void RememberVerified(const std::string& key, TimePoint now);
  const std::string& DummyHash();

  orchestrator::MetadataStore* store_;
  LoginThrottle throttle_;
  std::mutex mu_;                                        // guards the members below
  std::unordered_map<std::string, TimePoint> verified_;  // SHA-256 of user, password, hash
  TimePoint next_purge_{};
  // Each check takes ~64 MiB for a fraction of a second: a burst of logins must not take
  // the machine's memory with it.
  std::counting_semaphore<> hashing_{2};
  std::once_flag dummy_once_;
  std::string dummy_hash_;
};

// The AuthService of the server whose context is `ctx`: created by RegisterAuthRoutes,
// replacing any earlier one; null before that.
AuthService* FindAuthService(WebContext& ctx);
AuthService& InstallAuthService(WebContext& ctx);

}  // namespace sluice::web
