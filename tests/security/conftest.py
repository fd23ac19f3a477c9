"""What the probes need: who they act as, a loopback TCP proxy that can cut a connection, and
an HTTP listener on another loopback host."""

from __future__ import annotations

import contextlib
import socket
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

from fastapi.testclient import TestClient

from tests.conftest import STRONG_PASSWORD, register


@dataclass
class Identity:
    """A signed-in person's credentials and current bearer token (no email: anonymous)."""

    name: str
    client: TestClient
    email: str | None = None
    password: str = STRONG_PASSWORD
    token: str | None = field(default=None, repr=False)

    def sign_in(self) -> None:
        if self.email is None:
            return
        response = self.client.post(
            "/api/auth/token", json={"email": self.email, "password": self.password}
        )
        assert response.status_code == 200, response.text
        self.token = response.json()["access_token"]

    @property
    def headers(self) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.token}"} if self.token else {}


def student_identity(client: TestClient) -> Identity:
    account = register(TestClient(client.app))
    identity = Identity("student", client, account.email)
    identity.sign_in()
    return identity


class CuttableProxy:
    """A TCP proxy on loopback in front of `target`. `cut()` drops every open connection and
    refuses new ones (accepted, then closed at once: a fast failure, not a hang) until
    `restore()`."""

    def __init__(self, target: tuple[str, int]) -> None:
        self.target = target
        self.listener = socket.create_server(("127.0.0.1", 0))
        self.port: int = self.listener.getsockname()[1]
        self.is_cut = False
        self.connections: list[socket.socket] = []
        self.lock = threading.Lock()
        self.closed = False
        threading.Thread(target=self._accept, daemon=True).start()

    def _accept(self) -> None:
        while not self.closed:
            try:
                client, _ = self.listener.accept()
            except OSError:
                return
            if self.is_cut:
                client.close()
                continue
            try:
                upstream = socket.create_connection(self.target)
            except OSError:
                client.close()
                continue
            with self.lock:
                self.connections += [client, upstream]
            for source, sink in ((client, upstream), (upstream, client)):
                threading.Thread(target=self._pump, args=(source, sink), daemon=True).start()

    @staticmethod
    def _pump(source: socket.socket, sink: socket.socket) -> None:
        with contextlib.suppress(OSError):
            while data := source.recv(65536):
                sink.sendall(data)
        for end in (source, sink):
            with contextlib.suppress(OSError):
                end.shutdown(socket.SHUT_RDWR)

    def cut(self) -> None:
        self.is_cut = True
        with self.lock:
            connections, self.connections = self.connections, []
        for connection in connections:
            with contextlib.suppress(OSError):
                connection.shutdown(socket.SHUT_RDWR)
            connection.close()

    def restore(self) -> None:
        self.is_cut = False

    def close(self) -> None:
        self.closed = True
        self.cut()
        self.listener.close()


@contextmanager
def listener_on(host: str, handler: type[BaseHTTPRequestHandler]) -> Iterator[str]:
    """Serve `handler` on `host` (any 127.x.y.z is loopback); yields the base URL."""
    server = ThreadingHTTPServer((host, 0), handler)
    thread = threading.Thread(target=server.serve_forever, args=(0.05,), daemon=True)
    thread.start()
    try:
        yield f"http://{host}:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()
