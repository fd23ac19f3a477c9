"""The answers of `/api/admin/analytics/...`: series by UTC day (every day of the period, zeros
where nothing happened) and the period's totals."""

from __future__ import annotations

from datetime import date

from pydantic import BaseModel, Field


class PeriodPublic(BaseModel):
    since: date = Field(description="First day (UTC), included")
    until: date = Field(description="Last day (UTC), included")
    days: int


class ActivityDay(BaseModel):
    day: date
    active_students: int = Field(description="Students who said something in a lesson")
    registrations: int
    lessons: int = Field(description="Lessons started")
    turns: int = Field(description="The students' turns (the live conversation)")


class ActivityTotals(BaseModel):
    active_students: int = Field(description="Distinct students active in the period")
    registrations: int
    lessons: int
    turns: int


class Activity(BaseModel):
    period: PeriodPublic
    days: list[ActivityDay]
    totals: ActivityTotals


class MoneyDay(BaseModel):
    day: date
    voice_minutes: int = Field(description="Voice minutes charged by the meter")
    revenue_kopecks: int = Field(description="Payments that succeeded that day")
    refunds_kopecks: int = Field(description="Payments refunded that day")


class Conversion(BaseModel):
    registered: int = Field(description="Students registered in the period")
    paid: int = Field(description="Of them, those who have made a paid purchase")
    rate_percent: float = Field(description="paid / registered, in percent (0 when none)")


class MoneyTotals(BaseModel):
    voice_minutes: int
    revenue_kopecks: int
    refunds_kopecks: int
    net_kopecks: int = Field(description="revenue - refunds")


class Money(BaseModel):
    period: PeriodPublic
    days: list[MoneyDay]
    totals: MoneyTotals
    conversion: Conversion


class ErrorCategoryCount(BaseModel):
    category: str
    live: int = Field(description="Corrections the live pipeline made on student turns")
    analysis: int = Field(description="Errors the ANALYSIS pass (the brain's deep pass) added")
    total: int


class Errors(BaseModel):
    period: PeriodPublic
    categories: list[ErrorCategoryCount] = Field(description="Most frequent first")
    total: int


class Percentiles(BaseModel):
    p50_ms: float | None = Field(description="None when no turn of the day measured it")
    p95_ms: float | None
    turns: int = Field(description="Turns that measured the stage")


class LatencyDay(Percentiles):
    day: date


class StageLatency(BaseModel):
    stage: str = Field(description="A key of the turns' timings, e.g. end_to_first_audio")
    period: Percentiles
    days: list[LatencyDay]


class Latency(BaseModel):
    period: PeriodPublic
    stages: list[StageLatency] = Field(description="end_to_first_audio first, then the stages")


class ProviderShare(BaseModel):
    capability: str = Field(description="stt, llm or tts")
    name: str
    turns: int


class Providers(BaseModel):
    period: PeriodPublic
    providers: list[ProviderShare] = Field(description="By capability, then most used first")
