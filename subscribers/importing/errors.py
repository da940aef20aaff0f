"""Bad rows found by the import, collected so the report can list every one."""

from dataclasses import asdict, dataclass

MAX_KEPT = 10_000


@dataclass(frozen=True)
class RowError:
    file: str
    line: int | None
    column: str
    value: str
    message: str

    def as_dict(self) -> dict:
        return asdict(self)

    def __str__(self) -> str:
        where = f"{self.file}:{self.line}" if self.line else self.file
        column = f" [{self.column}]" if self.column else ""
        value = f" «{self.value}»" if self.value not in ("", None) else ""
        return f"{where}{column}{value}: {self.message}"


class ErrorList:
    """Keeps the first MAX_KEPT errors and counts them all."""

    def __init__(self):
        self.items: list[RowError] = []
        self.count = 0

    def add(self, file: str, line: int | None, column: str, value, message: str) -> None:
        self.count += 1
        if len(self.items) < MAX_KEPT:
            text = "" if value is None else str(value)
            self.items.append(RowError(file, line, column, text[:200], str(message)))

    def __bool__(self) -> bool:
        return self.count > 0

    def __len__(self) -> int:
        return self.count
