"""A TCP proxy on 127.0.0.1 in front of a database server, to cut the app off it.

`cut()` closes every proxied connection and refuses new ones (the server went away);
`hang()` accepts connections and never forwards a byte (a black hole: only a connect
timeout ends the wait); `restore()` forwards again on the same port.
"""
import contextlib
import socket
import threading
import time

ACCEPT_POLL = 0.05


class TcpProxy:
    def __init__(self, host, port):
        self.target = (host, port)
        self.mode = "open"
        self.connections = 0
        self._lock = threading.Lock()
        self._sockets = set()
        self._listener = None
        self.port = self._listen(0)

    @property
    def address(self):
        return "127.0.0.1", self.port

    def _listen(self, port):
        listener = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        for attempt in range(40):  # the old listener is released once its accept() returns
            try:
                listener.bind(("127.0.0.1", port))
                break
            except OSError:
                if attempt == 39:
                    raise
                time.sleep(ACCEPT_POLL)
        listener.listen(64)
        listener.settimeout(ACCEPT_POLL)
        self._listener = listener
        threading.Thread(target=self._accept, args=(listener,), daemon=True).start()
        return listener.getsockname()[1]

    def _accept(self, listener):
        while self._listener is listener:
            try:
                client, _ = listener.accept()
            except TimeoutError:
                continue
            except OSError:
                return
            client.settimeout(None)
            with self._lock:
                self.connections += 1
                self._sockets.add(client)
            if self.mode == "hang":
                continue  # held open, never read, never answered
            try:
                upstream = socket.create_connection(self.target, timeout=5)
            except OSError:
                self._close(client)
                continue
            upstream.settimeout(None)
            with self._lock:
                self._sockets.add(upstream)
            for source, sink in ((client, upstream), (upstream, client)):
                threading.Thread(target=self._pump, args=(source, sink), daemon=True).start()

    def _pump(self, source, sink):
        try:
            while data := source.recv(65536):
                sink.sendall(data)
        except OSError:
            pass
        self._close(source)
        self._close(sink)

    def _close(self, sock):
        with self._lock:
            self._sockets.discard(sock)
        with contextlib.suppress(OSError):
            sock.shutdown(socket.SHUT_RDWR)  # wakes a thread blocked in recv()
        sock.close()

    def _drop_all(self):
        with self._lock:
            sockets = list(self._sockets)
        for sock in sockets:
            self._close(sock)

    def cut(self):
        """Close every connection and refuse new ones (connection refused)."""
        self.mode = "cut"
        listener, self._listener = self._listener, None
        if listener is not None:
            self._close(listener)
        self._drop_all()

    def hang(self):
        """Close every connection; accept new ones but never answer."""
        self._drop_all()
        self.mode = "hang"
        if self._listener is None:
            self._listen(self.port)

    def restore(self):
        self._drop_all()  # black-holed connections go; proxied ones were closed already
        self.mode = "open"
        if self._listener is None:
            self._listen(self.port)

    def close(self):
        self.cut()
