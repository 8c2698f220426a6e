"""Real HTTP serving on 127.0.0.1: threaded, keep-alive, random free port."""

from __future__ import annotations

import socket
import time
from collections.abc import Iterator
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import TYPE_CHECKING
from urllib.parse import parse_qsl, urlsplit

from tests.support.serving import serving

if TYPE_CHECKING:
    from tests.support.openmeter_fake.fake import FakeOpenMeter

BASE_PATH = "/api/v3/openmeter"


def _handler_for(fake: FakeOpenMeter, latency_s: float) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def _serve(self) -> None:
            length = int(self.headers.get("Content-Length") or 0)
            body = self.rfile.read(length) if length else b""
            parts = urlsplit(self.path)
            answer = fake.handle(
                self.command,
                parts.path,
                parse_qsl(parts.query, keep_blank_values=True),
                dict(self.headers.items()),
                body,
            )
            time.sleep(latency_s + answer.delay_s)
            if answer.drop_connection:
                # The request was read; the client gets no status line at all.
                self.close_connection = True
                self.connection.shutdown(socket.SHUT_RDWR)
                return
            self.send_response(answer.status)
            for name, value in answer.headers.items():
                self.send_header(name, value)
            if answer.content_type:
                self.send_header("Content-Type", answer.content_type)
            self.send_header("Content-Length", str(len(answer.body)))
            self.end_headers()
            self.wfile.write(answer.body)

        do_GET = do_POST = do_PUT = do_PATCH = do_DELETE = _serve  # noqa: N815

        def log_message(self, format: str, *args: object) -> None:  # noqa: A002
            return

    return Handler


class _Server(ThreadingHTTPServer):
    # Python's default listen backlog of 5 drops SYNs under a burst of new connections (an
    # unbatched client at 64 in flight), which would measure the fake instead of the client.
    request_queue_size = 256
    daemon_threads = True


@contextmanager
def serve_http(fake: FakeOpenMeter, latency_s: float = 0.0) -> Iterator[str]:
    """Serve `fake` over HTTP until the block ends; yields the API base URL."""
    with serving(
        _Server(("127.0.0.1", 0), _handler_for(fake, latency_s)), "fake-openmeter"
    ) as port:
        yield f"http://127.0.0.1:{port}{BASE_PATH}"
