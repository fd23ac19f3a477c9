"""How a voice session behaves: turn timing, billing minutes, grace periods, limits (tests
shorten them; the app uses the defaults, some of which the environment may change)."""

from __future__ import annotations

from dataclasses import dataclass, field

from pydantic_settings import BaseSettings, SettingsConfigDict

from ailingva.voice.turns import TurnTiming


class VoiceTuning(BaseSettings):
    """The voice turn's levers, from VOICE_* environment variables (the latency bench measures
    each against the others: `bench/voice_latency.py --variant`)."""

    model_config = SettingsConfigDict(
        env_prefix="VOICE_", env_file=".env", env_file_encoding="utf-8", extra="ignore"
    )

    # While the student speaks, the words so far every this much speech (0: never).
    partial_every_ms: int = 1000
    # At a pause the student goes on after, keep what speech-to-text heard so far: later only
    # the rest of the utterance is decoded. Off by default: Whisper hears the start worse
    # without the rest (`python -m bench.stt_tail`: other words in 2 of the first 3 turns).
    tail_transcripts: bool = False


@dataclass(frozen=True)
class VoiceConfig:
    timing: TurnTiming = field(default_factory=TurnTiming)
    minute_seconds: float = 60.0  # a billed minute (tests shorten it)
    # How long a minute's charge is tried again while the database is away before the session
    # ends (1013, try again later); and for how long, after the socket closed, ending the
    # session is tried again.
    charge_grace_seconds: float = 60.0
    settle_seconds: float = 600.0
    first_settle_seconds: float = 10.0  # before the client is told to come back later
    idle_seconds: float = 300.0
    max_messages_per_second: int = 100
    max_protocol_errors: int = 20
    tuning: VoiceTuning = field(default_factory=VoiceTuning)
