// Writes one object from a sequence of pieces, so a large generated file never has to sit in
// memory whole: in a local store the pieces stream into a hidden temporary file that is renamed
// into place; elsewhere they are gathered and put at once. Readers never see a partial object.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>

#include "common/status.h"
#include "storage/object_store.h"

namespace sluice::engine {

class ObjectSink {
 public:
  // The object `name` inside the folder `folder`; the key is validated by the storage layer.
  static Result<std::unique_ptr<ObjectSink>> Open(const storage::Location& folder,
                                                  std::string_view name);
  virtual ~ObjectSink() = default;  // without Close(), nothing becomes visible

  virtual Status Append(std::string_view data) = 0;
  // Publishes the object; after an error nothing is published.
  virtual Status Close() = 0;
  int64_t bytes() const { return bytes_; }

 protected:
  int64_t bytes_ = 0;
};

}  // namespace sluice::engine
