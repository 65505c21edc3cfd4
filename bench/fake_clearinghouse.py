"""A local fake clearinghouse: canned 271 answers on 127.0.0.1, to try eligibility by hand.

    .venv/bin/python -m bench.fake_clearinghouse [--port 8765] [--key KEY] [--slow 10]

then run costapi with ELIGIBILITY_API_URL=http://127.0.0.1:8765/eligibility (README.md,
"Eligibility"). The member id picks the answer:

    NOTFOUND  AAA 75 (422 member_id)       BADNAME   AAA 73 (422 first/last name)
    BADDOB    AAA 71 (422 date_of_birth)   BUSY      AAA 42 once, then the answer (retried)
    INACTIVE  coverage inactive            LIMITED   HTTP 429, Retry-After: 30 (passed on)
    DOWN      HTTP 503 every time (502)    SLOW      answers after --slow seconds (504)
    GARBAGE   a body that is not JSON      anything else: the shared example answer

Nothing about the member is printed.
"""
import sys
from pathlib import Path

if not __package__:  # run as a file: bench/ must not shadow the standard library's http
    sys.path[0] = str(Path(__file__).resolve().parents[1])

import argparse  # noqa: E402
import contextlib  # noqa: E402
import json  # noqa: E402
import threading  # noqa: E402
import time  # noqa: E402
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer  # noqa: E402

EXAMPLE = Path(__file__).resolve().parents[1] / "tests" / "eligibility" / "example-271.json"
REJECTIONS = {"NOTFOUND": ("75", "Subscriber/Insured Not Found"),
              "BADNAME": ("73", "Invalid/Missing Subscriber/Insured Name"),
              "BADDOB": ("71", "Patient Birth Date Does Not Match That for the Patient on the "
                               "Database"),
              "BUSY": ("42", "Unable to Respond at Current Time")}


def example_answer(request):
    """The shared example, addressed to the member and payer of `request`."""
    answer = json.loads(EXAMPLE.read_text())
    subscriber = request.get("subscriber") or {}
    answer["controlNumber"] = request.get("controlNumber", answer["controlNumber"])
    answer["tradingPartnerServiceId"] = request.get("tradingPartnerServiceId", "60054")
    for key in ("memberId", "firstName", "lastName", "dateOfBirth"):
        if subscriber.get(key):
            answer["subscriber"][key] = str(subscriber[key]).upper()
    return answer


def inactive_answer(request):
    answer = example_answer(request)
    answer["planStatus"] = [{"statusCode": "6", "status": "Inactive",
                             "serviceTypeCodes": ["30"]}]
    answer["benefitsInformation"] = [{"code": "6", "name": "Inactive",
                                      "serviceTypeCodes": ["30"]}]
    return answer


class Handler(BaseHTTPRequestHandler):
    key = None
    slow = 10.0
    busy_seen = set()
    lock = threading.Lock()

    def do_POST(self):  # noqa: N802 - the name http.server calls
        if self.key and self.headers.get("Authorization") != self.key:
            return self._send(401, {"message": "Unauthorized"}, "bad key")
        try:
            request = json.loads(self.rfile.read(int(self.headers.get("Content-Length", 0))))
        except ValueError:
            return self._send(400, {"message": "The body is not JSON."}, "bad body")
        member = str((request.get("subscriber") or {}).get("memberId", "")).upper()
        scenario = next((name for name in (*REJECTIONS, "INACTIVE", "LIMITED", "DOWN", "SLOW",
                                           "GARBAGE") if member.startswith(name)), "example")
        if scenario == "BUSY":
            with self.lock:
                first = request.get("controlNumber") not in self.busy_seen
                self.busy_seen.add(request.get("controlNumber"))
            if not first:
                scenario = "example"
        if scenario in REJECTIONS:
            code, description = REJECTIONS[scenario]
            return self._send(200, {"controlNumber": request.get("controlNumber"), "errors": [
                {"code": code, "description": description, "field": "AAA",
                 "followupAction": "Please Correct and Resubmit", "location": "Loop 2100C"}]},
                scenario)
        if scenario == "LIMITED":
            return self._send(429, {"message": "Too many requests"}, scenario,
                              {"Retry-After": "30"})
        if scenario == "DOWN":
            return self._send(503, {"message": "Service Unavailable"}, scenario)
        if scenario == "GARBAGE":
            return self._send(200, "<html>upstream error</html>", scenario)
        if scenario == "SLOW":
            time.sleep(self.slow)
        answer = inactive_answer(request) if scenario == "INACTIVE" else example_answer(request)
        return self._send(200, answer, scenario)

    def _send(self, status, body, scenario, headers=None):
        data = (body if isinstance(body, str) else json.dumps(body)).encode()
        self.send_response(status)
        self.send_header("Content-Type", "text/html" if isinstance(body, str)
                         else "application/json")
        self.send_header("Content-Length", str(len(data)))
        for name, value in (headers or {}).items():
            self.send_header(name, value)
        self.end_headers()
        with contextlib.suppress(BrokenPipeError):  # the client gave up (read timeout)
            self.wfile.write(data)
        print(f"{time.strftime('%H:%M:%S')} {self.path} -> {status} ({scenario})", flush=True)

    def log_message(self, format, *args):  # noqa: A002 - http.server's signature
        pass


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--port", type=int, default=8765)
    parser.add_argument("--key", default=None, help="require this Authorization header")
    parser.add_argument("--slow", type=float, default=10.0, help="seconds the SLOW member waits")
    args = parser.parse_args()
    Handler.key, Handler.slow = args.key, args.slow
    server = ThreadingHTTPServer(("127.0.0.1", args.port), Handler)
    print(f"fake clearinghouse on http://127.0.0.1:{args.port}/eligibility "
          "(Ctrl-C stops it)", flush=True)
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass
    finally:
        server.server_close()


if __name__ == "__main__":
    main()
