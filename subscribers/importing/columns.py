"""Columns of the subscribers file that a block above the subscriber base takes (comms: the
consents to advertising), so that subscribers need not know it: the block registers a yes/no
column and a handler in its AppConfig.ready(); the import stages the column's values in
stg_subscriber (a nullable boolean: an empty cell is NULL, "billing says nothing") and, once
the subscribers are merged, calls the handler with that table's name inside the import's
transaction, for set-based SQL. A registered column is no extra attribute."""

from collections.abc import Callable
from dataclasses import dataclass


@dataclass(frozen=True)
class ColumnHandler:
    columns: tuple[str, ...]  # canonical names, safe as SQL identifiers
    apply: Callable[[str], dict[str, int]]  # the staging table → counts for the import's stats


_HANDLERS: list[ColumnHandler] = []


def register(handler: ColumnHandler) -> None:
    if any(h.columns == handler.columns for h in _HANDLERS):
        return  # ready() may run twice in tests
    _HANDLERS.append(handler)


def handlers() -> list[ColumnHandler]:
    return list(_HANDLERS)


def flag_columns() -> tuple[str, ...]:
    return tuple(c for h in _HANDLERS for c in h.columns)
