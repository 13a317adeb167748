"""A small Language Server Protocol client over a real ``citetool lsp`` process's stdio, for tests and benchmarks.

Messages are framed as the protocol says (``Content-Length`` headers); a
reader thread files responses by id and keeps every notification (the
server's published diagnostics among them) and answers the server's own
requests (``workspace/applyEdit``: accepted and kept).
"""

from __future__ import annotations

import json
import os
import queue
import subprocess
import sys
import threading
import time
from pathlib import Path
from typing import Any


class Client:
    def __init__(self, cwd: Path, *args: str, env: dict[str, str] | None = None) -> None:
        self.process = subprocess.Popen([sys.executable, "-m", "citetool", *args, "lsp"], cwd=cwd,
                                        stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                                        env=env or dict(os.environ))  # fmt: skip
        self.responses: dict[int, queue.Queue[dict[str, Any]]] = {}
        self.notifications: list[dict[str, Any]] = []
        self.applied: list[dict[str, Any]] = []
        self.next_id = 0
        self.lock = threading.Lock()
        threading.Thread(target=self._read, daemon=True).start()

    def _send(self, message: dict[str, Any]) -> None:
        body = json.dumps(message).encode("utf-8")
        assert self.process.stdin is not None
        self.process.stdin.write(b"Content-Length: %d\r\n\r\n" % len(body) + body)
        self.process.stdin.flush()

    def _read(self) -> None:
        stream = self.process.stdout
        assert stream is not None
        while True:
            length = 0
            while True:
                line = stream.readline()
                if not line:
                    return
                if line in (b"\r\n", b"\n"):
                    break
                name, _, value = line.decode("ascii").partition(":")
                if name.lower() == "content-length":
                    length = int(value)
            message = json.loads(stream.read(length))
            if "id" in message and "method" in message:  # the server asks the client
                if message["method"] == "workspace/applyEdit":
                    self.applied.append(message["params"])
                self._send({"jsonrpc": "2.0", "id": message["id"],
                            "result": {"applied": True} if message["method"] == "workspace/applyEdit" else None})
            elif "id" in message:
                with self.lock:
                    box = self.responses.setdefault(message["id"], queue.Queue())
                box.put(message)
            else:
                self.notifications.append(message)

    def request(self, method: str, params: Any, timeout: float = 60) -> dict[str, Any]:
        """The whole response (``result`` or ``error``)."""
        with self.lock:
            self.next_id += 1
            number = self.next_id
            box = self.responses.setdefault(number, queue.Queue())
        self._send({"jsonrpc": "2.0", "id": number, "method": method, "params": params})
        return box.get(timeout=timeout)

    def notify(self, method: str, params: Any) -> None:
        self._send({"jsonrpc": "2.0", "method": method, "params": params})

    def initialize(self, root: Path) -> dict[str, Any]:
        answer = self.request("initialize", {"processId": os.getpid(), "rootUri": root.as_uri(),
                                             "capabilities": {"workspace": {"applyEdit": True}}})  # fmt: skip
        self.notify("initialized", {})
        return answer

    def open(self, path: Path, text: str, language: str = "latex") -> str:
        uri = path.as_uri()
        self.notify("textDocument/didOpen", {"textDocument": {"uri": uri, "languageId": language, "version": 1,
                                                              "text": text}})  # fmt: skip
        return uri

    def diagnostics(self, uri: str, timeout: float = 30) -> list[dict[str, Any]]:
        """The latest diagnostics published for ``uri`` (waiting for the first)."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            found = [message["params"]["diagnostics"] for message in self.notifications
                     if message.get("method") == "textDocument/publishDiagnostics" and
                     message["params"]["uri"] == uri]  # fmt: skip
            if found:
                return found[-1]
            time.sleep(0.05)
        raise TimeoutError(f"no diagnostics for {uri}")

    def close(self) -> None:
        try:
            self.request("shutdown", None, timeout=10)
            self.notify("exit", None)
            self.process.wait(timeout=10)
        except (OSError, queue.Empty, subprocess.TimeoutExpired, BrokenPipeError):
            self.process.kill()
            self.process.wait()
