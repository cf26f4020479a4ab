"""A stand-in custom handler for the simulated host's tests.

It starts the way a real handler must (listen on FUNCTIONS_CUSTOMHANDLER_PORT, answer GET /),
records every other request it receives byte for byte in requests.jsonl beside this file, and
answers with canned responses from handler_config.json. Chunked request bodies are decoded by
hand so that the tests can see how many chunks the host sent.
"""

import base64
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

DEFAULT_RESPONSE = {
    "status": 200,
    "headers": [["Content-Type", "application/json"]],
    "body": '{"Outputs":{},"Logs":[],"ReturnValue":null}',
}


def record(entry):
    with LOCK:
        with open(os.path.join(HERE, "requests.jsonl"), "a") as f:
            f.write(json.dumps(entry) + "\n")


def read_body(handler):
    """Returns (body bytes, number of chunks or None when not chunked)."""
    if "chunked" in handler.headers.get("Transfer-Encoding", "").lower():
        body, chunks = b"", 0
        while True:
            size = int(handler.rfile.readline().split(b";")[0].strip(), 16)
            if size == 0:
                while handler.rfile.readline() not in (b"\r\n", b"\n", b""):
                    pass
                return body, chunks
            body += handler.rfile.read(size)
            handler.rfile.readline()
            chunks += 1
    length = int(handler.headers.get("Content-Length") or 0)
    return (handler.rfile.read(length) if length else b""), None


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def log_message(self, *args):
        pass

    def handle_any(self):
        body, chunks = read_body(self)
        path = self.path.split("?")[0]
        if self.command == "GET" and self.path == "/":
            self.answer({"status": 200, "headers": [["Content-Type", "text/plain"]], "body": "ok"})
            return
        entry = {
            "method": self.command,
            "path": self.path,
            "version": self.request_version,
            "headers": [[k, v] for k, v in self.headers.items()],
            "body_b64": base64.b64encode(body).decode(),
            "chunks": chunks,
            "client_port": self.client_address[1],
        }
        record(entry)
        responses = CONFIG.get("responses", {})
        spec = responses.get(self.command + " " + path) or responses.get(path) or DEFAULT_RESPONSE
        for line in spec.get("stdout", []):
            print(line, flush=True)
        for line in spec.get("stderr", []):
            print(line, file=sys.stderr, flush=True)
        time.sleep(spec.get("delay_ms", 0) / 1000)
        self.answer(spec)

    def answer(self, spec):
        if "body_json" in spec:
            body = json.dumps(spec["body_json"]).encode()
        elif "body_b64" in spec:
            body = base64.b64decode(spec["body_b64"])
        else:
            body = (spec.get("body") or "").encode()
        self.send_response(spec.get("status", 200))
        for name, value in spec.get("headers", []):
            self.send_header(name, value)
        if spec.get("content_length", True):
            self.send_header("Content-Length", str(len(body)))
        else:
            self.close_connection = True
        self.end_headers()
        self.wfile.write(body)

    do_GET = do_POST = do_PUT = do_DELETE = do_PATCH = handle_any


def main():
    with open(os.path.join(HERE, "startup.json"), "w") as f:
        json.dump({"argv": sys.argv, "cwd": os.getcwd(), "env": dict(os.environ)}, f)
    for line in CONFIG.get("stdout", []):
        print(line, flush=True)
    for line in CONFIG.get("stderr", []):
        print(line, file=sys.stderr, flush=True)
    if CONFIG.get("exit_code") is not None:
        sys.exit(CONFIG["exit_code"])
    time.sleep(CONFIG.get("delay_ms", 0) / 1000)
    port = int(os.environ["FUNCTIONS_CUSTOMHANDLER_PORT"])
    if "--port" in sys.argv:
        port = int(sys.argv[sys.argv.index("--port") + 1])
    server = ThreadingHTTPServer(("127.0.0.1", port), Handler)
    server.daemon_threads = True
    print("listening on %d" % port, flush=True)
    server.serve_forever()


main()
