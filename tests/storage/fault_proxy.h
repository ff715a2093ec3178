// A small HTTP/1.1 proxy on 127.0.0.1 for fault tests of the S3 client: it forwards requests to
// an upstream server byte for byte (so signatures stay valid), records each request line, and
// can cut the answer to one chosen request after N bytes or refuse chosen requests with a
// canned S3 error. One pair of threads per connection, all joined when the proxy goes away.
#pragma once

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <atomic>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "loopback.h"

namespace sluice::testing {

class FaultProxy {
 public:
  explicit FaultProxy(int upstream_port) : upstream_port_(upstream_port) {
    listen_fd_ = ListenLoopback(64, &port_);
    acceptor_ = std::thread([this] { AcceptLoop(); });
  }

  ~FaultProxy() {
    stopping_ = true;
    shutdown(listen_fd_, SHUT_RDWR);
    acceptor_.join();
    close(listen_fd_);
    std::vector<std::shared_ptr<Connection>> connections;
    {
      std::lock_guard<std::mutex> lock(mu_);
      connections = connections_;
    }
    for (auto& c : connections) c->Close();
    for (auto& c : connections) {
      c->up.join();
      c->down.join();
    }
  }

  std::string Endpoint() const { return "http://127.0.0.1:" + std::to_string(port_); }

  // The answer to the first request whose request line contains `match` is cut after
  // `bytes` bytes (status line and headers included): both sockets are shut.
  void CutAnswerOnce(std::string match, size_t bytes) {
    std::lock_guard<std::mutex> lock(mu_);
    cut_match_ = std::move(match);
    cut_after_ = bytes;
  }
  // Requests whose line contains `match` get a 400 InvalidArgument and are not forwarded.
  void Refuse(std::string match) {
    std::lock_guard<std::mutex> lock(mu_);
    refuse_match_ = std::move(match);
  }
  bool cut_done() const { return cut_done_; }
  int connections() const { return accepted_; }
  std::vector<std::string> request_lines() {
    std::lock_guard<std::mutex> lock(mu_);
    return request_lines_;
  }

 private:
  struct Connection {
    int client = -1;
    int upstream = -1;
    std::atomic<bool> armed{false};  // the answer now flowing is to be cut
    std::atomic<size_t> answered{0};
    std::thread up;
    std::thread down;
    void Close() {
      shutdown(client, SHUT_RDWR);
      shutdown(upstream, SHUT_RDWR);
    }
    ~Connection() {
      close(client);
      close(upstream);
    }
  };

  void AcceptLoop() {
    while (!stopping_) {
      int fd = accept(listen_fd_, nullptr, nullptr);
      if (fd < 0) return;
      ++accepted_;
      auto c = std::make_shared<Connection>();
      c->client = fd;
      c->upstream = ConnectLoopback(upstream_port_);
      std::lock_guard<std::mutex> lock(mu_);
      connections_.push_back(c);
      c->up = std::thread([this, c] { Requests(c.get()); });
      c->down = std::thread([this, c] { Answers(c.get()); });
    }
  }

  // Client to upstream, one whole request (head and Content-Length body) at a time.
  void Requests(Connection* c) {
    std::string buffer;
    char chunk[65536];
    for (;;) {
      size_t head_end;
      while ((head_end = buffer.find("\r\n\r\n")) == std::string::npos) {
        ssize_t n = recv(c->client, chunk, sizeof(chunk), 0);
        if (n <= 0) return c->Close();
        buffer.append(chunk, static_cast<size_t>(n));
      }
      size_t length = ContentLength(buffer.substr(0, head_end));
      while (buffer.size() < head_end + 4 + length) {
        ssize_t n = recv(c->client, chunk, sizeof(chunk), 0);
        if (n <= 0) return c->Close();
        buffer.append(chunk, static_cast<size_t>(n));
      }
      std::string line = buffer.substr(0, buffer.find("\r\n"));
      bool refuse = false;
      {
        std::lock_guard<std::mutex> lock(mu_);
        request_lines_.push_back(line);
        refuse = !refuse_match_.empty() && line.find(refuse_match_) != std::string::npos;
        if (!cut_done_ && !cut_match_.empty() && line.find(cut_match_) != std::string::npos) {
          cut_done_ = true;
          c->answered = 0;
          c->armed = true;
        }
      }
      size_t total = head_end + 4 + length;
      if (refuse) {
        const std::string body =
            "<?xml version=\"1.0\"?><Error><Code>InvalidArgument</Code>"
            "<Message>refused by the test proxy</Message></Error>";
        const std::string refusal =
            "HTTP/1.1 400 Bad Request\r\nContent-Type: application/xml\r\nContent-Length: " +
            std::to_string(body.size()) + "\r\nConnection: close\r\n\r\n" + body;
        SendAll(c->client, refusal.data(), refusal.size());
        return c->Close();
      }
      if (!SendAll(c->upstream, buffer.data(), total)) return c->Close();
      buffer.erase(0, total);
    }
  }

  // Upstream to client, cutting when armed.
  void Answers(Connection* c) {
    char chunk[16384];
    for (;;) {
      ssize_t n = recv(c->upstream, chunk, sizeof(chunk), 0);
      if (n <= 0) return c->Close();
      size_t count = static_cast<size_t>(n);
      if (c->armed) {
        size_t left = cut_after_ > c->answered ? cut_after_ - c->answered : 0;
        if (count >= left) {
          SendAll(c->client, chunk, left);
          return c->Close();
        }
        c->answered += count;
      }
      if (!SendAll(c->client, chunk, count)) return c->Close();
    }
  }

  static size_t ContentLength(const std::string& head) {
    std::string lower = head;
    for (char& ch : lower) ch = static_cast<char>(std::tolower(static_cast<unsigned char>(ch)));
    size_t at = lower.find("\r\ncontent-length:");
    if (at == std::string::npos) return 0;
    return std::stoul(head.substr(at + 17));
  }

  int upstream_port_;
  int listen_fd_ = -1;
  int port_ = 0;
  std::atomic<bool> stopping_{false};
  std::atomic<int> accepted_{0};
  std::atomic<bool> cut_done_{false};
  std::thread acceptor_;
  std::mutex mu_;
  std::string cut_match_;
  size_t cut_after_ = 0;
  std::string refuse_match_;
  std::vector<std::string> request_lines_;
  std::vector<std::shared_ptr<Connection>> connections_;
};

}  // namespace sluice::testing
