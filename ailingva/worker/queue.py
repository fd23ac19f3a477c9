"""The job queue: `enqueue` a job by name after the commit that created its data.

The queue is handed the job table (name -> function) where it is built: `ailingva.jobs`, at the
root, is the one place that knows every module's jobs, so enqueueing imports no domain code.

Two runners behind one interface:
- `InProcessJobQueue` (the embedded default): asyncio tasks in the app process; each job runs
  in a worker thread, is retried with exponential backoff and, after the last try, is written to
  `failed_job`. Jobs still waiting when the app stops are lost: the durable runner is Redis.
- `ArqJobQueue` (when `REDIS_URL` is set): jobs go to Redis and a separate `ailingva worker`
  process (`run_worker`) runs them with the same retry policy. arq is asyncio-native like the app,
  maintained and small; a job is deduplicated while queued by its id (name + arguments), and a job
  whose worker died mid-run is run again.

Periodic jobs (`Periodic`: a sweep that may enqueue jobs of its own) run every `every_seconds`:
in the app process with the in-process runner, as arq cron jobs in the worker with Redis (one
run per tick however many workers there are).
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
from abc import ABC, abstractmethod
from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass
from typing import Any

from arq import create_pool
from arq.connections import ArqRedis, RedisSettings
from arq.constants import result_key_prefix
from arq.cron import CronJob, cron
from arq.worker import Function, Retry, Worker, func
from redis.exceptions import RedisError
from sqlalchemy import Engine

from ailingva.core.config import Settings
from ailingva.core.db import session_scope
from ailingva.worker.models import FailedJob

log = logging.getLogger(__name__)

DEFAULT_QUEUE_NAME = "ailingva:jobs"
MAX_ERROR_CHARS = 4000

JobArg = int | str
# A job is `job(engine, **kwargs)`: it opens its own short DB session(s), may block (it runs in a
# worker thread) and must be idempotent, because every runner retries it.
Job = Callable[..., None]
# A periodic job is `await run(engine, queue)`: it opens its own short DB sessions and may
# enqueue jobs (after its commits); it must be safe to run twice at once.
PeriodicRun = Callable[[Engine, "JobQueue"], Awaitable[object]]


@dataclass(frozen=True)
class Periodic:
    run: PeriodicRun
    every_seconds: int = 60

    def __post_init__(self) -> None:
        # arq's cron ticks on seconds of a minute or minutes of an hour.
        if not (60 % self.every_seconds == 0 or 3600 % self.every_seconds == 0):
            raise ValueError("every_seconds must divide a minute or an hour")
        if self.every_seconds > 60 and self.every_seconds % 60:
            raise ValueError("every_seconds over a minute must be whole minutes")


@dataclass(frozen=True)
class RetryPolicy:
    """`max_tries` runs in all; the wait before try n+1 is base * 2**(n-1), capped."""

    max_tries: int = 5
    base_delay_seconds: float = 1.0
    max_delay_seconds: float = 300.0

    def delay(self, failed_try: int) -> float:
        return float(min(self.max_delay_seconds, self.base_delay_seconds * 2 ** (failed_try - 1)))


class UnknownJobError(ValueError):
    pass


def job_key(name: str, kwargs: Mapping[str, JobArg]) -> str:
    """The job's identity: the same job with the same arguments is one job."""
    return f"{name}:{json.dumps(dict(kwargs), sort_keys=True, separators=(',', ':'))}"


def record_failure(
    engine: Engine,
    name: str,
    kwargs: Mapping[str, JobArg],
    error: BaseException,
    attempts: int,
    *,
    stage: str | None = None,
) -> None:
    """Keep a job that will not run (again) for admins to see; `stage` names the step that
    failed when it was not the run itself (e.g. queueing)."""
    text = f"{type(error).__name__}: {error}"
    text = (f"{stage}: {text}" if stage else text)[:MAX_ERROR_CHARS]
    with session_scope(engine) as db:
        db.add(FailedJob(name=name, args=dict(kwargs), error=text, attempts=attempts))
    log.error("job %s%s failed after %d tries: %s", name, dict(kwargs), attempts, text)


class JobQueue(ABC):
    @abstractmethod
    async def enqueue(self, job: str, /, **kwargs: JobArg) -> None:
        """Queue `job` with `kwargs`. Call it only AFTER the commit that created the job's data
        (a job may start at once, in another process, and must find the data there)."""

    @abstractmethod
    def knows(self, job: str) -> bool:
        """Whether `job` is a job of the table the queue was handed."""

    @abstractmethod
    async def depth(self) -> int:
        """Jobs waiting (and, in process, running); RedisError/OSError when Redis is away."""

    async def enqueue_again(self, job: str, /, **kwargs: JobArg) -> None:
        """Queue a job that ran before (an admin's retry of a failed one)."""
        await self.enqueue(job, **kwargs)

    async def start(self) -> None:  # noqa: B027 (optional hook)
        """Connect (called once in the app's lifespan)."""

    async def aclose(self) -> None:  # noqa: B027 (optional hook)
        """Disconnect; the in-process runner first lets running jobs finish."""


class InProcessJobQueue(JobQueue):
    """Asyncio tasks in this process; blocking job code runs in threads."""

    def __init__(
        self,
        engine: Engine,
        jobs: Mapping[str, Job],
        *,
        retry: RetryPolicy | None = None,
        shutdown_grace_seconds: float = 10.0,
        periodic: Mapping[str, Periodic] | None = None,
    ) -> None:
        self._engine = engine
        self._jobs = jobs
        self._retry = retry or RetryPolicy()
        self._grace = shutdown_grace_seconds
        self._tasks: dict[str, asyncio.Task[None]] = {}
        self._periodic = dict(periodic or {})
        self._tickers: list[asyncio.Task[None]] = []

    async def start(self) -> None:
        loop = asyncio.get_running_loop()
        self._tickers += [
            loop.create_task(self._every(name, job), name=f"periodic:{name}")
            for name, job in self._periodic.items()
        ]

    async def _every(self, name: str, job: Periodic) -> None:
        while True:
            await asyncio.sleep(job.every_seconds)
            try:
                await job.run(self._engine, self)
            except Exception:  # the next tick tries again
                log.exception("periodic job %s failed", name)

    def knows(self, job: str) -> bool:
        return job in self._jobs

    async def depth(self) -> int:
        return len(self._tasks)

    async def enqueue(self, job: str, /, **kwargs: JobArg) -> None:
        if job not in self._jobs:
            raise UnknownJobError(job)
        key = job_key(job, kwargs)
        if key in self._tasks:  # already waiting or running: one run is enough
            return
        task = asyncio.get_running_loop().create_task(self._run(job, kwargs), name=key)
        self._tasks[key] = task
        task.add_done_callback(lambda _: self._tasks.pop(key, None))

    async def _run(self, name: str, kwargs: Mapping[str, JobArg]) -> None:
        function = self._jobs[name]
        for attempt in range(1, self._retry.max_tries + 1):
            try:
                await asyncio.to_thread(function, self._engine, **kwargs)
                return
            except Exception as exc:
                if attempt >= self._retry.max_tries:
                    await asyncio.to_thread(
                        record_failure, self._engine, name, kwargs, exc, attempt
                    )
                    return
                delay = self._retry.delay(attempt)
                log.warning(
                    "job %s%s failed (try %d), retry in %.1fs: %r",
                    name,
                    kwargs,
                    attempt,
                    delay,
                    exc,
                )
                await asyncio.sleep(delay)

    async def join(self, within_seconds: float | None = None) -> None:
        """Wait until no job is waiting or running (tests, shutdown); TimeoutError after
        `within_seconds`."""
        async with asyncio.timeout(within_seconds):
            while self._tasks:
                await asyncio.gather(*list(self._tasks.values()), return_exceptions=True)

    async def aclose(self) -> None:
        # Only this loop's: an app served by several loops one after another (tests) starts
        # its tickers on each.
        loop = asyncio.get_running_loop()
        mine = [ticker for ticker in self._tickers if ticker.get_loop() is loop]
        for ticker in mine:
            ticker.cancel()
        await asyncio.gather(*mine, return_exceptions=True)
        self._tickers = [ticker for ticker in self._tickers if ticker not in mine]
        try:
            await self.join(self._grace)
        except TimeoutError:
            pending = list(self._tasks.values())
            log.warning("stopping with %d unfinished jobs: they are lost", len(pending))
            for task in pending:
                task.cancel()
            await asyncio.gather(*pending, return_exceptions=True)


class ArqJobQueue(JobQueue):
    """Jobs in Redis (arq), run by `ailingva worker`."""

    def __init__(
        self,
        redis_url: str,
        engine: Engine,
        jobs: Mapping[str, Job],
        *,
        queue_name: str = DEFAULT_QUEUE_NAME,
    ) -> None:
        self._redis_settings = RedisSettings.from_dsn(redis_url)
        # The app must not stall for arq's five reconnects when Redis is down.
        self._redis_settings.conn_retries = 1
        self._engine = engine
        self._jobs = jobs
        self.queue_name = queue_name
        self._pool: ArqRedis | None = None

    async def start(self) -> None:
        """Connect now if Redis is up; if not, the app runs on and enqueue retries later."""
        with contextlib.suppress(RedisError, OSError):
            await self._connect()

    async def _connect(self) -> ArqRedis:
        if self._pool is None:
            self._pool = await create_pool(self._redis_settings, default_queue_name=self.queue_name)
        return self._pool

    async def enqueue(self, job: str, /, **kwargs: JobArg) -> None:
        """Queue the job; when Redis cannot take it, the job is recorded as failed after that one
        try (visible to admins) rather than failing the student's request that made it."""
        if job not in self._jobs:
            raise UnknownJobError(job)
        # The id deduplicates: a second enqueue while the first is queued or running is dropped.
        job_kwargs: dict[str, Any] = dict(kwargs)
        try:
            pool = await self._connect()
            await pool.enqueue_job(job, _job_id=self.job_id(job, kwargs), **job_kwargs)
        except (RedisError, OSError) as exc:
            await asyncio.to_thread(
                record_failure, self._engine, job, kwargs, exc, 1, stage="not queued in Redis"
            )

    def knows(self, job: str) -> bool:
        return job in self._jobs

    async def depth(self) -> int:
        pool = await self._connect()
        return int(await pool.zcard(self.queue_name))

    async def enqueue_again(self, job: str, /, **kwargs: JobArg) -> None:
        """arq keeps a finished job's result for a while, and takes no job of the same id
        meanwhile: a job that failed (and so finished) is forgotten first."""
        with contextlib.suppress(RedisError, OSError):  # then enqueue records the failure
            pool = await self._connect()
            await pool.delete(result_key_prefix + self.job_id(job, kwargs))
        await self.enqueue(job, **kwargs)

    def job_id(self, job: str, kwargs: Mapping[str, JobArg]) -> str:
        """arq's job keys are global in Redis: the queue's name keeps two queues apart."""
        return f"{self.queue_name}:{job_key(job, kwargs)}"

    async def aclose(self) -> None:
        if self._pool is not None:
            await self._pool.aclose()
            self._pool = None


def _arq_function(name: str, job: Job, engine: Engine, retry: RetryPolicy) -> Function:
    async def run(ctx: dict[str, Any], **kwargs: JobArg) -> None:
        attempt: int = ctx["job_try"]
        try:
            await asyncio.to_thread(job, engine, **kwargs)
        except Exception as exc:
            if attempt >= retry.max_tries:
                await asyncio.to_thread(record_failure, engine, name, kwargs, exc, attempt)
                return
            log.warning("job %s%s failed (try %d): %r", name, kwargs, attempt, exc)
            raise Retry(defer=retry.delay(attempt)) from exc

    # One try more than ours, so that our last try records the failure rather than arq's
    # "max tries reached" (which only happens after a worker died on the last try).
    return func(run, name=name, max_tries=retry.max_tries + 1)


def _arq_cron(
    name: str, job: Periodic, redis_url: str, engine: Engine, jobs: Mapping[str, Job], queue: str
) -> CronJob:
    async def run(ctx: dict[str, Any]) -> None:
        enqueue = ArqJobQueue(redis_url, engine, jobs, queue_name=queue)
        try:
            await job.run(engine, enqueue)
        finally:
            await enqueue.aclose()

    if job.every_seconds <= 60:
        ticks: dict[str, Any] = {"second": set(range(0, 60, job.every_seconds))}
    else:
        ticks = {"minute": set(range(0, 60, job.every_seconds // 60)), "second": 0}
    # A failed run is logged by arq; the next tick is the retry.
    return cron(run, name=f"periodic:{name}", max_tries=1, **ticks)


def build_worker(
    redis_url: str,
    engine: Engine,
    jobs: Mapping[str, Job],
    *,
    periodic: Mapping[str, Periodic] | None = None,
    queue_name: str = DEFAULT_QUEUE_NAME,
    retry: RetryPolicy | None = None,
    burst: bool = False,
    poll_delay: float = 0.5,
    job_timeout_seconds: int = 300,
) -> Worker:
    """An arq worker that runs the registered jobs from `queue_name`."""
    retry = retry or RetryPolicy()
    return Worker(
        functions=[_arq_function(name, job, engine, retry) for name, job in jobs.items()],
        cron_jobs=[
            _arq_cron(name, job, redis_url, engine, jobs, queue_name)
            for name, job in (periodic or {}).items()
        ],
        redis_settings=RedisSettings.from_dsn(redis_url),
        queue_name=queue_name,
        burst=burst,
        poll_delay=poll_delay,
        job_timeout=job_timeout_seconds,
        keep_result=60,
        handle_signals=not burst,
    )


def build_job_queue(
    settings: Settings,
    engine: Engine,
    jobs: Mapping[str, Job],
    periodic: Mapping[str, Periodic] | None = None,
) -> JobQueue:
    """The app's queue; with Redis the periodic jobs are the worker's (`run_worker`)."""
    if settings.redis_url:
        return ArqJobQueue(settings.redis_url, engine, jobs)
    return InProcessJobQueue(engine, jobs, periodic=periodic)


def run_worker(
    settings: Settings, jobs: Mapping[str, Job], periodic: Mapping[str, Periodic] | None = None
) -> None:
    """The `ailingva worker` process: runs jobs from Redis until SIGINT/SIGTERM."""
    import os

    from ailingva.core.db import make_engine

    logging.basicConfig(
        level=os.environ.get("LOG_LEVEL", "INFO").upper(),
        format="%(asctime)s %(levelname)s %(name)s: %(message)s",
    )
    if not settings.redis_url:
        raise RuntimeError("REDIS_URL is not set: without it `ailingva serve` runs jobs itself")
    engine = make_engine(settings.database_url)
    try:
        build_worker(settings.redis_url, engine, jobs, periodic=periodic).run()
    finally:
        engine.dispose()


__all__ = [
    "ArqJobQueue",
    "InProcessJobQueue",
    "Job",
    "JobArg",
    "JobQueue",
    "Periodic",
    "RetryPolicy",
    "UnknownJobError",
    "build_job_queue",
    "build_worker",
    "run_worker",
]
