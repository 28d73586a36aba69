"""Qt-free. The design model (pydantic v2)."""
from rackstudio.model.design import (
    COLLECTIONS,
    FORMAT_VERSION,
    Connection,
    Design,
    Device,
    Feed,
    Hall,
    Panel,
    PortRef,
    Rack,
    Row,
    Site,
    Ups,
)
from rackstudio.model.parts import Category, PartExtension, PartType
from rackstudio.model.racks import RackType
from rackstudio.model.review import CheckSettings, Comment, ReviewRecord, Waiver
from rackstudio.model.units import UnitSystem

__all__ = [
    "COLLECTIONS", "FORMAT_VERSION", "Category", "CheckSettings", "Comment", "Connection", "Design",
    "Device", "Feed", "Hall", "Panel", "PartExtension", "PartType", "PortRef", "Rack", "RackType",
    "ReviewRecord", "Row", "Site", "UnitSystem", "Ups", "Waiver",
]
