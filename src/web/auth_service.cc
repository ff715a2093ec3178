#include "web/auth_service.h"

#include <sodium.h>

#include <map>
#include <memory>

#include "web/passwords.h"
#include "web/web_context.h"

namespace sluice::web {

namespace {

using orchestrator::AuthSessionKind;
using orchestrator::AuthSessionModel;

constexpr size_t kMaxVerified = 1000;
constexpr auto kPurgeInterval = std::chrono::minutes(1);

void InitSodium() {
  static const bool ready = sodium_init() >= 0;
  (void)ready;
}

}  // namespace

std::string RandomSecret() {
  InitSodium();
  unsigned char bytes[32];
  randombytes_buf(bytes, sizeof bytes);
  return EncodeBase64Url(std::string_view(reinterpret_cast<const char*>(bytes), sizeof bytes));
}

std::string Sha256Hex(std::string_view text) {
  unsigned char digest[crypto_hash_sha256_BYTES];
  crypto_hash_sha256(digest, reinterpret_cast<const unsigned char*>(text.data()), text.size());
  char hex[crypto_hash_sha256_BYTES * 2 + 1];
  sodium_bin2hex(hex, sizeof hex, digest, sizeof digest);
  return hex;
}

std::optional<std::string> DecodeBase64(std::string_view text) {
  InitSodium();
  std::string out(text.size(), '\0');
  size_t len = 0;
  for (int variant : {sodium_base64_VARIANT_ORIGINAL, sodium_base64_VARIANT_ORIGINAL_NO_PADDING,
                      sodium_base64_VARIANT_URLSAFE, sodium_base64_VARIANT_URLSAFE_NO_PADDING}) {
    if (sodium_base642bin(reinterpret_cast<unsigned char*>(out.data()), out.size(), text.data(),
                          text.size(), nullptr, &len, nullptr, variant) == 0) {
      out.resize(len);
      return out;
    }
  }
  return std::nullopt;
}

std::string EncodeBase64Url(std::string_view bytes) {
  InitSodium();
  const int variant = sodium_base64_VARIANT_URLSAFE_NO_PADDING;
  std::string out(sodium_base64_encoded_len(bytes.size(), variant), '\0');
  sodium_bin2base64(out.data(), out.size(), reinterpret_cast<const unsigned char*>(bytes.data()),
                    bytes.size(), variant);
  out.resize(out.size() - 1);  // the terminating NUL
  return out;
}

AuthService::AuthService(orchestrator::MetadataStore* store, LoginThrottle::Options throttle)
    : store_(store), throttle_(throttle) {}

const std::string& AuthService::DummyHash() {
  std::call_once(dummy_once_, [this] { dummy_hash_ = HashPassword(RandomPassword()).ValueOr(""); });
  return dummy_hash_;
}

bool AuthService::RecentlyVerified(const std::string& key, TimePoint now) {
  std::lock_guard lock(mu_);
  auto it = verified_.find(key);
  return it != verified_.end() && it->second > now;
}

void AuthService::RememberVerified(const std::string& key, TimePoint now) {
  std::lock_guard lock(mu_);
  if (verified_.size() >= kMaxVerified) {
    std::erase_if(verified_, [now](const auto& entry) { return entry.second <= now; });
  }
  if (verified_.size() >= kMaxVerified) verified_.clear();
  verified_[key] = now + kVerifiedLifetime;
}

AuthService::PasswordCheck AuthService::CheckPassword(std::string_view username,
                                                      std::string_view password,
                                                      std::string_view client) {
  PasswordCheck check;
  TimePoint now = Now();
  auto user = store_->GetUser(username);
  if (!user.ok() && user.status().code() != StatusCode::kNotFound) {
    check.verdict = Verdict::kError;
    check.error = user.status().message();
    return check;
  }
  // The digest covers the stored hash: a changed password forgets what was verified.
  std::string key;
  if (user.ok()) {
    key = Sha256Hex(std::string(username) + '\0' + std::string(password) + '\0' +
                    user->password_hash);
    // Only someone who knows the password can hit this, so it also bypasses the throttle:
    // scripts that signed in before keep working while someone guesses at their account.
    if (RecentlyVerified(key, now)) {
      check.verdict = Verdict::kOk;
      check.user = *user;
      return check;
    }
  }
  check.retry_after = throttle_.Wait(username, client, now);
  if (check.retry_after > Micros(0)) {
    check.verdict = Verdict::kThrottled;
    return check;
  }
  // An unknown user costs the same hash as a known one, so timing does not tell them apart.
  const std::string& hash = user.ok() ? user->password_hash : DummyHash();
  hashing_.acquire();
  bool ok = VerifyPassword(password, hash) && user.ok();
  hashing_.release();
  if (!ok) {
    throttle_.Failed(username, client, Now());
    check.verdict = Verdict::kWrong;
    return check;
  }
  throttle_.Succeeded(username);
  RememberVerified(key, now);
  check.verdict = Verdict::kOk;
  check.user = *user;
  return check;
}

Status AuthService::PurgeExpired() { return store_->PurgeExpiredAuthSessions(Now()).status(); }

Result<std::string> AuthService::Create(AuthSessionKind kind, const std::string& username,
                                        const std::string& csrf_token, TimePoint expires_at) {
  TimePoint now = Now();
  bool purge = false;
  {
    std::lock_guard lock(mu_);
    if (now >= next_purge_) {
      next_purge_ = now + kPurgeInterval;
      purge = true;
    }
  }
  if (purge) RETURN_NOT_OK(PurgeExpired());
  std::string secret = RandomSecret();
  RETURN_NOT_OK(
      store_->CreateAuthSession({Sha256Hex(secret), kind, username, csrf_token, now, expires_at}));
  return secret;
}

Result<std::optional<AuthSessionModel>> AuthService::Find(std::string_view secret,
                                                          AuthSessionKind kind) {
  Result<AuthSessionModel> found = store_->GetAuthSession(Sha256Hex(secret), kind, Now());
  if (found.ok()) return std::optional<AuthSessionModel>(std::move(*found));
  if (found.status().code() == StatusCode::kNotFound) return std::optional<AuthSessionModel>();
  return found.status();
}

Result<std::string> AuthService::StartSession(const std::string& username, Session* session) {
  Session s{username, RandomSecret(), Now() + kSessionLifetime};
  ASSIGN_OR_RETURN(std::string id,
                   Create(AuthSessionKind::kSession, username, s.csrf_token, s.expires_at));
  if (session) *session = s;
  return id;
}

Result<std::optional<AuthService::Session>> AuthService::FindSession(std::string_view id) {
  ASSIGN_OR_RETURN(auto found, Find(id, AuthSessionKind::kSession));
  if (!found) return std::optional<Session>();
  return std::optional<Session>(Session{found->username, found->csrf_token, found->expires_at});
}

Status AuthService::EndSession(std::string_view id) {
  return store_->DeleteAuthSession(Sha256Hex(id));
}

Result<std::string> AuthService::IssueToken(const std::string& username, TimePoint* expires_at) {
  TimePoint expires = Now() + kTokenLifetime;
  ASSIGN_OR_RETURN(std::string token, Create(AuthSessionKind::kToken, username, "", expires));
  if (expires_at) *expires_at = expires;
  return token;
}

Result<std::optional<AuthService::Token>> AuthService::FindToken(std::string_view token) {
  ASSIGN_OR_RETURN(auto found, Find(token, AuthSessionKind::kToken));
  if (!found) return std::optional<Token>();
  return std::optional<Token>(Token{found->username, found->expires_at});
}

namespace {

std::mutex g_services_mu;
std::map<const WebContext*, std::unique_ptr<AuthService>>& Services() {
  static auto* services = new std::map<const WebContext*, std::unique_ptr<AuthService>>();
  return *services;
}

}  // namespace

AuthService* FindAuthService(WebContext& ctx) {
  std::lock_guard lock(g_services_mu);
  auto it = Services().find(&ctx);
  return it == Services().end() ? nullptr : it->second.get();
}

AuthService& InstallAuthService(WebContext& ctx) {
  std::lock_guard lock(g_services_mu);
  auto& slot = Services()[&ctx];
  slot = std::make_unique<AuthService>(ctx.store);
  return *slot;
}

}  // namespace sluice::web
