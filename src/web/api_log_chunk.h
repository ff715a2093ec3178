// Reading a log file that may still be growing, in byte ranges, for live tailing over HTTP
// (private to src/web): task-try logs and cluster step logs answer the same way.
#pragma once

#include <cstdint>
#include <string>

#include "common/status.h"

namespace httplib {
struct Request;
struct Response;
}  // namespace httplib

namespace sluice::web::api {

struct LogChunk {
  std::string content;
  int64_t next_offset = 0;
  bool at_end = true;  // content reaches the end of the file as it is now
};

// Up to `limit` bytes from `offset` (limit < 0: to the end). A chunk that stops before the end
// stops on a UTF-8 character boundary. A missing file reads as empty.
Result<LogChunk> ReadLogChunk(const std::string& path, int64_t offset, int64_t limit);

// Answers GET ...logs with the query parameters offset (or token), limit and full_content:
// JSON {"content", "continuation_token", "offset", "complete"} or, for Accept: text/plain, the
// bytes with headers X-Sluice-Log-Offset and X-Sluice-Log-Complete. `ended`: the writer is done.
void SendLog(const httplib::Request& req, httplib::Response& res, const std::string& path,
             bool ended);

}  // namespace sluice::web::api
