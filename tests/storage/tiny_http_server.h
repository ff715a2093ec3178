// A small HTTP/1.1 server on 127.0.0.1 for tests of HTTP clients: it records each request
// (head and body) and answers every one with the same canned response, keeping connections
// alive. One thread per connection; everything is joined when the server is destroyed.
#pragma once

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "loopback.h"

namespace sluice::testing {

// One thread per connection; each connection serves requests until the client closes it.
class TinyServer {
 public:
  TinyServer() {
    listen_fd_ = ListenLoopback(16, &port_);
    acceptor_ = std::thread([this] { AcceptLoop(); });
  }
  ~TinyServer() {
    stopping_ = true;
    shutdown(listen_fd_, SHUT_RDWR);
    acceptor_.join();
    close(listen_fd_);
    std::lock_guard<std::mutex> lock(mu_);
    for (int fd : connection_fds_) shutdown(fd, SHUT_RDWR);
    for (std::thread& t : connection_threads_) t.join();
    for (int fd : connection_fds_) close(fd);
  }

  std::string Url(const std::string& path) const {
    return "http://127.0.0.1:" + std::to_string(port_) + path;
  }
  int connections() const { return connections_; }
  std::vector<std::string> requests() {
    std::lock_guard<std::mutex> lock(mu_);
    return requests_;
  }
  void SetResponse(std::string raw) {
    std::lock_guard<std::mutex> lock(mu_);
    response_ = std::move(raw);
  }
  void SetDelayMs(int ms) { delay_ms_ = ms; }

 private:
  void AcceptLoop() {
    while (!stopping_) {
      int fd = accept(listen_fd_, nullptr, nullptr);
      if (fd < 0) return;
      ++connections_;
      std::lock_guard<std::mutex> lock(mu_);
      connection_fds_.push_back(fd);
      connection_threads_.emplace_back([this, fd] { Serve(fd); });
    }
  }

  void Serve(int fd) {
    std::string buffer;
    char chunk[4096];
    while (true) {
      size_t head_end;
      while ((head_end = buffer.find("\r\n\r\n")) == std::string::npos) {
        ssize_t n = recv(fd, chunk, sizeof(chunk), 0);
        if (n <= 0) return;
        buffer.append(chunk, n);
      }
      size_t length = 0;
      size_t at = buffer.find("Content-Length: ");
      if (at != std::string::npos && at < head_end) length = std::stoul(buffer.substr(at + 16));
      while (buffer.size() < head_end + 4 + length) {
        ssize_t n = recv(fd, chunk, sizeof(chunk), 0);
        if (n <= 0) return;
        buffer.append(chunk, n);
      }
      std::string response;
      {
        std::lock_guard<std::mutex> lock(mu_);
        requests_.push_back(buffer.substr(0, head_end + 4 + length));
        response = response_;
      }
      buffer.erase(0, head_end + 4 + length);
      if (delay_ms_ > 0) std::this_thread::sleep_for(std::chrono::milliseconds(delay_ms_.load()));
      if (!SendAll(fd, response.data(), response.size())) return;
    }
  }

  int listen_fd_ = -1;
  int port_ = 0;
  std::atomic<bool> stopping_{false};
  std::atomic<int> connections_{0};
  std::atomic<int> delay_ms_{0};
  std::thread acceptor_;
  std::mutex mu_;
  std::vector<int> connection_fds_;
  std::vector<std::thread> connection_threads_;
  std::vector<std::string> requests_;
  std::string response_ =
      "HTTP/1.1 200 OK\r\nContent-Length: 5\r\nX-Test-Header:  Yes \r\n\r\nhello";
};

}  // namespace sluice::testing
