"""A TCP proxy on 127.0.0.1 that makes a local S3 endpoint look remote to the S3 benchmark: each
request waits `latency_s` before it is forwarded, and the answers on each connection are paced
to `rate` bytes/s. Answers are not buffered, so a connection's throughput is the rate at most and
only reading several ranges at once (as the CSV reader's read-ahead does) goes faster."""

import socket
import threading
import time


class SlowLink:
    def __init__(self, upstream_port, latency_s, rate):
        self.upstream_port = upstream_port
        self.latency_s = latency_s
        self.rate = rate
        self.listener = socket.socket()
        self.listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        self.listener.bind(("127.0.0.1", 0))
        self.listener.listen(64)
        self.endpoint = f"http://127.0.0.1:{self.listener.getsockname()[1]}"
        threading.Thread(target=self._accept, daemon=True).start()

    def stop(self):
        self.listener.close()

    def _accept(self):
        while True:
            try:
                client, _ = self.listener.accept()
            except OSError:
                return  # stopped
            try:
                upstream = socket.create_connection(("127.0.0.1", self.upstream_port))
            except OSError:
                client.close()
                continue
            threading.Thread(target=self._requests, args=(client, upstream), daemon=True).start()
            threading.Thread(target=self._answers, args=(client, upstream), daemon=True).start()

    def _requests(self, client, upstream):
        # The benchmark sends only GETs (a head in one read): one delay per request.
        try:
            while data := client.recv(1 << 16):
                time.sleep(self.latency_s)
                upstream.sendall(data)
            upstream.shutdown(socket.SHUT_WR)
        except OSError:
            pass

    def _answers(self, client, upstream):
        due = time.monotonic()
        try:
            while data := upstream.recv(1 << 18):
                # Idle time earns no burst: the link sends at the rate from when data arrives.
                due = max(due, time.monotonic()) + len(data) / self.rate
                client.sendall(data)
                wait = due - time.monotonic()
                if wait > 0:
                    time.sleep(wait)
        except OSError:
            pass
        finally:
            for s in (client, upstream):
                try:
                    s.shutdown(socket.SHUT_RDWR)
                except OSError:
                    pass
                s.close()
