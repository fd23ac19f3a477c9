"""A local server speaking OpenAI's protocol (streamed chat, transcription, speech) as far as
the providers use it, with one API key it accepts; or, told to, failing every call."""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field

from ailingva.providers.audio import float_to_pcm16
from tests.http_peer import JsonHandler, http_server
from tests.providers.conftest import tone

PEER_REPLY = ("Hello", "!")
PEER_TRANSCRIPT = "Hello, how are you today?"


@dataclass
class Peer:
    """What the server was asked (path and the key it was sent), and how it answers."""

    url: str = ""  # its /v1 base URL
    key: str = ""
    status: int = 200  # anything else: every call answers this, with an error body
    echo_key: bool = False  # the error names the key it was sent, as a careless server might
    hang: bool = False  # never answer (until the server stops)
    calls: list[tuple[str, str]] = field(default_factory=list)
    released: threading.Event = field(default_factory=threading.Event)


def _handler(peer: Peer) -> type[JsonHandler]:
    class OpenAIRoutes(JsonHandler):
        def do_POST(self) -> None:
            body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
            sent = self.headers.get("Authorization", "").removeprefix("Bearer ")
            peer.calls.append((self.path, sent))
            if peer.hang:
                peer.released.wait(timeout=60)
                return
            if peer.status != 200 or sent != peer.key:
                status = peer.status if peer.status != 200 else 401
                named = f": {sent}" if peer.echo_key else ""
                self.send_json(status, {"error": {"message": f"Request refused{named}"}})
            elif self.path == "/v1/chat/completions":
                self._chat(json.loads(body)["model"])
            elif self.path == "/v1/audio/transcriptions":
                self.send_json(200, {"text": PEER_TRANSCRIPT})
            elif self.path == "/v1/audio/speech":
                self.send_pcm(float_to_pcm16(tone(0.4, 24_000)))
            else:
                self.send_json(404, {"error": {"message": "no such route"}})

        def _chat(self, model: str) -> None:
            self.send_response(200)
            self.send_header("Content-Type", "text/event-stream")
            self.end_headers()
            deltas = [{"content": text} for text in PEER_REPLY]
            for delta, finish in [*((d, None) for d in deltas), ({}, "stop")]:
                chunk = {
                    "id": "check",
                    "object": "chat.completion.chunk",
                    "created": 0,
                    "model": model,
                    "choices": [{"index": 0, "delta": delta, "finish_reason": finish}],
                }
                self.wfile.write(f"data: {json.dumps(chunk)}\n\n".encode())
                self.wfile.flush()
            self.wfile.write(b"data: [DONE]\n\n")

    return OpenAIRoutes


@contextmanager
def openai_peer(
    key: str, *, status: int = 200, echo_key: bool = False, hang: bool = False
) -> Iterator[Peer]:
    """Serve OpenAI's routes on a free loopback port, accepting `key`."""
    peer = Peer(key=key, status=status, echo_key=echo_key, hang=hang)
    with http_server(_handler(peer)) as url:
        peer.url = f"{url}/v1"
        try:
            yield peer
        finally:
            peer.released.set()
