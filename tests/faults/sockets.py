"""A clearinghouse on 127.0.0.1 that misbehaves on purpose, on a real socket.

Each connection's request is read whole (headers and body) and recorded, then `behaviour`
answers it (or does not). Nothing leaves the machine.
"""
import json
import socket
import threading
import time


class FakeClearinghouse:
    def __init__(self, behaviour):
        self.behaviour = behaviour
        self.requests = []  # the raw request bodies (bytes), one per connection
        self.received = threading.Event()
        self.stop = threading.Event()
        self._listener = socket.create_server(("127.0.0.1", 0))
        self._listener.settimeout(0.05)
        self.port = self._listener.getsockname()[1]
        self._thread = threading.Thread(target=self._serve, daemon=True)
        self._thread.start()

    @property
    def url(self):
        return f"http://127.0.0.1:{self.port}/eligibility"

    def _serve(self):
        while not self.stop.is_set():
            try:
                connection, _ = self._listener.accept()
            except TimeoutError:
                continue
            threading.Thread(target=self._answer, args=(connection,), daemon=True).start()
        self._listener.close()

    def _answer(self, connection):
        with connection:
            connection.settimeout(5)
            try:
                self.requests.append(_read_request(connection))
                self.received.set()
                self.behaviour(self, connection)
            except OSError:
                pass

    def close(self):
        self.stop.set()
        self._thread.join(2)

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()


def _read_request(connection):
    data = b""
    while b"\r\n\r\n" not in data:
        chunk = connection.recv(65536)
        if not chunk:
            return data
        data += chunk
    head, _, body = data.partition(b"\r\n\r\n")
    length = 0
    for line in head.split(b"\r\n")[1:]:
        name, _, value = line.partition(b":")
        if name.strip().lower() == b"content-length":
            length = int(value.strip())
    while len(body) < length:
        chunk = connection.recv(65536)
        if not chunk:
            break
        body += chunk
    return body


def _response(status, body=b"", content_type="application/json", length=None, extra=""):
    head = (f"HTTP/1.1 {status}\r\nContent-Type: {content_type}\r\n"
            f"Content-Length: {len(body) if length is None else length}\r\n{extra}"
            "Connection: close\r\n\r\n")
    return head.encode() + body


def never_answers(server, connection):
    """Reads the request, then holds the connection open in silence."""
    server.stop.wait(30)


def not_http(server, connection):
    connection.sendall(b"SSH-2.0-OpenSSH_9.2\r\n\r\n")


def answers_json(payload):
    body = payload if isinstance(payload, bytes) else json.dumps(payload).encode()

    def behaviour(server, connection):
        connection.sendall(_response("200 OK", body))

    return behaviour


def trickles(seconds, every=0.2):
    """A 200 whose body comes one byte at a time, each well within any read timeout."""

    def behaviour(server, connection):
        connection.sendall(_response("200 OK", length=100_000))
        deadline = time.monotonic() + seconds
        while time.monotonic() < deadline and not server.stop.is_set():
            connection.sendall(b" ")
            time.sleep(every)

    return behaviour


def redirects_to(url):
    def behaviour(server, connection):
        connection.sendall(_response("307 Temporary Redirect", extra=f"Location: {url}\r\n"))

    return behaviour
