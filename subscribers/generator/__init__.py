"""A deterministic generator of a realistic Internet / cable-TV operator, written as billing export
files in the canonical import format or shaped like a UTM5 or LANBilling export, and of the
billing's next days or months after such an export, as a daily sync receives them."""

from .accounts import CHUNK, simulate_chunk
from .delta import DeltaError, DeltaResult, write_delta
from .flavors import COLUMNS, FLAVOR_SPECS, FLAVORS, KINDS, Flavor, Tables, mapping_path
from .world import World, default_end
from .writer import generate_operator

__all__ = [
    "CHUNK",
    "COLUMNS",
    "DeltaError",
    "DeltaResult",
    "FLAVORS",
    "FLAVOR_SPECS",
    "KINDS",
    "Flavor",
    "Tables",
    "World",
    "default_end",
    "generate_operator",
    "mapping_path",
    "simulate_chunk",
    "write_delta",
]
