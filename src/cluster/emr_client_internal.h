// How EmrClient judges a failed call (worth repeating or not) and words it for the user;
// private to the EMR client.
#pragma once

#include <string_view>

#include "cluster/emr_api.h"
#include "cluster/emr_client.h"

namespace sluice::cluster::internal {

enum class Transient {
  kNo,         // a definite answer: repeating it would get the same
  kThrottled,  // refused before any work was done: always safe to repeat
  kUncertain,  // a 5xx or a lost connection: the service may or may not have acted
};
// For a call that did not succeed (a transport error, or an error reply).
Transient Classify(const Result<EmrReply>& reply);

// "EMR <Operation> at <endpoint>: <Type>: <message>" plus a hint for signature and access
// errors and the number of attempts; a transport error reads "EMR <Operation> at <endpoint>
// failed: ...". The code is NotFound for an unknown cluster or step, InvalidArgument for
// requests or credentials the service refuses, IoError for the rest.
Status FailureStatus(std::string_view operation, const EmrClientOptions& options,
                     const Result<EmrReply>& reply, int attempts);

}  // namespace sluice::cluster::internal
