#include "web/api_log_chunk.h"

#include <fcntl.h>
#include <httplib.h>
#include <sys/stat.h>
#include <unistd.h>

#include "web/api_util.h"

namespace sluice::web::api {

namespace {

constexpr int64_t kDefaultChunk = 1 << 20;
constexpr int64_t kMaxChunk = 16 << 20;

// Bytes at the end of `s` that start a UTF-8 sequence not complete within `s`.
size_t IncompleteTail(const std::string& s) {
  size_t n = s.size();
  for (size_t back = 1; back <= 3 && back <= n; ++back) {
    unsigned char c = static_cast<unsigned char>(s[n - back]);
    if ((c & 0xC0) == 0x80) continue;  // a continuation byte: look further back
    size_t want = c >= 0xF0 ? 4 : c >= 0xE0 ? 3 : c >= 0xC0 ? 2 : 1;
    return want > back ? back : 0;
  }
  return 0;
}

}  // namespace

Result<LogChunk> ReadLogChunk(const std::string& path, int64_t offset, int64_t limit) {
  LogChunk chunk;
  chunk.next_offset = offset;
  int fd = open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) {
    if (errno == ENOENT) return chunk;
    return ErrnoStatus("opening log " + path, errno);
  }
  struct stat st {};
  fstat(fd, &st);
  int64_t size = st.st_size;
  int64_t want = offset >= size ? 0 : size - offset;
  if (limit >= 0 && want > limit) want = limit;
  chunk.content.resize(static_cast<size_t>(want));
  int64_t got = 0;
  while (got < want) {
    ssize_t n = pread(fd, chunk.content.data() + got, want - got, offset + got);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) break;
    got += n;
  }
  close(fd);
  chunk.content.resize(static_cast<size_t>(got));
  chunk.at_end = offset + got >= size;
  if (!chunk.at_end) chunk.content.resize(chunk.content.size() - IncompleteTail(chunk.content));
  chunk.next_offset = offset + static_cast<int64_t>(chunk.content.size());
  return chunk;
}

void SendLog(const httplib::Request& req, httplib::Response& res, const std::string& path,
             bool ended) {
  std::string token = req.get_param_value("token");
  auto offset = IntParam(req, token.empty() ? "offset" : "token", 0);
  if (!offset.ok()) return SendStatus(res, offset.status());
  auto full = BoolParam(req, "full_content", false);
  if (!full.ok()) return SendStatus(res, full.status());
  bool tail = req.has_param("offset") || !token.empty();
  auto limit = IntParam(req, "limit", tail && !*full ? kDefaultChunk : -1);
  if (!limit.ok()) return SendStatus(res, limit.status());
  if (*limit > kMaxChunk) return SendError(res, 400, "limit must be at most 16777216 bytes");
  auto chunk = ReadLogChunk(path, *offset, *full ? -1 : *limit);
  if (!chunk.ok()) return SendStatus(res, chunk.status());
  bool complete = ended && chunk->at_end;
  res.set_header("Cache-Control", "no-store");
  if (Prefers(req, "text/plain", "application/json")) {
    res.set_header("X-Sluice-Log-Offset", std::to_string(chunk->next_offset));
    res.set_header("X-Sluice-Log-Complete", complete ? "true" : "false");
    res.set_content(std::move(chunk->content), "text/plain; charset=utf-8");
    return;
  }
  SendJson(res, {{"content", chunk->content},
                 {"continuation_token", std::to_string(chunk->next_offset)},
                 {"offset", chunk->next_offset},
                 {"complete", complete}});
}

}  // namespace sluice::web::api
