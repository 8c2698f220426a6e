"""A stub ETH/USD price endpoint whose answer a test changes between phases."""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

from tests.support.serving import serving


@dataclass
class PriceStub:
    status: int = 200
    body: Any = field(default_factory=lambda: {"price": "3000"})
    hits: int = 0
    lock: threading.Lock = field(default_factory=threading.Lock)

    def answer(self, status: int, body: Any) -> None:
        with self.lock:
            self.status, self.body = status, body

    def hit_count(self) -> int:
        with self.lock:
            return self.hits


@contextmanager
def serve_price(stub: PriceStub) -> Iterator[str]:
    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            with stub.lock:
                stub.hits += 1
                status, body = stub.status, json.dumps(stub.body).encode()
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, format: str, *args: object) -> None:  # noqa: A002
            return

    with serving(ThreadingHTTPServer(("127.0.0.1", 0), Handler), "price-stub") as port:
        yield f"http://127.0.0.1:{port}/eth-usd"
