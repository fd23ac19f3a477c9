"""A worker process that stops in the middle of an analysis (after the analysis turn, events and
words are written, before the commit) and waits to be killed.

    python -m tests.worker.killable_worker DATABASE_URL REDIS_URL QUEUE READY_FILE
"""

import sys
import threading
from pathlib import Path
from typing import NoReturn

from ailingva.brain import tutor_rules
from ailingva.core.db import make_engine
from ailingva.jobs import JOBS
from ailingva.worker.queue import RetryPolicy, build_worker


def main() -> None:
    database_url, redis_url, queue_name, ready_file = sys.argv[1:5]

    def hang(*args: object, **kwargs: object) -> NoReturn:
        Path(ready_file).write_text("mid-job")
        while True:  # until SIGKILL
            threading.Event().wait()

    tutor_rules.update_rules = hang
    engine = make_engine(database_url)
    worker = build_worker(
        redis_url,
        engine,
        JOBS,
        queue_name=queue_name,
        retry=RetryPolicy(max_tries=3),
        poll_delay=0.05,
    )
    worker.run()


if __name__ == "__main__":
    main()
