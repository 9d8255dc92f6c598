"""A stand-in for Knocker's intake on 127.0.0.1: records each POST /v1/events and answers
with the next scripted status (202 when the script runs out), deduplicating by event_id
like Knocker does."""

import json
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer


class FakeIntake:
    def __init__(self, answers=()):
        self.answers = list(answers)  # (status, body dict) pairs, used in order
        self.requests = []  # {"authorization", "events": [...], "status"}
        self.accepted = {}  # event_id → times accepted (a repeat is a duplicate)
        owner = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):
                body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
                status, answer = owner.answers.pop(0) if owner.answers else (202, None)
                if 300 <= status < 400:
                    self.send_response(status)
                    self.send_header("Location", answer["location"])
                    self.send_header("Content-Length", "0")
                    self.end_headers()
                    owner.requests.append({"path": self.path, "authorization": self.headers.get("Authorization"), "events": [], "status": status})
                    return
                events = json.loads(body)["events"]
                owner.requests.append(
                    {"path": self.path, "authorization": self.headers.get("Authorization"), "events": events, "status": status}
                )
                if status in (200, 202):
                    for e in events:
                        owner.accepted[e["event_id"]] = owner.accepted.get(e["event_id"], 0) + 1
                    answer = {"accepted": len(events), "duplicates": 0, "events": []}
                payload = json.dumps(answer or {}).encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(payload)))
                self.end_headers()
                self.wfile.write(payload)

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"
        self.thread = threading.Thread(target=self.server.serve_forever, kwargs={"poll_interval": 0.02}, daemon=True)
        self.thread.start()

    def close(self):
        self.server.shutdown()
        self.server.server_close()

    def sent_ids(self):
        return [e["event_id"] for r in self.requests for e in r["events"]]


def closed_port_url():
    """An address on 127.0.0.1 where nothing listens (a port just released)."""
    import socket

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    return f"http://127.0.0.1:{port}"
