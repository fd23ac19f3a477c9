"""`/api/admin/analytics/...`: the Обзор screen's figures over a period of UTC days (the last
7, 30 or 90, or two dates): activity, money, errors by category, latency per stage, providers.
Every day of the period is in a series, with zeros where nothing happened."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Query
from sqlmodel import Session

from ailingva.admin import analytics_queries as q
from ailingva.admin.analytics_schemas import (
    Activity,
    ActivityDay,
    ActivityTotals,
    Conversion,
    ErrorCategoryCount,
    Errors,
    Latency,
    LatencyDay,
    Money,
    MoneyDay,
    MoneyTotals,
    Percentiles,
    PeriodPublic,
    Providers,
    ProviderShare,
    StageLatency,
)
from ailingva.api.deps import SessionDep
from ailingva.auth.deps import AdminUser
from ailingva.core.db import utcnow
from ailingva.core.errors import AppError, ErrorCode, ErrorResponse

ERRORS: dict[int | str, dict[str, Any]] = {
    code: {"model": ErrorResponse} for code in (401, 403, 422)
}
router = APIRouter(prefix="/api/admin/analytics", tags=["admin", "analytics"], responses=ERRORS)

MAX_DAYS = 366
PERIOD_DAYS = (7, 30, 90)


def _invalid(message: str) -> AppError:
    return AppError(ErrorCode.ANALYTICS_PERIOD_INVALID, message, 422)


def period(
    days: Annotated[
        int | None,
        Query(description="The last 7, 30 or 90 days, today included", examples=[30]),
    ] = None,
    since: Annotated[date | None, Query(description="First day (UTC), with `until`")] = None,
    until: Annotated[date | None, Query(description="Last day (UTC), included")] = None,
) -> q.Span:
    """The period asked for; the last 30 days when nothing is."""
    today = utcnow().date()
    if days is not None and days not in PERIOD_DAYS:
        raise _invalid("Период — последние 7, 30 или 90 дней.")
    if since is None and until is None:
        count = days or 30
        return q.Span(today - timedelta(days=count - 1), today)
    if days is not None:
        raise _invalid("Укажите либо число дней, либо даты периода, но не то и другое.")
    if since is None or until is None:
        raise _invalid("Укажите обе даты периода: начало и конец.")
    if since > until:
        raise _invalid("Начало периода позже его конца.")
    if until > today:
        raise _invalid("Период не может заканчиваться в будущем.")
    if (until - since).days + 1 > MAX_DAYS:
        raise _invalid(f"Период не может быть длиннее {MAX_DAYS} дней.")
    return q.Span(since, until)


PeriodDep = Annotated[q.Span, Depends(period)]


def _period(span: q.Span) -> PeriodPublic:
    return PeriodPublic(since=span.first, until=span.last, days=len(span.calendar()))


def activity(db: Session, span: q.Span) -> Activity:
    turns = q.turns_by_day(db, span)
    registrations = q.registrations_by_day(db, span)
    lessons = q.lessons_by_day(db, span)
    days = [
        ActivityDay(
            day=day,
            active_students=turns.get(day, (0, 0))[0],
            registrations=registrations.get(day, 0),
            lessons=lessons.get(day, 0),
            turns=turns.get(day, (0, 0))[1],
        )
        for day in span.calendar()
    ]
    totals = ActivityTotals(
        active_students=q.active_students(db, span),
        registrations=sum(d.registrations for d in days),
        lessons=sum(d.lessons for d in days),
        turns=sum(d.turns for d in days),
    )
    return Activity(period=_period(span), days=days, totals=totals)


def money(db: Session, span: q.Span) -> Money:
    minutes = q.minutes_by_day(db, span)
    payments = q.payments_by_day(db, span)
    days = [
        MoneyDay(
            day=day,
            voice_minutes=minutes.get(day, 0),
            revenue_kopecks=payments.get(day, (0, 0))[0],
            refunds_kopecks=payments.get(day, (0, 0))[1],
        )
        for day in span.calendar()
    ]
    revenue = sum(d.revenue_kopecks for d in days)
    refunds = sum(d.refunds_kopecks for d in days)
    registered, paid = q.conversion(db, span)
    return Money(
        period=_period(span),
        days=days,
        totals=MoneyTotals(
            voice_minutes=sum(d.voice_minutes for d in days),
            revenue_kopecks=revenue,
            refunds_kopecks=refunds,
            net_kopecks=revenue - refunds,
        ),
        conversion=Conversion(
            registered=registered,
            paid=paid,
            rate_percent=round(100 * paid / registered, 1) if registered else 0.0,
        ),
    )


def errors(db: Session, span: q.Span) -> Errors:
    live, analysis = q.live_errors(db, span), q.analysis_errors(db, span)
    categories = [
        ErrorCategoryCount(
            category=c,
            live=live.get(c, 0),
            analysis=analysis.get(c, 0),
            total=live.get(c, 0) + analysis.get(c, 0),
        )
        for c in live.keys() | analysis.keys()
    ]
    categories.sort(key=lambda c: (-c.total, c.category))
    return Errors(
        period=_period(span), categories=categories, total=sum(c.total for c in categories)
    )


def latency(db: Session, span: q.Span) -> Latency:
    overall, daily = q.latency(db, span)

    def percentiles(found: q.Quantiles) -> dict[str, Any]:
        p50, p95, turns = found
        return {"p50_ms": p50, "p95_ms": p95, "turns": turns}

    empty: q.Quantiles = (None, None, 0)
    stages = [
        StageLatency(
            stage=stage,
            period=Percentiles(**percentiles(overall.get(stage, empty))),
            days=[
                LatencyDay(day=day, **percentiles(daily[stage].get(day, empty)))
                for day in span.calendar()
            ],
        )
        for stage in q.STAGES
    ]
    return Latency(period=_period(span), stages=stages)


def providers(db: Session, span: q.Span) -> Providers:
    order = {"stt": 0, "llm": 1, "tts": 2}
    rows = sorted(q.providers(db, span), key=lambda r: (order.get(r[0], 3), -r[2], r[1]))
    shares = [ProviderShare(capability=c, name=n, turns=t) for c, n, t in rows]
    return Providers(period=_period(span), providers=shares)


@router.get("/activity")
def analytics_activity(db: SessionDep, _: AdminUser, span: PeriodDep) -> Activity:
    """Active students, registrations, lessons and turns per day."""
    return activity(db, span)


@router.get("/money")
def analytics_money(db: SessionDep, _: AdminUser, span: PeriodDep) -> Money:
    """Voice minutes, revenue and refunds per day; trial -> paid conversion."""
    return money(db, span)


@router.get("/errors")
def analytics_errors(db: SessionDep, _: AdminUser, span: PeriodDep) -> Errors:
    """The students' errors by category: live corrections and the ANALYSIS pass's."""
    return errors(db, span)


@router.get("/latency")
def analytics_latency(db: SessionDep, _: AdminUser, span: PeriodDep) -> Latency:
    """p50/p95 per day of end of speech -> first audio and of each stage."""
    return latency(db, span)


@router.get("/providers")
def analytics_providers(db: SessionDep, _: AdminUser, span: PeriodDep) -> Providers:
    """The providers that served the live conversation's turns, by capability."""
    return providers(db, span)
