"""costapi/access_log.py: access lines that cannot be forged and carry no query string or key;
gunicorn's warning about a malformed request line without its query string."""
import datetime
import re
import socket
import time
from types import SimpleNamespace

import pytest
from gunicorn.config import Config

from costapi.access_log import ACCESS_LOG_FORMAT, AccessLogger, escape_path, scrub

SECRET_QUERY = "patient_reference=Zelda-Quixote-1979"


def line(environ, status="200 OK", sent=123):
    cfg = Config()
    cfg.set("accesslog", "-")
    logger = AccessLogger(cfg)
    environ = {"REQUEST_METHOD": "GET", "SERVER_PROTOCOL": "HTTP/1.1",
               "REMOTE_ADDR": "203.0.113.7", "RAW_URI": environ.get("PATH_INFO", "/"),
               **environ}
    request = SimpleNamespace(headers=[("AUTHORIZATION", "Bearer ck_secret")])
    response = SimpleNamespace(status=status, sent=sent, headers=[])
    atoms = logger.atoms_wrapper_class(logger.atoms(response, request, environ,
                                                    datetime.timedelta(milliseconds=42)))
    return ACCESS_LOG_FORMAT % atoms


def test_a_decoded_newline_in_the_path_cannot_forge_a_line():
    forged = '/api/v1/estimates/x\n2026-01-01T00:00:00Z 10.0.0.1 "GET /admin HTTP/1.1" 200'
    text = line({"PATH_INFO": forged + "\r\x1b[2J\"%"})
    assert "\n" not in text and "\r" not in text and "\x1b" not in text
    assert "/api/v1/estimates/x%0A2026-01-01T00:00:00Z%2010.0.0.1%20%22GET%20/admin" in text
    assert text.count('"') == 2  # the path's quote is %22: the quoted field stays one field
    assert "%0D%1B%5B2J%22%25" in text


def test_the_query_string_and_the_key_never_appear_the_key_id_does():
    environ = {"PATH_INFO": "/api/v1/estimates", "QUERY_STRING": SECRET_QUERY,
               "RAW_URI": f"/api/v1/estimates?{SECRET_QUERY}",
               "HTTP_AUTHORIZATION": "Bearer ck_secret", "costapi.key_id": 17}
    text = line(environ)
    assert re.fullmatch(r'\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ 203\.0\.113\.7 '
                        r'"GET /api/v1/estimates HTTP/1\.1" 200 123 42ms key=17', text), text
    assert "Zelda" not in text and "ck_secret" not in text
    assert line({"PATH_INFO": "/health"}).endswith(" key=-")


@pytest.mark.parametrize("atom", ["q", "r", "{raw_uri}e", "{query_string}e",
                                  "{authorization}i", "a", "f"])
def test_no_atom_gives_the_query_string_or_headers(atom):
    environ = {"REQUEST_METHOD": "GET", "SERVER_PROTOCOL": "HTTP/1.1",
               "PATH_INFO": "/x", "QUERY_STRING": SECRET_QUERY, "RAW_URI": f"/x?{SECRET_QUERY}",
               "HTTP_USER_AGENT": SECRET_QUERY, "HTTP_REFERER": SECRET_QUERY}
    cfg = Config()
    logger = AccessLogger(cfg)
    atoms = logger.atoms_wrapper_class(logger.atoms(
        SimpleNamespace(status="200 OK", sent=1, headers=[]),
        SimpleNamespace(headers=[("AUTHORIZATION", "Bearer ck_secret")]), environ,
        datetime.timedelta()))
    assert atoms[atom] == "-"


def test_escape_path_keeps_an_ordinary_path():
    assert escape_path("/api/v1/payers/acme-ppo") == "/api/v1/payers/acme-ppo"
    assert escape_path("/caf\xe9") == "/caf%E9"  # WSGI: latin-1 of the decoded bytes


def test_a_malformed_request_line_warning_loses_its_query_string():
    message = ("Invalid request from ip=127.0.0.1: Invalid HTTP request line: "
               f"'GET /api/v1/estimates?{SECRET_QUERY}&x=1 HTTP/1.1 junk\x1b'")
    assert scrub(message) == ("Invalid request from ip=127.0.0.1: Invalid HTTP request line: "
                              "'GET /api/v1/estimates HTTP/1.1 junk%1B'")
    logger = AccessLogger(Config())
    assert logger._request_message("Error handling request %s %s",
                                   ("GET", f"/x?{SECRET_QUERY}")) == (
        "Error handling request GET /x", ())
    assert logger._request_message("Booting worker with pid: %s", (5,)) == (
        "Booting worker with pid: %s", (5,))


@pytest.mark.no_db_transaction
def test_a_real_gunicorn_logs_no_query_string(database_url, tmp_path):
    """gunicorn.conf.py as `make run` starts it; a raw malformed request line with a query
    string, a newline smuggled in a path, and a normal request with a query string."""
    from tests.faults.conftest import prepare, scratch_database
    from tests.faults.gunicorn_run import gunicorn

    with scratch_database(database_url, tmp_path, "f_access_log") as url:
        prepare(url)
        with gunicorn(url, tmp_path) as (port, log):
            for raw in (f"GET /api/v1/estimates?{SECRET_QUERY} HTTP/1.1 junk\r\n\r\n",
                        f"GET /api/v1/estimates?{SECRET_QUERY} HTTP/9.9\r\n\r\n",
                        "GET /health%0A2026-01-01T00:00:00Z%20forged HTTP/1.1\r\n"
                        "Host: x\r\nConnection: close\r\n\r\n",
                        f"GET /api/v1/public/plans?{SECRET_QUERY} HTTP/1.1\r\n"
                        "Host: x\r\nConnection: close\r\n\r\n"):
                with socket.create_connection(("127.0.0.1", port), timeout=5) as sock:
                    sock.sendall(raw.encode())
                    answer = sock.recv(65536)
                assert answer.startswith(b"HTTP/1.1 "), answer
            time.sleep(0.5)
            text = log.read_text()
    assert "Invalid request from ip=127.0.0.1" in text, text
    assert "Zelda" not in text and "patient_reference" not in text, text
    assert '"GET /health%0A2026-01-01T00:00:00Z%20forged HTTP/1.1" 404' in text, text
    assert '"GET /api/v1/public/plans HTTP/1.1" 200' in text, text
    assert not [entry for entry in text.splitlines() if entry.startswith("2026-01-01")]
