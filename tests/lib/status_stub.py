#!/usr/bin/env python3
"""A stand-in for bootd's status route that fails on purpose, so tests see
the shipped templates' callbacks (firstboot.sh, *.ks) try again.

    status_stub.py PORT LOG

Listens on 127.0.0.1:PORT. The behaviour comes from the URL's first path
segment, so one stub serves every case and the base URL selects one:
    /fail-N-CODE/...   the first N POSTs of each (path, stage) get CODE,
                       later ones 200
    anything else      200
POST bodies are form-encoded (stage=...&detail=...). Each POST appends a
line "<epoch seconds> <code> <path> <stage>" to LOG. GET .../guests/<dom0>
answers an empty guest list, so a first-boot script pointed here reports
firstboot-done at once. Stopped by its PID.
"""
import re
import sys
import threading
import time
import urllib.parse
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

PORT = int(sys.argv[1])
LOG = sys.argv[2]
lock = threading.Lock()
counts = {}


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.0"

    def reply(self, code, body=b""):
        self.send_response(code)
        self.send_header("Content-Type", "text/plain")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def do_GET(self):
        if "/guests/" in self.path:
            self.reply(200)
        else:
            self.reply(404, b"not found\n")

    def do_POST(self):
        n = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(min(n, 65536)).decode("utf-8", "replace")
        stage = urllib.parse.parse_qs(body).get("stage", ["?"])[0]
        m = re.match(r"^/fail-(\d+)-(\d{3})/", self.path)
        with lock:
            key = (self.path, stage)
            counts[key] = counts.get(key, 0) + 1
            code = 200
            if m and counts[key] <= int(m.group(1)):
                code = int(m.group(2))
            with open(LOG, "a") as f:
                f.write("%.3f %d %s %s\n" % (time.time(), code, self.path,
                                             stage))
        self.reply(code, b"ok\n" if code == 200 else b"failing on purpose\n")

    def log_message(self, fmt, *args):
        pass


ThreadingHTTPServer(("127.0.0.1", PORT), Handler).serve_forever()
