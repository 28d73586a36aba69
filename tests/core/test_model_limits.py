"""The models themselves refuse unit figures they cannot hold: infinity and numbers so large that
doubling them (half-unit steps) overflows end in a ValidationError with a clear message, never
an OverflowError, whether the figure is given as a number or as text."""
from __future__ import annotations

import pytest
from pydantic import ValidationError

from rackstudio.model import Device
from tests.core import builders as b

NOT_A_NUMBER = "Input should be a valid number"  # text in a number field (strict numbers, model/base.py)
INFINITE = [float("inf"), "inf", "Infinity", "1e999"]  # refused as not finite (model/base.py)
TOO_LARGE = [1e308, "1e308", 1e13]
NEGATIVE_OR_NAN = [float("-inf"), -1e308, "-inf", float("nan"), "nan"]  # `ge=0` refuses these first


def _device(position) -> Device:
    return Device(id="dv-1", name="D1", part="p", rack="rk-1", position=position)


def _only_error(info: pytest.ExceptionInfo, field: str) -> str:
    (error,) = info.value.errors()
    assert error["loc"] == (field,)
    return error["msg"]


@pytest.mark.parametrize("value", INFINITE, ids=repr)
def test_infinite_units_are_not_finite_numbers(value):
    with pytest.raises(ValidationError) as info:
        _device(value)
    assert _only_error(info, "position") == (NOT_A_NUMBER if isinstance(value, str) else "Input should be a finite number")
    with pytest.raises(ValidationError) as info:
        b.switch(u_height=value)  # part types read numbers from text (NetBox YAML, the part editor)
    assert _only_error(info, "u_height") == "Input should be a finite number"


@pytest.mark.parametrize("value", TOO_LARGE, ids=repr)
def test_a_device_position_past_any_number_of_units_is_a_validation_error(value):
    with pytest.raises(ValidationError) as info:
        _device(value)
    assert _only_error(info, "position") == (NOT_A_NUMBER if isinstance(value, str) else
                                             "Value error, position must be a finite number of units, at most 1e12")


@pytest.mark.parametrize("value", TOO_LARGE, ids=repr)
def test_a_part_height_past_any_number_of_units_is_a_validation_error(value):
    with pytest.raises(ValidationError) as info:
        b.switch(u_height=value)
    assert _only_error(info, "u_height") == "Value error, u_height must be a finite number of units, at most 1e12"


@pytest.mark.parametrize("value", NEGATIVE_OR_NAN, ids=repr)
def test_negative_and_nan_units_are_validation_errors(value):
    with pytest.raises(ValidationError) as info:
        _device(value)
    assert _only_error(info, "position")
    with pytest.raises(ValidationError) as info:
        b.switch(u_height=value)
    assert _only_error(info, "u_height")


def test_model_validate_and_replace_refuse_infinite_units():
    data = _device(1).model_dump()
    with pytest.raises(ValidationError, match="Input should be a finite number"):
        Device.model_validate({**data, "position": float("inf")})
    with pytest.raises(ValidationError, match=NOT_A_NUMBER):  # number fields are strict: text is not a number
        Device.model_validate({**data, "position": "1"})
    with pytest.raises(ValidationError, match="position must be a finite number of units"):
        _device(1).replace(position=1e308)
    with pytest.raises(ValidationError, match="u_height must be a finite number of units"):
        b.switch().replace(u_height="1e308")


def test_half_units_and_large_finite_units_still_validate():
    assert _device(2.5).position == 2.5
    assert _device(None).position is None
    assert _device(1e12).position == 1e12  # outside every rack: a repairable warning, not a bad file
    assert b.switch(u_height=0.5).u_height == 0.5
    assert b.switch(u_height=1e9).u_height == 1e9  # the loader refuses it as taller than any rack
    with pytest.raises(ValidationError, match="position must be a multiple of 0.5 U"):
        _device(1.3)
    with pytest.raises(ValidationError, match=r"u_height must be a multiple of 0.5 \[type"):
        b.switch(u_height=1.3)


@pytest.mark.parametrize("value", [float("nan"), float("inf"), "nan", "-Infinity"], ids=repr)
def test_an_edit_to_a_number_that_is_not_finite_is_refused(value):
    """Found by the GUI monkey test: "nan" typed into a rack's y in the inspector was applied, and
    the design could no longer be saved (NaN has no JSON form)."""
    from rackstudio.commands import Refused, SetProperty
    from rackstudio.io import dumps, parse
    from tests.core.test_project_file import small_design

    design = small_design()
    rack_id = next(iter(design.racks))
    with pytest.raises(Refused, match=f"y_mm: {NOT_A_NUMBER if isinstance(value, str) else 'Input should be a finite number'}"):
        SetProperty(rack_id, "y_mm", value).apply(design)
    assert parse(dumps(design)).design.racks[rack_id].y_mm == design.racks[rack_id].y_mm
