"""A real HTTP server on 127.0.0.1 that replays recorded Crossref and doi.org responses.

``/works/{doi}`` answers with the recorded work (or the recorded 404 body);
``/cn/{doi}`` answers content negotiation with recorded CSL-JSON.  A test can
queue faults per DOI (status codes with headers, slow replies, HTML, truncated
JSON, dropped connections).  Every reply announces rate and concurrency limits
in Crossref's headers.  The server counts requests and the most it saw
in flight at once.
"""

from __future__ import annotations

import json
import socket
import threading
import time
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import parse_qs, unquote

DATA = Path(__file__).resolve().parent / "data" / "crossref"
NOT_FOUND_BODY = (DATA / "errors" / "10.1371_notarealdoi.error.txt").read_bytes()


@dataclass
class Reply:
    """One scripted answer."""

    status: int = 200
    body: bytes = b""
    content_type: str = "application/json"
    headers: dict[str, str] = field(default_factory=dict)
    delay: float = 0.0
    drop: bool = False  # close the connection without answering
    drip: float = 0.0  # seconds between the bytes of the body (a server dripping its answer)


def recorded_works() -> dict[str, bytes]:
    """Every recorded work as a ``/works/{doi}`` body, keyed by lower-case DOI."""
    works: dict[str, bytes] = {}
    for path in sorted((DATA / "works").glob("*.json")):
        body = path.read_bytes()
        works[json.loads(body)["message"]["DOI"].lower()] = body
    for path in sorted((DATA / "items").glob("*.json")):
        item = json.loads(path.read_bytes())
        envelope = {"status": "ok", "message-type": "work", "message-version": "1.0.0", "message": item}
        works[item["DOI"].lower()] = json.dumps(envelope).encode("utf-8")
    return works


class ReplayServer:
    """Start with ``with ReplayServer() as server:``; ``server.url`` is the base URL."""

    def __init__(
        self, works: dict[str, bytes] | None = None, delay: float = 0.0, limits: tuple[str, str, str] | None = None
    ) -> None:
        self.works = recorded_works() if works is None else works
        self.csl: dict[str, bytes] = {}
        self.search_body = (DATA / "works-query-ecology-rows2.json").read_bytes()
        # DOI -> the notices (work objects with ``update-to``) that ``/works?filter=updates:DOI`` lists.
        self.updates: dict[str, list[dict[str, object]]] = {}
        self.delay = delay
        # (x-rate-limit-limit, x-rate-limit-interval, x-concurrency-limit); None announces what
        # Crossref announced when the fixtures were recorded: the polite pool for a mailto, else the public one.
        self.limits = limits
        self.script: dict[str, list[Reply]] = {}
        self.requests: list[tuple[str, dict[str, str], float]] = []
        self.in_flight = 0
        self.max_in_flight = 0
        self.in_flight_on_arrival: list[int] = []  # per request, counting itself
        self._lock = threading.Lock()
        server = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"
            # Headers and body go out in two writes; with Nagle on, the body would wait for the
            # client's delayed ACK (40 ms), a delay no real server adds.
            disable_nagle_algorithm = True

            def log_message(self, format: str, *args: object) -> None:
                pass

            def do_GET(self) -> None:
                with server._lock:
                    server.in_flight += 1
                    server.max_in_flight = max(server.max_in_flight, server.in_flight)
                    server.in_flight_on_arrival.append(server.in_flight)
                    server.requests.append((self.path, dict(self.headers), time.monotonic()))
                self.counted = True
                try:
                    server._answer(self)
                finally:
                    server._leave(self)

        class Server(ThreadingHTTPServer):
            def handle_error(self, request: object, client_address: object) -> None:
                pass  # a client that gave up (timeout) is part of the script, not an error

        self._httpd = Server(("127.0.0.1", 0), Handler)
        self._httpd.daemon_threads = True
        self.url = f"http://127.0.0.1:{self._httpd.server_address[1]}"
        self._thread = threading.Thread(target=self._httpd.serve_forever, daemon=True)

    def queue(self, doi: str, *replies: Reply) -> None:
        self.script.setdefault(doi.lower(), []).extend(replies)

    def _leave(self, handler: BaseHTTPRequestHandler) -> None:
        """Count ``handler``'s request out of flight, once."""
        with self._lock:
            if getattr(handler, "counted", False):
                handler.counted = False  # type: ignore[attr-defined]
                self.in_flight -= 1

    def add_notice(self, item: dict[str, object]) -> None:
        """Serve a notice: at ``/works/{its DOI}``, and in ``filter=updates:`` lists of every DOI it updates."""
        self.works[str(item["DOI"]).lower()] = json.dumps(
            {"status": "ok", "message-type": "work", "message": item}).encode("utf-8")
        for update in item.get("update-to", []):  # type: ignore[attr-defined]
            self.updates.setdefault(str(update["DOI"]).lower(), []).append(item)

    def _answer(self, handler: BaseHTTPRequestHandler) -> None:
        path, _, query = handler.path.partition("?")
        kind, _, raw_doi = path.lstrip("/").partition("/")
        doi = unquote(raw_doi).lower()
        asked_filter = parse_qs(query).get("filter", [""])[0]
        if path.rstrip("/") == "/works" and asked_filter.startswith("updates:"):
            doi = asked_filter.lower()  # what a test queues faults under: "updates:10.1234/x"
        with self._lock:
            queued = self.script.get(doi)
            reply = queued.pop(0) if queued else None
        if reply is None:
            if doi.startswith("updates:"):
                items = self.updates.get(doi.removeprefix("updates:"), [])
                body = {"status": "ok", "message-type": "work-list",
                        "message": {"items": items, "total-results": len(items), "items-per-page": 100}}
                reply = Reply(body=json.dumps(body).encode("utf-8"))
            elif path.rstrip("/") == "/works":
                reply = Reply(body=self.search_body)
            elif kind == "works" and doi in self.works:
                reply = Reply(body=self.works[doi])
            elif kind == "cn" and doi in self.csl:
                reply = Reply(body=self.csl[doi], content_type="application/vnd.citationstyles.csl+json")
            else:
                reply = Reply(404, NOT_FOUND_BODY, "text/plain")
        time.sleep(max(self.delay, reply.delay))
        if reply.drop:
            handler.connection.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, b"\x01\x00\x00\x00\x00\x00\x00\x00")
            handler.connection.close()
            handler.close_connection = True
            return
        # A request stops counting as in flight once its answer is ready, before any byte goes out: the
        # client may read the answer and start its next request before this thread runs again.
        self._leave(handler)
        handler.send_response(reply.status)
        handler.send_header("Content-Type", reply.content_type)
        handler.send_header("Content-Length", str(len(reply.body)))
        polite = "mailto:" in handler.headers.get("User-Agent", "")
        rate, interval, concurrency = self.limits or (("10", "1s", "3") if polite else ("5", "1s", "1"))
        handler.send_header("x-rate-limit-limit", rate)
        handler.send_header("x-rate-limit-interval", interval)
        handler.send_header("x-concurrency-limit", concurrency)
        for name, value in reply.headers.items():
            handler.send_header(name, value)
        handler.end_headers()
        if not reply.drip:
            handler.wfile.write(reply.body)
            return
        for index in range(len(reply.body)):
            try:
                handler.wfile.write(reply.body[index : index + 1])
                handler.wfile.flush()
            except OSError:  # the client gave up: what a drip is for
                return
            time.sleep(reply.drip)

    def __enter__(self) -> ReplayServer:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._httpd.shutdown()
        self._httpd.server_close()
