// The local services' access key (design.md §10): $SLUICE_HOME/aws-credentials in the AWS
// shared-credentials format, profile `sluice`, created with a random key and secret the
// first time a home needs it. Requests to the local EMR-compatible API must be signed with it.
#pragma once

#include <string>

#include "common/status.h"
#include "orchestrator/home.h"
#include "storage/aws_credentials.h"

namespace sluice::orchestrator {

inline constexpr const char* kLocalCredentialsProfile = "sluice";

std::string LocalCredentialsPath(const SluiceHome& home);

// Reads the home's local credentials, creating the file (mode 0600) when it is missing.
Result<storage::Credentials> EnsureLocalCredentials(const SluiceHome& home);

}  // namespace sluice::orchestrator
