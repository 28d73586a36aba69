"""Qt-free. The base of every RackStudio model: strict, immutable records.

Design objects are frozen: a command replaces a record rather than editing it in place,
so undo keeps the old record and nothing else can change a design behind a command's back.
"""
from __future__ import annotations

from pydantic import BaseModel, ConfigDict


class Record(BaseModel):
    """An immutable, strictly validated record (unknown keys are refused)."""

    model_config = ConfigDict(extra="forbid", frozen=True, populate_by_name=True)

    def replace(self, **changes):
        """A validated copy with some fields changed (model_copy does not validate)."""
        data = self.model_dump(by_alias=False)
        data.update(changes)
        return type(self).model_validate(data)


class Mutable(BaseModel):
    """A strictly validated record that may be edited in place (the design root only)."""

    model_config = ConfigDict(extra="forbid", populate_by_name=True)
