from datetime import datetime
from typing import Any

from pydantic import BaseModel


class FailedJobPublic(BaseModel):
    id: int
    name: str
    args: dict[str, Any]
    error: str
    attempts: int
    failed_at: datetime
