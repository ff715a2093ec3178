// The server's memory of who has signed in (private to src/web): password checks against the
// metadata DB's argon2id hashes (throttled, and remembered briefly so that basic auth does not
// pay a memory-hard hash per request), UI sessions and API bearer tokens. Sessions and tokens
// are kept only as SHA-256 digests and end with the server process.
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
  std::string StartSession(const std::string& username, Session* session);
  std::optional<Session> FindSession(std::string_view id);
  void EndSession(std::string_view id);

  struct Token {
    std::string username;
    TimePoint expires_at;
  };
  std::string IssueToken(const std::string& username, TimePoint* expires_at);
  std::optional<Token> FindToken(std::string_view token);

  orchestrator::MetadataStore* store() { return store_; }

 private:
  bool RecentlyVerified(const std::string& key, TimePoint now);
  void RememberVerified(const std::string& key, TimePoint now);
  const std::string& DummyHash();
  template <typename Map>
  static void DropExpired(Map& map, TimePoint now);

  orchestrator::MetadataStore* store_;
  LoginThrottle throttle_;
  std::mutex mu_;                                        // guards the maps below
  std::unordered_map<std::string, Session> sessions_;    // by SHA-256 of the id
  std::unordered_map<std::string, Token> tokens_;        // by SHA-256 of the token
  std::unordered_map<std::string, TimePoint> verified_;  // SHA-256 of user, password, hash
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
