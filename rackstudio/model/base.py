"""Qt-free. The base of every RackStudio model: strict, immutable records.

Design objects are frozen: a command replaces a record rather than editing it in place,
so undo keeps the old record and nothing else can change a design behind a command's back.
Numbers are finite: a NaN or an infinity typed into a field would be saved as JSON `null` and
the file would no longer load.
"""
from __future__ import annotations

from pydantic import BaseModel, ConfigDict


class Record(BaseModel):
    """An immutable, strictly validated record (unknown keys are refused)."""

    model_config = ConfigDict(extra="forbid", frozen=True, populate_by_name=True, allow_inf_nan=False)

    def replace(self, **changes):
        """A validated copy with some fields changed (model_copy does not validate)."""
        data = self.model_dump(by_alias=False)
        data.update(changes)
        return type(self).model_validate(data)


class Mutable(BaseModel):
    """A strictly validated record that may be edited in place (the design root only)."""

    model_config = ConfigDict(extra="forbid", populate_by_name=True, allow_inf_nan=False)
