"""A fake Anthropic Messages API on 127.0.0.1, for the real ``anthropic`` client.

Replies are scripted as a queue of ``Reply`` values (the last one repeats), and every
request is recorded with its headers and JSON body, so tests assert on exactly what left
the process.
"""

from __future__ import annotations

import itertools
import json
import socket
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field, replace
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

TOOL_NAME = "report_masking_review"


@dataclass(frozen=True, slots=True)
class Reply:
    status: int
    body: dict[str, object]
    headers: tuple[tuple[str, str], ...] = ()
    raw: bytes | None = None  # sent instead of ``body`` as JSON: a malformed answer
    delay: float = 0.0  # seconds to wait before answering: a hung API


@dataclass(frozen=True, slots=True)
class Recorded:
    path: str
    headers: dict[str, str]
    body: dict[str, object]


_ids = itertools.count(1)


def tool_reply(
    tool_input: object,
    *,
    input_tokens: int = 1800,
    output_tokens: int = 120,
    cache_read: int = 0,
    cache_write: int = 900,
    model: str = "claude-sonnet-5-5",
) -> Reply:
    """A 200 answer with one ``tool_use`` block, shaped like the real API's."""
    n = next(_ids)
    return Reply(
        200,
        {
            "id": f"msg_fake{n:04d}",
            "type": "message",
            "role": "assistant",
            "model": model,
            "content": [
                {
                    "type": "tool_use",
                    "id": f"toolu_fake{n:04d}",
                    "name": TOOL_NAME,
                    "input": tool_input,
                }
            ],
            "stop_reason": "tool_use",
            "stop_sequence": None,
            "usage": {
                "input_tokens": input_tokens,
                "output_tokens": output_tokens,
                "cache_creation_input_tokens": cache_write,
                "cache_read_input_tokens": cache_read,
            },
        },
    )


def text_reply(text: str) -> Reply:
    """A 200 answer with prose and no tool call (the model ignored tool_choice)."""
    n = next(_ids)
    return Reply(
        200,
        {
            "id": f"msg_fake{n:04d}",
            "type": "message",
            "role": "assistant",
            "model": "claude-sonnet-5-5",
            "content": [{"type": "text", "text": text}],
            "stop_reason": "end_turn",
            "stop_sequence": None,
            "usage": {
                "input_tokens": 10,
                "output_tokens": 5,
                "cache_creation_input_tokens": 0,
                "cache_read_input_tokens": 0,
            },
        },
    )


def truncated_reply(tool_input: object) -> Reply:
    """A tool call cut off at max_tokens: the part that fit parses, the rest is missing."""
    reply = tool_reply(tool_input, output_tokens=4096)
    return replace(reply, body={**reply.body, "stop_reason": "max_tokens"})


def malformed_reply(raw: bytes = b'{"id": "msg_x", "type": "message", "content": [') -> Reply:
    """A 200 whose body is not JSON (a proxy error page, a cut connection)."""
    return Reply(200, {}, raw=raw)


def hung_reply(seconds: float) -> Reply:
    """An API that accepts the request and says nothing for ``seconds``."""
    return replace(tool_reply({"flagged": [], "dismissals": []}), delay=seconds)


def refused_url() -> str:
    """A URL on 127.0.0.1 where nothing listens: every connection is refused."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    return f"http://127.0.0.1:{port}"


def error_reply(status: int, kind: str, message: str, retry_after: str | None = None) -> Reply:
    headers = (("retry-after", retry_after),) if retry_after is not None else ()
    return Reply(
        status,
        {"type": "error", "error": {"type": kind, "message": message}},
        headers,
    )


def rate_limited(retry_after: str = "0") -> Reply:
    message = "Number of request tokens has exceeded your rate limit."
    return error_reply(429, "rate_limit_error", message, retry_after)


def overloaded() -> Reply:
    return error_reply(529, "overloaded_error", "Overloaded")


def server_error() -> Reply:
    return error_reply(500, "api_error", "Internal server error")


@dataclass
class FakeAnthropic:
    replies: list[Reply] = field(default_factory=list)
    requests: list[Recorded] = field(default_factory=list)
    url: str = ""
    _lock: threading.Lock = field(default_factory=threading.Lock)

    def script(self, *replies: Reply) -> None:
        with self._lock:
            self.replies = list(replies)

    def _next(self) -> Reply:
        with self._lock:
            if not self.replies:
                return server_error()
            return self.replies.pop(0) if len(self.replies) > 1 else self.replies[0]

    def _record(self, rec: Recorded) -> None:
        with self._lock:
            self.requests.append(rec)


def _handler(fake: FakeAnthropic) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def log_message(self, format: str, *args: object) -> None:
            return  # keep pytest output clean

        def _send(self, reply: Reply) -> None:
            if reply.delay:
                time.sleep(reply.delay)
            payload = reply.raw if reply.raw is not None else json.dumps(reply.body).encode()
            self.send_response(reply.status)
            self.send_header("content-type", "application/json")
            self.send_header("content-length", str(len(payload)))
            self.send_header("request-id", f"req_fake{next(_ids):04d}")
            for name, value in reply.headers:
                self.send_header(name, value)
            self.end_headers()
            self.wfile.write(payload)

        def do_POST(self) -> None:
            length = int(self.headers.get("content-length", "0"))
            raw = self.rfile.read(length)
            try:
                body = json.loads(raw or b"{}")
            except ValueError:
                body = {}
            fake._record(
                Recorded(self.path, {k.lower(): v for k, v in self.headers.items()}, body)
            )
            if self.path.split("?")[0] != "/v1/messages":
                self._send(error_reply(404, "not_found_error", f"no route {self.path}"))
                return
            # SDK versions differ: older ones send x-api-key, newer ones a bearer token.
            if not (self.headers.get("x-api-key") or self.headers.get("authorization")):
                self._send(error_reply(401, "authentication_error", "x-api-key header is required"))
                return
            self._send(fake._next())

    return Handler


class _Server(ThreadingHTTPServer):
    """A client that gave up (the SDK's timeout, the AI budget) closes its socket while a slow
    reply is still being written. The real API shrugs that off; the stdlib server would print a
    traceback to stderr, after the test that caused it and into whichever test runs next."""

    def handle_error(self, request: object, client_address: object) -> None:
        import sys

        if isinstance(sys.exc_info()[1], (BrokenPipeError, ConnectionResetError)):
            return
        super().handle_error(request, client_address)  # type: ignore[arg-type]


@contextmanager
def serve() -> Iterator[FakeAnthropic]:
    fake = FakeAnthropic()
    server = _Server(("127.0.0.1", 0), _handler(fake))
    server.daemon_threads = True
    fake.url = f"http://127.0.0.1:{server.server_address[1]}"
    thread = threading.Thread(target=server.serve_forever, args=(0.05,), daemon=True)
    thread.start()
    try:
        yield fake
    finally:
        server.shutdown()
        server.server_close()
        thread.join()
