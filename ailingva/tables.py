"""Imports every module's tables, so `SQLModel.metadata` (and Alembic) sees the whole schema."""

from ailingva.auth.models import AuthSession, PasswordResetToken, UserAccount
from ailingva.billing.models import (
    BillingPackage,
    Payment,
    Referral,
    ReferralCode,
    UsageSession,
    Wallet,
    WalletTransaction,
)
from ailingva.brain.models import BrainEvent, KnowledgeSnapshot, TutorRule
from ailingva.core.app_settings import AppSetting
from ailingva.core.audit import AuditEntry
from ailingva.core.db import metadata
from ailingva.learning.models import LearningState, StudentWord, WordUse
from ailingva.lessons.models import Lesson, LessonTurn
from ailingva.users.models import UserProfile
from ailingva.worker.models import FailedJob

__all__ = [
    "AppSetting",
    "AuditEntry",
    "AuthSession",
    "BillingPackage",
    "BrainEvent",
    "FailedJob",
    "KnowledgeSnapshot",
    "LearningState",
    "Lesson",
    "LessonTurn",
    "PasswordResetToken",
    "Payment",
    "Referral",
    "ReferralCode",
    "StudentWord",
    "TutorRule",
    "UsageSession",
    "UserAccount",
    "UserProfile",
    "Wallet",
    "WalletTransaction",
    "WordUse",
    "metadata",
]
