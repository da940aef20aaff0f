"""A billing's own database read through saved queries: each query's rows streamed, read-only,
into a canonical CSV file of its kind, which the import then loads as any upload."""

import csv
import re
import socket
from collections.abc import Iterator
from datetime import date, datetime
from decimal import Decimal
from pathlib import Path
from urllib.parse import unquote, urlsplit

from django.utils.translation import gettext as _

from ..importing.readers import COLUMNS, KINDS, REQUIRED
from .errors import SourceError

SCHEMES = {"postgres": "pg", "postgresql": "pg", "mysql": "my", "mariadb": "my"}
FETCH = 5000
READING = {"select", "with", "values", "table"}  # what a query may start with
COMMENTS = re.compile(r"\s+|--[^\n]*|/\*.*?\*/|\(", re.S)
# Server errors that mean "this query writes" and "it ran out of time": PostgreSQL SQLSTATEs
# (read-only transaction; statement timeout) and MySQL/MariaDB error numbers (READ ONLY
# transaction; max_statement_time; MySQL's max_execution_time).
WRITES = {"25006", 1792}
TIMEOUTS = {"57014", 1969, 3024}


def _parts(url: str):
    parts = urlsplit(url)
    if parts.scheme not in SCHEMES:
        raise SourceError(
            _("A connection URL starts with %(schemes)s, not “%(scheme)s”.")
            % {"schemes": ", ".join(f"{s}://" for s in SCHEMES), "scheme": parts.scheme}
        )
    if not parts.hostname or not parts.path.strip("/"):
        raise SourceError(_("The connection URL needs a host and a database name."))
    return parts


def _where(parts) -> str:
    return f"{parts.hostname}:{parts.port or ('5432' if SCHEMES[parts.scheme] == 'pg' else '3306')}"


def _connect(url: str, timeout: int):
    """An open read-only connection and its flavour ("pg" or "my")."""
    parts = _parts(url)
    flavour = SCHEMES[parts.scheme]
    database = unquote(parts.path.strip("/"))
    try:
        if flavour == "pg":
            import psycopg

            conn = psycopg.connect(
                host=parts.hostname,
                port=parts.port or 5432,
                dbname=database,
                user=unquote(parts.username or ""),
                password=unquote(parts.password or ""),
                connect_timeout=timeout,
                options=(
                    f"-c default_transaction_read_only=on -c statement_timeout={timeout * 1000}"
                ),
            )
            conn.read_only = True
        else:
            import pymysql

            conn = pymysql.connect(
                host=parts.hostname,
                port=parts.port or 3306,
                database=database,
                user=unquote(parts.username or ""),
                password=unquote(parts.password or ""),
                connect_timeout=timeout,
                read_timeout=max(timeout * 10, 60),
                charset="utf8mb4",
            )
    except Exception as exc:  # each driver has its own errors; all mean "cannot connect"
        raise SourceError(
            _("Cannot connect to the billing database at %(where)s: %(error)s")
            % {"where": _where(parts), "error": _reason(exc, unquote(parts.password or ""))}
        ) from None
    return conn, flavour


def _reason(exc: Exception, secret: str = "") -> str:
    """The server's message, first line; never the password, should a driver echo it."""
    if isinstance(exc, socket.timeout):
        return _("no answer")
    text = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
    if secret:
        text = text.replace(secret, "***")
    return text[:300]


def _code(exc: Exception):
    """The server's error code: MySQL's error number (PyMySQL's first argument; it has a
    SQLSTATE too) or else PostgreSQL's SQLSTATE."""
    args = getattr(exc, "args", ())
    if args and isinstance(args[0], int):
        return args[0]
    return getattr(exc, "sqlstate", None)


def _query_error(kind: str, exc: Exception, timeout: int) -> SourceError:
    code = _code(exc)
    # PostgreSQL's cursor refuses a WITH … DELETE before the read-only transaction can.
    if code in WRITES or (code == "0A000" and "data-modifying" in str(exc)):
        message = _(
            "The query for %(kind)s tries to change the billing's data; a billing source only "
            "reads: %(error)s"
        )
    elif code in TIMEOUTS:
        message = _("The query for %(kind)s ran longer than %(seconds)s s and was stopped.")
    else:
        message = _("The query for %(kind)s failed: %(error)s")
    return SourceError(
        message % {"kind": kind, "error": _reason(exc), "seconds": timeout}, kind=kind
    )


def _first_word(query: str) -> str:
    """The query's first keyword, past comments and opening brackets."""
    position = 0
    while match := COMMENTS.match(query, position):
        position = match.end()
    word = re.match(r"[A-Za-z_]*", query[position:]).group()
    return word.lower()


def sql_check(*, url: str, timeout: int = 10) -> None:
    """Connect and disconnect: SourceError naming the host when it cannot."""
    conn, _flavour = _connect(url, timeout)
    conn.close()


def _cell(value) -> str:
    if value is None:
        return ""
    if value is True:
        return "yes"
    if value is False:
        return "no"
    if isinstance(value, datetime):
        return value.isoformat(sep=" ", timespec="seconds")
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, Decimal):
        return format(value, "f")
    if isinstance(value, float):  # plain digits, never 1e-05
        return format(Decimal(repr(value)), "f")
    if isinstance(value, bytes):
        return value.decode("utf-8", "replace")
    return str(value)


def _checked_header(kind: str, names: list[str], renames: dict[str, str]) -> list[str]:
    header = [n.strip().lower() for n in names]
    canonical = [renames.get(n, n) for n in header]
    missing = [c for c in REQUIRED[kind] if c not in canonical]
    if missing:
        raise SourceError(
            _("The query for %(kind)s returns no column %(columns)s (it needs %(required)s).")
            % {
                "kind": kind,
                "columns": ", ".join(f"«{c}»" for c in missing),
                "required": ", ".join(REQUIRED[kind]),
            },
            kind=kind,
        )
    if kind != "subscribers":  # only subscribers carry extra attributes
        unknown = [n for n, c in zip(header, canonical, strict=True) if c not in COLUMNS[kind]]
        if unknown:
            raise SourceError(
                _(
                    "The query for %(kind)s returns a column %(columns)s that a %(kind)s "
                    "file does not have; its columns are %(known)s."
                )
                % {
                    "kind": kind,
                    "columns": ", ".join(f"«{c}»" for c in unknown),
                    "known": ", ".join(COLUMNS[kind]),
                },
                kind=kind,
            )
    duplicated = sorted({c for c in canonical if canonical.count(c) > 1})
    if duplicated:
        raise SourceError(
            _("The query for %(kind)s returns the column %(columns)s twice.")
            % {"kind": kind, "columns": ", ".join(f"«{c}»" for c in duplicated)},
            kind=kind,
        )
    return header


def _my_read_only(conn, timeout: int, where: str) -> None:
    """A READ ONLY session and transaction, and the statement time limit the server knows."""
    import pymysql

    with conn.cursor() as cursor:
        for limit in (
            f"SET SESSION max_statement_time = {int(timeout)}",  # MariaDB, seconds
            f"SET SESSION max_execution_time = {int(timeout) * 1000}",  # MySQL, milliseconds
        ):
            try:
                cursor.execute(limit)
                break
            except pymysql.err.Error:  # the other server's variable
                continue
        try:
            cursor.execute("SET SESSION TRANSACTION READ ONLY")
            cursor.execute("START TRANSACTION READ ONLY")
        except pymysql.err.Error as exc:
            raise SourceError(
                _("Cannot connect to the billing database at %(where)s: %(error)s")
                % {"where": where, "error": _reason(exc)}
            ) from None


def _rows(conn, flavour: str, kind: str, query: str) -> tuple[list[str], Iterator[tuple]]:
    """The query's column names and its rows, streamed from the server."""
    if flavour == "pg":
        cursor = conn.cursor(name=f"abonent_{kind}")  # a server-side cursor
        cursor.itersize = FETCH
        cursor.execute(query)
        first = cursor.fetchmany(FETCH)  # a named cursor describes itself once fetched
        names = [d.name for d in cursor.description or ()]
    else:
        import pymysql.cursors

        cursor = conn.cursor(pymysql.cursors.SSCursor)
        cursor.execute(query)
        names = [d[0] for d in cursor.description or ()]
        first = cursor.fetchmany(FETCH)

    def stream():
        batch = first
        while batch:
            yield from batch
            batch = cursor.fetchmany(FETCH)
        cursor.close()

    return names, stream()


def sql_export(
    *,
    url: str,
    queries: dict[str, str],
    out_dir: Path,
    timeout: int = 30,
    renames: dict[str, dict[str, str]] | None = None,
) -> dict[str, Path]:
    """Run each saved query (kind → SELECT) in a read-only transaction and write
    out_dir/<kind>.csv in the canonical format; kind → path. renames: a mapping's column names
    per kind (the query may return the billing's own). SourceError, and no file left, when the
    database cannot be reached, a query fails or returns the wrong columns."""
    unknown = [k for k in queries if k not in KINDS]
    if unknown:
        raise SourceError(
            _("Unknown file kind %(kinds)s; the kinds are %(known)s.")
            % {"kinds": ", ".join(unknown), "known": ", ".join(KINDS)}
        )
    if not any((q or "").strip() for q in queries.values()):
        raise SourceError(_("The source has no query to run."))
    for kind, query in queries.items():
        word = _first_word(query or "")
        if (query or "").strip() and word not in READING:
            # PostgreSQL's cursor would call a DELETE a syntax error; say what it is.
            raise SourceError(
                _(
                    "The query for %(kind)s is %(word)s, not a SELECT: a billing source only "
                    "reads the billing's data."
                )
                % {"kind": kind, "word": word.upper() or "?"},
                kind=kind,
            )
    renames = {
        kind: {k.strip().lower(): v for k, v in (names or {}).items()}
        for kind, names in (renames or {}).items()
    }
    out_dir.mkdir(parents=True, exist_ok=True)
    conn, flavour = _connect(url, timeout)
    written: dict[str, Path] = {}
    parts: list[Path] = []
    try:
        if flavour == "my":
            _my_read_only(conn, timeout, _where(_parts(url)))
        for kind in KINDS:
            query = (queries.get(kind) or "").strip().rstrip(";")
            if not query:
                continue
            part = out_dir / f"{kind}.csv.part"
            parts.append(part)
            try:
                names, rows = _rows(conn, flavour, kind, query)
            except Exception as exc:
                raise _query_error(kind, exc, timeout) from None
            header = _checked_header(kind, names, renames.get(kind, {}))
            try:
                with open(part, "w", encoding="utf-8", newline="") as handle:
                    writer = csv.writer(handle)
                    writer.writerow(header)
                    period = header.index("period") if kind == "charges" else None
                    for row in rows:
                        cells = [_cell(v) for v in row]
                        if period is not None and isinstance(row[period], date):
                            cells[period] = row[period].strftime("%Y-%m")
                        writer.writerow(cells)
            except Exception as exc:
                raise _query_error(kind, exc, timeout) from None
            written[kind] = part
        result = {}
        for kind, part in written.items():
            final = part.with_suffix("")  # <kind>.csv
            part.rename(final)
            result[kind] = final
        return result
    except BaseException:
        for part in parts:
            part.unlink(missing_ok=True)
            part.with_suffix("").unlink(missing_ok=True)
        raise
    finally:
        try:
            conn.rollback()
            conn.close()
        except Exception:  # the connection may already be gone
            pass
