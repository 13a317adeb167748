"""A real HTTP server on 127.0.0.1 replaying recorded arXiv, Open Library, Google Books, efetch and idconv replies.

Routes are the real services' paths and queries:

* ``/api/query?id_list=A,B`` (arXiv): one recorded feed when one identifier is
  asked; for several, the recorded ``<entry>`` elements inside one feed, as arXiv
  batches them; an unknown identifier gets the recorded empty feed;
* ``/api/books?bibkeys=ISBN:N&format=json&jscmd=data`` (Open Library): the recorded
  book, else ``{}`` (Open Library's answer for an ISBN it lacks);
* ``/books/v1/volumes?q=isbn:N`` (Google Books): the recorded volume list, else an
  empty one;
* ``/entrez/eutils/efetch.fcgi?db=pubmed&id=A,B`` (PubMed): the recorded
  ``<PubmedArticle>`` elements of those PMIDs in one set; none: the recorded empty set;
* ``/pmc/utils/idconv/v1.0/?ids=PMCN`` (PMC): the recorded conversion, or one built
  in its shape from the PMC/PubMed/DOI ids a recorded efetch article lists; for
  anything else the recorded error body with its 404.

A test may queue replies per route (``arxiv``, ``openlibrary``, ``googlebooks``,
``efetch``, ``idconv``); the server records each request's path and time.
"""

from __future__ import annotations

import json
import re
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

from .replay import Reply

DATA = Path(__file__).resolve().parent / "data" / "ids"
SHARED_OPEN_LIBRARY = Path(__file__).resolve().parents[2] / "shared" / "fixtures" / "ids" / "isbn"
ATOM_TYPE = "application/atom+xml; charset=UTF-8"
XML_TYPE = "text/xml; charset=UTF-8"


def _entries(feed: bytes) -> list[bytes]:
    return re.findall(rb"<entry>.*?</entry>", feed, re.DOTALL)


def arxiv_feeds() -> dict[str, bytes]:
    """Recorded id_list feeds with one entry, by the identifier asked (``/`` for ``_``)."""
    feeds = {}
    for path in sorted((DATA / "arxiv").glob("*.atom.xml")):
        name = path.name.removesuffix(".atom.xml")
        if not name.endswith((".empty", ".error")) and not name.startswith("search"):
            feeds[name.replace("_", "/")] = path.read_bytes()
    return feeds


def pubmed_articles() -> dict[str, bytes]:
    """Every recorded ``<PubmedArticle>`` element, by PMID."""
    articles = {}
    for path in sorted((DATA / "pubmed").glob("efetch-*.xml")):
        for article in re.findall(rb"<PubmedArticle>.*?</PubmedArticle>", path.read_bytes(), re.DOTALL):
            pmid = re.search(rb"<PMID[^>]*>(\d+)</PMID>", article)
            if pmid:
                articles[pmid.group(1).decode()] = article
    return articles


class IdsServer:
    """``with IdsServer() as server:``; ``server.url`` is the base URL of every service."""

    def __init__(self) -> None:
        self.feeds = arxiv_feeds()
        self.articles = pubmed_articles()
        self.empty_feed = (DATA / "arxiv" / "0000.0000.empty.atom.xml").read_bytes()
        self.empty_set = (DATA / "pubmed" / "efetch-37909814.empty.xml").read_bytes()
        self.idconv_error = (DATA / "pubmed" / "idconv-28371833-idtype-doi.error.json").read_bytes()
        self.idconv = {"PMC2883744": (DATA / "pubmed" / "idconv-10.1038_ng.590.json").read_bytes()}
        self.books: dict[str, bytes] = {}
        shared = SHARED_OPEN_LIBRARY / "openlibrary-9782070427796.json"
        if shared.is_file():
            self.books["9782070427796"] = shared.read_bytes()
        self.volumes = {
            path.name.removeprefix("googlebooks-").removesuffix(".json"): path.read_bytes()
            for path in (DATA / "isbn").glob("googlebooks-*.json")
        }
        self.script: dict[str, list[Reply]] = {}
        self.requests: list[tuple[str, str, float]] = []  # (route, path with query, when)
        self._lock = threading.Lock()
        server = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"
            disable_nagle_algorithm = True

            def log_message(self, format: str, *args: object) -> None:
                pass

            def do_GET(self) -> None:
                server._answer(self)

        class Server(ThreadingHTTPServer):
            def handle_error(self, request: object, client_address: object) -> None:
                pass

        self._httpd = Server(("127.0.0.1", 0), Handler)
        self._httpd.daemon_threads = True
        self.url = f"http://127.0.0.1:{self._httpd.server_address[1]}"
        self._thread = threading.Thread(target=self._httpd.serve_forever, daemon=True)

    def queue(self, route: str, *replies: Reply) -> None:
        self.script.setdefault(route, []).extend(replies)

    def routes(self) -> list[str]:
        return [route for route, _path, _when in self.requests]

    def _feed(self, asked: str) -> bytes | None:
        """The recorded feed for ``asked``; a version asked for is the recorded feed of its id if that holds it."""
        if asked in self.feeds:
            return self.feeds[asked]
        base, _, version = asked.rpartition("v")
        feed = self.feeds.get(base)
        if feed is not None and version.isdigit() and f"/abs/{asked}</id>".encode() in feed:
            return feed
        return None

    def _recorded(self, route: str, query: dict[str, list[str]]) -> Reply:
        if route == "arxiv":
            asked = [item for item in query.get("id_list", [""])[0].split(",") if item]
            found = [feed for item in asked if (feed := self._feed(item)) is not None]
            if not found:
                return Reply(body=self.empty_feed, content_type=ATOM_TYPE)
            if len(asked) == 1:
                return Reply(body=found[0], content_type=ATOM_TYPE)
            head, _, _ = self.empty_feed.partition(b"</feed>")
            return Reply(body=head + b"".join(entry for feed in found for entry in _entries(feed)) + b"</feed>\n",
                         content_type=ATOM_TYPE)  # fmt: skip
        if route == "openlibrary":
            isbn = query.get("bibkeys", [""])[0].removeprefix("ISBN:")
            return Reply(body=self.books.get(isbn, b"{}"))
        if route == "googlebooks":
            isbn = query.get("q", [""])[0].removeprefix("isbn:")
            return Reply(body=self.volumes.get(isbn, b'{"kind": "books#volumes", "totalItems": 0}'))
        if route == "efetch":
            asked = query.get("id", [""])[0].split(",")
            found = [self.articles[pmid] for pmid in asked if pmid in self.articles]
            if not found:
                return Reply(body=self.empty_set, content_type=XML_TYPE)
            head, _, _ = self.empty_set.partition(b"</PubmedArticleSet>")
            return Reply(body=head + b"".join(found) + b"\n</PubmedArticleSet>", content_type=XML_TYPE)
        if route == "idconv":
            pmcid = query.get("ids", [""])[0].upper()
            if pmcid in self.idconv:
                return Reply(body=self.idconv[pmcid])
            for pmid, article in self.articles.items():
                if f'<ArticleId IdType="pmc">{pmcid}</ArticleId>'.encode() in article:
                    doi = re.search(rb'<ArticleId IdType="doi">([^<]+)</ArticleId>', article)
                    record = {"pmcid": pmcid, "pmid": pmid, **({"doi": doi.group(1).decode()} if doi else {})}
                    body = {"status": "ok", "responseDate": "2022-11-09 09:38:24", "request": f"ids={pmcid}",
                            "records": [record]}  # fmt: skip
                    return Reply(body=json.dumps(body).encode())
            return Reply(404, self.idconv_error)
        return Reply(404, b"Not Found", "text/plain")

    def _answer(self, handler: BaseHTTPRequestHandler) -> None:
        parts = urlsplit(handler.path)
        route = {
            "/api/query": "arxiv", "/api/books": "openlibrary", "/books/v1/volumes": "googlebooks",
            "/entrez/eutils/efetch.fcgi": "efetch", "/pmc/utils/idconv/v1.0/": "idconv",
        }.get(parts.path, "unknown")  # fmt: skip
        with self._lock:
            self.requests.append((route, handler.path, time.monotonic()))
            queued = self.script.get(route)
            reply = queued.pop(0) if queued else None
        if reply is None:
            reply = self._recorded(route, parse_qs(parts.query))
        time.sleep(reply.delay)
        if reply.drop:
            handler.connection.close()
            handler.close_connection = True
            return
        handler.send_response(reply.status)
        handler.send_header("Content-Type", reply.content_type)
        handler.send_header("Content-Length", str(len(reply.body)))
        for name, value in reply.headers.items():
            handler.send_header(name, value)
        handler.end_headers()
        handler.wfile.write(reply.body)

    def __enter__(self) -> IdsServer:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._httpd.shutdown()
        self._httpd.server_close()
