"""Local HTTP servers speaking a cloud's protocol (OpenAI, Yandex SpeechKit, YooKassa) in tests."""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any


class JsonHandler(BaseHTTPRequestHandler):
    """Base of the local servers that speak a cloud provider's protocol in tests."""

    def send_json(self, status: int, payload: Any) -> None:
        body = json.dumps(payload).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def send_pcm(self, pcm: bytes) -> None:
        self.send_response(200)
        self.send_header("Content-Type", "audio/pcm")
        self.end_headers()
        # Odd-sized pieces, as a network may deliver them: samples get split.
        for start in range(0, len(pcm), 1001):
            self.wfile.write(pcm[start : start + 1001])
            self.wfile.flush()

    def log_message(self, format: str, *args: Any) -> None:  # keep the test output clean
        pass


@contextmanager
def http_server(handler: type[BaseHTTPRequestHandler]) -> Iterator[str]:
    """Serve `handler` on a free loopback port; yields the base URL."""
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    # A short poll keeps shutdown() quick.
    thread = threading.Thread(target=server.serve_forever, args=(0.05,), daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()
