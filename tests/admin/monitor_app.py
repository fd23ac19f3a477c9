"""An app process for the monitor's tests: `python -m tests.admin.monitor_app PORT`, with the
fake providers, the settings of its environment, the monitor's Redis names under
MONITOR_NAMESPACE and a short keep-alive comment on event streams (MONITOR_PING_SECONDS)."""

from __future__ import annotations

import os
import sys

import fastapi.routing
import uvicorn

from ailingva.core.config import get_settings
from ailingva.main import create_app
from ailingva.voice.monitor import Monitor
from tests.conftest import FAKE_PROVIDERS


def main(port: int) -> None:
    # FastAPI's keep-alive comment on event streams, every 15 s otherwise.
    fastapi.routing._PING_INTERVAL = float(os.environ["MONITOR_PING_SECONDS"])  # type: ignore[attr-defined]
    settings = get_settings()
    app = create_app(settings, FAKE_PROVIDERS)
    app.state.monitor = Monitor(settings.redis_url, namespace=os.environ["MONITOR_NAMESPACE"])
    uvicorn.run(app, host="127.0.0.1", port=port, log_level="warning")


if __name__ == "__main__":
    main(int(sys.argv[1]))
