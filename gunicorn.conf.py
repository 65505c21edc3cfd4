"""gunicorn settings; every value can be set from the environment.

One worker process with threads by default: the public calculator's rate limits count in
RATELIMIT_STORAGE_URI, and its default, memory://, counts per process, so with several
processes each keeps its own counts (N processes let N times PUBLIC_RATE_LIMIT through).
More processes need shared counters (Redis); `on_starting` warns when they have none.
"""
import os

bind = os.environ.get("BIND", "127.0.0.1:8000")
workers = int(os.environ.get("WEB_CONCURRENCY", "1"))
# gthread, except that the event loop reads each request header (a thread gets a request only
# once its header is in, within GUNICORN_HEADER_TIMEOUT): clients trickling headers cannot
# hold the threads (costapi/gunicorn_worker.py, docs/deploying.md "Slow clients").
worker_class = "costapi.gunicorn_worker.HeaderFirstWorker"
threads = int(os.environ.get("GUNICORN_THREADS", "8"))
# Real-time eligibility checks may take up to a minute before the clearinghouse gives up.
timeout = int(os.environ.get("GUNICORN_TIMEOUT", "75"))
graceful_timeout = 30
accesslog = "-"
# costapi/access_log.py: time, address, method, the path percent-escaped (one request, one
# line), status, size, ms, the API key's id; never the query string (patient references),
# not even in gunicorn's warning about a malformed request line.
logger_class = "costapi.access_log.AccessLogger"
access_log_format = '%(t)s %(h)s "%(m)s %(U)s %(H)s" %(s)s %(B)s %(M)sms key=%(k)s'
forwarded_allow_ips = os.environ.get("FORWARDED_ALLOW_IPS", "127.0.0.1")

PER_PROCESS_STORAGE = ("memory://",)


def shared_limits_warning(processes, environ=os.environ):
    """The start-up warning for `processes` worker processes, or None when limits hold."""
    storage = environ.get("RATELIMIT_STORAGE_URI", "memory://")
    enabled = environ.get("RATELIMIT_ENABLED", "true").lower() not in ("0", "false", "no", "off")
    if processes <= 1 or not enabled or not storage.startswith(PER_PROCESS_STORAGE):
        return None
    return (f"{processes} worker processes with RATELIMIT_STORAGE_URI={storage}: each process "
            "counts the public rate limits on its own, so clients get up to "
            f"{processes} times PUBLIC_RATE_LIMIT. Set RATELIMIT_STORAGE_URI=redis://HOST:6379/0 "
            "(shared counters), or run one worker (WEB_CONCURRENCY=1) with more "
            "GUNICORN_THREADS.")


def on_starting(server):
    """gunicorn hook, in the master before the workers start."""
    warning = shared_limits_warning(server.cfg.workers)
    if warning:
        server.log.warning(warning)
