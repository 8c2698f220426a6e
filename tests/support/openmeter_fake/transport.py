"""In-process serving: an httpx transport that hands each request to the fake."""

from __future__ import annotations

import time
from typing import TYPE_CHECKING

import httpx

if TYPE_CHECKING:
    from tests.support.openmeter_fake.fake import FakeOpenMeter


class FakeTransport(httpx.BaseTransport):
    def __init__(self, fake: FakeOpenMeter) -> None:
        self.fake = fake

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        body = request.read()
        answer = self.fake.handle(
            request.method,
            request.url.path,
            list(request.url.params.multi_items()),
            dict(request.headers),
            body,
        )
        if answer.delay_s:
            # Without a socket there is nothing to time out, so honour the client's read
            # timeout here: a delay beyond it behaves like a server that answers too late.
            read_timeout = request.extensions.get("timeout", {}).get("read")
            if read_timeout is not None and answer.delay_s > read_timeout:
                time.sleep(read_timeout)
                raise httpx.ReadTimeout(
                    "fake: answer slower than the read timeout", request=request
                )
            time.sleep(answer.delay_s)
        if answer.drop_connection:
            raise httpx.RemoteProtocolError(
                "Server disconnected without sending a response.", request=request
            )
        headers = dict(answer.headers)
        if answer.content_type:
            headers["content-type"] = answer.content_type
        return httpx.Response(answer.status, headers=headers, content=answer.body, request=request)
