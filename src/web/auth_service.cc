#include "web/auth_service.h"

#include <sodium.h>

#include <map>
#include <memory>

#include "web/passwords.h"
#include "web/web_context.h"

namespace sluice::web {

namespace {

constexpr size_t kMaxVerified = 1000;

void InitSodium() {
  static const bool ready = sodium_init() >= 0;
  (void)ready;
}

TimePoint ExpiryOf(const AuthService::Session& s) { return s.expires_at; }
TimePoint ExpiryOf(const AuthService::Token& t) { return t.expires_at; }
TimePoint ExpiryOf(TimePoint t) { return t; }

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

template <typename Map>
void AuthService::DropExpired(Map& map, TimePoint now) {
  for (auto it = map.begin(); it != map.end();) {
    it = ExpiryOf(it->second) <= now ? map.erase(it) : std::next(it);
  }
}

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
  if (verified_.size() >= kMaxVerified) DropExpired(verified_, now);
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

std::string AuthService::StartSession(const std::string& username, Session* session) {
  std::string id = RandomSecret();
  Session s{username, RandomSecret(), Now() + kSessionLifetime};
  std::lock_guard lock(mu_);
  DropExpired(sessions_, Now());
  sessions_[Sha256Hex(id)] = s;
  if (session) *session = s;
  return id;
}

std::optional<AuthService::Session> AuthService::FindSession(std::string_view id) {
  std::lock_guard lock(mu_);
  auto it = sessions_.find(Sha256Hex(id));
  if (it == sessions_.end()) return std::nullopt;
  if (it->second.expires_at <= Now()) {
    sessions_.erase(it);
    return std::nullopt;
  }
  return it->second;
}

void AuthService::EndSession(std::string_view id) {
  std::lock_guard lock(mu_);
  sessions_.erase(Sha256Hex(id));
}

std::string AuthService::IssueToken(const std::string& username, TimePoint* expires_at) {
  std::string token = RandomSecret();
  Token t{username, Now() + kTokenLifetime};
  std::lock_guard lock(mu_);
  DropExpired(tokens_, Now());
  tokens_[Sha256Hex(token)] = t;
  if (expires_at) *expires_at = t.expires_at;
  return token;
}

std::optional<AuthService::Token> AuthService::FindToken(std::string_view token) {
  std::lock_guard lock(mu_);
  auto it = tokens_.find(Sha256Hex(token));
  if (it == tokens_.end() || it->second.expires_at <= Now()) return std::nullopt;
  return it->second;
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
