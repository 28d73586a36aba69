"""Qt-free. The base of every RackStudio model: strict, immutable records.

Design objects are frozen: a command replaces a record rather than editing it in place,
so undo keeps the old record and nothing else can change a design behind a command's back.
Numbers are finite: a NaN or an infinity typed into a field would be saved as JSON `null` and
the file would no longer load. Number fields are strict: `true` or the text `"1"` is not a
number (a whole number is still a real one), so a file holding them is refused, not read silently.
"""
from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Strict

MAX_ID_CHARS = 128  # the longest id a design holds (io.limits refuses longer ones in a file)
_NUMBERS = (float, int, float | None, int | None)
# Part and rack types are also read from NetBox YAML and typed into the part editor, whose readers
# turn text into numbers and check them themselves: their models keep pydantic's number parsing.
_LENIENT_MODULES = frozenset({"rackstudio.model.parts", "rackstudio.model.racks"})


def _strict_numbers(model: type[BaseModel]) -> None:
    """Make the number fields of `model` strict (bool and text refused, int still a float)."""
    if model.__module__ in _LENIENT_MODULES:
        return
    changed = False
    for field in model.model_fields.values():
        if field.annotation in _NUMBERS and not any(isinstance(m, Strict) for m in field.metadata):
            field.metadata.append(Strict())
            changed = True
    if changed:
        model.model_rebuild(force=True)


class Record(BaseModel):
    """An immutable, strictly validated record (unknown keys are refused)."""

    model_config = ConfigDict(extra="forbid", frozen=True, populate_by_name=True, allow_inf_nan=False)

    @classmethod
    def __pydantic_init_subclass__(cls, **kwargs):
        super().__pydantic_init_subclass__(**kwargs)
        _strict_numbers(cls)

    def replace(self, **changes):
        """A validated copy with some fields changed (model_copy does not validate)."""
        data = self.model_dump(by_alias=False)
        data.update(changes)
        return type(self).model_validate(data)


class Mutable(BaseModel):
    """A strictly validated record that may be edited in place (the design root only)."""

    model_config = ConfigDict(extra="forbid", populate_by_name=True, allow_inf_nan=False)

    @classmethod
    def __pydantic_init_subclass__(cls, **kwargs):
        super().__pydantic_init_subclass__(**kwargs)
        _strict_numbers(cls)


class FieldsSet(frozenset):
    """The names of the fields a file gave a record, one object shared by every record that
    was given the same ones. pydantic keeps a set per record: at 1,000 racks that is 400,000
    sets and 170 MiB for about 60 distinct contents. Frozen, so a shared one is never changed
    through one record; its copies (`model_copy`, which adds to them) are plain sets."""

    __slots__ = ()

    def __copy__(self) -> set[str]:
        return set(self)

    def __deepcopy__(self, memo) -> set[str]:
        return set(self)


def share_fields_sets(records, pool: dict | None = None) -> None:
    """Give each record the shared `FieldsSet` of its contents. Records are frozen, so nothing
    else changes a record's set after validation. Written for 400,000 records a design: the slot
    set directly, a pool looked up by a tuple."""
    pool = {} if pool is None else pool
    get, put = pool.get, _FIELDS_SET.__set__
    for record in records:
        names = record.__pydantic_fields_set__
        shared = get(key := tuple(names))
        if shared is None:
            shared = pool[key] = FieldsSet(names)
        put(record, shared)


_FIELDS_SET = BaseModel.__dict__["__pydantic_fields_set__"]  # the slot pydantic keeps the set in
