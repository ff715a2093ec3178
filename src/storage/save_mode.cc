#include "storage/object_store.h"

namespace sluice::storage {

Result<SaveMode> ParseSaveMode(std::string_view text) {
  if (text == "overwrite") return SaveMode::kOverwrite;
  if (text == "append") return SaveMode::kAppend;
  if (text == "error_if_exists" || text == "errorifexists" || text == "error")
    return SaveMode::kErrorIfExists;
  if (text == "ignore") return SaveMode::kIgnore;
  return Status::InvalidArgument("unknown save mode '" + std::string(text) +
                                 "' (expected overwrite, append, error_if_exists or ignore)");
}

std::string_view SaveModeName(SaveMode mode) {
  switch (mode) {
    case SaveMode::kOverwrite:
      return "overwrite";
    case SaveMode::kAppend:
      return "append";
    case SaveMode::kErrorIfExists:
      return "error_if_exists";
    case SaveMode::kIgnore:
      return "ignore";
  }
  return "?";
}

}  // namespace sluice::storage
