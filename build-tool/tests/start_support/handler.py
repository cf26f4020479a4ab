"""A stand-in custom handler for the `start_*` tests.

Listens on FUNCTIONS_CUSTOMHANDLER_PORT, answers GET / at once, records every invocation
(POST /{Function}) as one JSON line in requests.jsonl beside this file, and answers by
handler_config.json: {"functions": {"Name": {"status": 500, "exit": 3, "outputs": {...},
"return": <value> | "$data", "logs": [...], "sleep": <seconds before answering>}}},
"startup_delay": <seconds before listening>}. Unknown functions get an empty success. The
configuration is read when the handler starts.
"""

import json
import os
import sys
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

HERE = os.path.dirname(os.path.abspath(__file__))
with open(os.path.join(HERE, "handler_config.json")) as f:
    CONFIG = json.load(f)
LOCK = threading.Lock()


def read_body(handler):
    if "chunked" in handler.headers.get("Transfer-Encoding", "").lower():
        body = b""
        while True:
            size = int(handler.rfile.readline().split(b";")[0].strip(), 16)
            if size == 0:
                while handler.rfile.readline() not in (b"\r\n", b"\n", b""):
                    pass
                return body
            body += handler.rfile.read(size)
            handler.rfile.readline()
    length = int(handler.headers.get("Content-Length") or 0)
    return handler.rfile.read(length) if length else b""


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def log_message(self, *args):
        pass

    def answer(self, status, body):
        data = body.encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def do_GET(self):
        read_body(self)
        self.answer(200, "{}")

    def do_POST(self):
        body = read_body(self)
        name = self.path.split("?")[0].lstrip("/")
        try:
            payload = json.loads(body or b"{}")
        except ValueError:
            payload = None
        with LOCK:
            with open(os.path.join(HERE, "requests.jsonl"), "a") as f:
                f.write(json.dumps({"function": name, "payload": payload}) + "\n")
        spec = CONFIG.get("functions", {}).get(name, {})
        print("invoked " + name, flush=True)
        if "sleep" in spec:
            time.sleep(spec["sleep"])
        if "exit" in spec:
            print("crashing on purpose", file=sys.stderr, flush=True)
            os._exit(spec["exit"])
        result = {"Outputs": spec.get("outputs", {}), "Logs": spec.get("logs", [])}
        ret = spec.get("return")
        result["ReturnValue"] = (payload or {}).get("Data") if ret == "$data" else ret
        self.answer(spec.get("status", 200), json.dumps(result))


time.sleep(CONFIG.get("startup_delay", 0))
port = int(os.environ["FUNCTIONS_CUSTOMHANDLER_PORT"])
ThreadingHTTPServer(("127.0.0.1", port), Handler).serve_forever()
