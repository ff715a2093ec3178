// Users' passwords (design.md §9): stored only as libsodium's argon2id hashes (memory-hard,
// salted, parameters inside the hash string), and fresh random passwords for new admins.
#pragma once

#include <string>
#include <string_view>

#include "common/status.h"

namespace sluice::web {

// The argon2id hash string of `password` ("$argon2id$v=19$m=...").
Result<std::string> HashPassword(std::string_view password);
// True when `password` matches `hash`; false for a wrong password or a malformed hash.
bool VerifyPassword(std::string_view password, const std::string& hash);
// A random password of `length` letters and digits.
std::string RandomPassword(size_t length = 20);

}  // namespace sluice::web
