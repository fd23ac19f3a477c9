"""`/api/admin`: the admin's view of the service."""

from fastapi import APIRouter, Query
from pydantic import BaseModel

from ailingva.api.deps import AdminUser, SessionDep
from ailingva.auth import service as auth_service
from ailingva.auth.schemas import UserPublic
from ailingva.core.errors import ErrorResponse

router = APIRouter(
    prefix="/api/admin",
    tags=["admin"],
    responses={401: {"model": ErrorResponse}, 403: {"model": ErrorResponse}},
)


class UserList(BaseModel):
    items: list[UserPublic]
    total: int


@router.get("/users")
def list_users(
    db: SessionDep,
    _: AdminUser,
    limit: int = Query(default=50, ge=1, le=200),
    offset: int = Query(default=0, ge=0),
) -> UserList:
    users, total = auth_service.list_users(db, limit=limit, offset=offset)
    return UserList(items=[auth_service.user_public(db, u) for u in users], total=total)
