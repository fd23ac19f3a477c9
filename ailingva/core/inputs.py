"""Request bodies read as the API document says they are."""

from __future__ import annotations

from typing import Annotated, Any, get_args, get_origin

from pydantic import BaseModel, model_validator


def _kinds(annotation: Any) -> tuple[Any, ...]:
    """The types a field takes: `int | None` -> (int, None), `Annotated[int, ...]` -> (int,)."""
    if get_origin(annotation) is Annotated:
        return _kinds(get_args(annotation)[0])
    args = get_args(annotation)
    return tuple(kind for arg in args for kind in _kinds(arg)) if args else (annotation,)


class JsonBody(BaseModel):
    """A body whose booleans are `true`/`false` and whose numbers are never those. Pydantic's
    lax mode reads `false` as the integer 0 and 0 as `false`; strict mode would also refuse
    4863.0, which JSON Schema counts as an integer."""

    @model_validator(mode="before")
    @classmethod
    def _booleans_are_not_numbers(cls, data: Any) -> Any:
        if not isinstance(data, dict):
            return data
        for name, field in cls.model_fields.items():
            value = data.get(field.alias or name)
            if value is None or field.annotation is None:
                continue
            kinds = _kinds(field.annotation)
            if isinstance(value, bool) != (bool in kinds) and (int in kinds or bool in kinds):
                expected = "true or false" if bool in kinds else "a number, not true or false"
                raise ValueError(f"{name}: expected {expected}")
        return data
