"""The record base shared by every table, and validation of a record from what staff typed."""

from __future__ import annotations

from typing import Any, ClassVar, Self

from pydantic import BaseModel, ConfigDict, ValidationError

from ikmtui.domain.fields import error_messages

#: Stamped by storage on every write; never taken from a form.
META_FIELDS = frozenset({"id", "code", "version", "created_at", "created_by", "updated_at", "updated_by"})


class RecordInvalid(ValueError):
    """A record failed validation; ``errors`` maps each field to a message for the staff member."""

    def __init__(self, errors: dict[str, str]) -> None:
        super().__init__("; ".join(f"{k}: {v}" for k, v in errors.items()))
        self.errors = errors


class Record(BaseModel):
    """A stored record: ``table`` names its TinyDB table and ``code_prefix`` its human code (``IKM-000123``)."""

    model_config = ConfigDict(extra="ignore", validate_assignment=False)

    table: ClassVar[str]
    code_prefix: ClassVar[str]
    #: ``True`` gives codes per year (``KRD-2026-0042``) instead of one running number (``IKM-000123``).
    code_per_year: ClassVar[bool] = False

    id: int | None = None
    code: str = ""
    version: int = 0
    created_at: str = ""
    created_by: str = ""
    updated_at: str = ""
    updated_by: str = ""

    @classmethod
    def parse(cls, data: dict[str, Any]) -> Self:
        """Validate ``data`` (form input, an imported row, a stored document) or raise :class:`RecordInvalid`."""
        try:
            return cls.model_validate(data)
        except ValidationError as exc:
            raise RecordInvalid(error_messages(exc)) from None

    def doc(self) -> dict[str, Any]:
        """The document as stored, without the fields storage stamps itself."""
        return self.model_dump(mode="json", exclude=set(META_FIELDS))
