"""gunicorn's gthread worker, except that a request's header is read by the event loop.

gthread hands a new connection to a thread as soon as its first byte arrives, and the thread
then reads the header with a blocking socket and no deadline: a client that trickles a header
a byte at a time holds a thread for as long as it likes, and GUNICORN_THREADS such clients
stop the service (docs/deploying.md, "Slow clients").

`HeaderFirstWorker` keeps a connection in the worker's poller (no thread) until its header is
complete, reading whatever has arrived each time the socket is readable, and only then gives
it to a thread with the bytes read so far. A header not complete within
GUNICORN_HEADER_TIMEOUT seconds (default 10), or larger than MAX_HEADER_BYTES, closes the
connection. This holds for a new connection and for the next request on a kept-alive one.
Waiting connections count towards `worker_connections` (gunicorn's default, 1000).

A request body is still read by the thread (a slowly sent body holds one); TLS connections
(gunicorn's `certfile`) keep gthread's own behaviour. Production puts a buffering proxy in
front, which absorbs both.
"""
import contextlib
import os
import re
import selectors
import time
from functools import partial

from gunicorn.workers import gthread

HEADER_TIMEOUT = float(os.environ.get("GUNICORN_HEADER_TIMEOUT", "10"))
MAX_HEADER_BYTES = 64 * 1024  # the app's longest header (a key, a JSON content type) is < 1 KiB
END_OF_HEADER = re.compile(rb"\r?\n\r?\n")


class HeaderFirstWorker(gthread.ThreadWorker):

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.reading_headers = {}  # TConn -> deadline (time.monotonic())

    def _read_header_first(self, conn):
        """Wait in the poller, not in a thread, for `conn`'s next request header."""
        if self.cfg.is_ssl:
            self.enqueue_req(conn)
            return
        conn.sock.setblocking(False)
        conn.header_bytes = b""
        self.reading_headers[conn] = time.monotonic() + HEADER_TIMEOUT
        self.poller.register(conn.sock, selectors.EVENT_READ,
                             partial(self._on_header_readable, conn))

    def _stop_reading(self, conn):
        self.reading_headers.pop(conn, None)
        with contextlib.suppress(OSError, KeyError, ValueError):
            self.poller.unregister(conn.sock)

    def _drop(self, conn):
        self._stop_reading(conn)
        self.nr_conns -= 1
        conn.close()

    def _on_header_readable(self, conn, _client):
        try:
            data = conn.sock.recv(8192)
        except (BlockingIOError, InterruptedError):
            return
        except OSError:
            self._drop(conn)
            return
        if not data:
            self._drop(conn)
            return
        conn.header_bytes += data
        if END_OF_HEADER.search(conn.header_bytes):
            self._stop_reading(conn)
            self.enqueue_req(conn)
        elif len(conn.header_bytes) > MAX_HEADER_BYTES:
            self._drop(conn)

    # gthread's entry points for a connection with something to read

    def accept(self, listener):
        try:
            client_sock, client_addr = listener.accept()
        except OSError as error:
            if error.errno not in (gthread.errno.EAGAIN, gthread.errno.ECONNABORTED,
                                   gthread.errno.EWOULDBLOCK):
                raise
            return
        self.nr_conns += 1
        conn = gthread.TConn(self.cfg, client_sock, client_addr, listener.getsockname())
        self._read_header_first(conn)

    def on_client_socket_readable(self, conn, client):
        self.poller.unregister(client)
        self.keepalived_conns.remove(conn)
        self._read_header_first(conn)

    def on_pending_socket_readable(self, conn, client):
        self.poller.unregister(client)
        self.pending_conns.remove(conn)
        self._read_header_first(conn)

    def murder_pending(self):
        super().murder_pending()
        now = time.monotonic()
        for conn, deadline in list(self.reading_headers.items()):
            if deadline <= now or not self.alive:
                self._drop(conn)

    def handle(self, conn):
        """In a thread: the header read by the poller goes back in front of the socket."""
        head = getattr(conn, "header_bytes", None)
        if head:
            conn.header_bytes = None
            conn.sock.setblocking(True)
            conn.init()
            conn.parser.unreader.unread(head)
            conn.data_ready = True
        return super().handle(conn)
