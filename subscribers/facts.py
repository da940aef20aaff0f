"""Monthly facts (subscriber × month) and their summaries, kept in step with the ledger.

The import records in `stg_touched` the first month of each subscriber whose facts may have
changed; only those facts are recomputed, set-based, and the summaries are corrected by the
difference between the facts removed and the facts written. docs/metrics.md defines every
column."""

from dataclasses import dataclass
from datetime import date

from core.sql import (
    IndexesDropped,
    analyze,
    bulk_worthwhile,
    by_index,
    create_temp_table,
    execute,
    fetchall,
    greatest,
    is_postgres,
    least,
    month_index,
    month_of,
    row_estimate,
)

from .models import (
    MonthlyFact,
    MonthlySummary,
    Subscriber,
    SubscriberMoney,
    TariffMigrationSummary,
)

FACT = MonthlyFact._meta.db_table
SUMMARY = MonthlySummary._meta.db_table
MIGRATION = TariffMigrationSummary._meta.db_table
SUBSCRIBER = Subscriber._meta.db_table
MONEY = SubscriberMoney._meta.db_table
FAR = date(9999, 12, 1)
# A fact's columns, for the staged copies of a few subscribers' facts (stg_oldfacts: as they
# were; stg_newfacts: as recomputed), which the seeds, the summaries' corrections and the
# profiles then read instead of the fact table again.
FACT_COLUMNS = (
    "subscriber_id bigint, month date, branch_id bigint, tariff_id bigint, "
    "prev_tariff_id bigint, technology text, status text, active_start boolean, "
    "active_end boolean, connected boolean, terminated boolean, charged numeric(14,2), "
    "paid numeric(14,2), balance_end numeric(14,2), days_overdue integer, "
    "tenure_months integer"
)
FACT_NAMES = ", ".join(c.split()[0] for c in FACT_COLUMNS.split(", "))
MONEY_SUMS = ("charged", "paid", "debt")


def add_months(month: date, n: int) -> date:
    index = month.year * 12 + month.month - 1 + n
    return date(index // 12, index % 12 + 1, 1)


@dataclass
class Window:
    start: date  # first month with any ledger row
    end: date  # the data month: last month with any ledger row

    def months(self) -> list[date]:
        out, month = [], self.start
        while month <= self.end:
            out.append(month)
            month = add_months(month, 1)
        return out


def touch_for_window(old: Window | None, new: Window) -> None:
    """A later data month opens new months for every subscriber still served then or with a
    balance left after the termination; an earlier window start reopens everything."""
    if old is None or new.start < old.start:
        # The first ledger (subscribers may have come earlier without one), or an earlier
        # window start: every subscriber's facts from the start.
        execute(
            f"INSERT INTO stg_touched (subscriber_id, from_month) SELECT id, %s FROM {SUBSCRIBER}",
            [date(1, 1, 1)],
        )
    elif new.end > old.end:
        first_new = add_months(old.end, 1)
        execute(
            f"""INSERT INTO stg_touched (subscriber_id, from_month)
                    SELECT s.id, %s FROM {SUBSCRIBER} s
                    LEFT JOIN {MONEY} m ON m.subscriber_id = s.id
                    WHERE s.terminated_on IS NULL OR s.terminated_on >= %s
                       OR m.reported_balance <> 0""",
            [first_new, first_new],
        )


def _months_table(window: Window) -> None:
    create_temp_table(
        "stg_months", "month date, next_month date, idx integer, start_ord integer, end_ord integer"
    )
    rows = []
    for month in window.months():
        nxt = add_months(month, 1)
        rows.append(
            (month, nxt, month.year * 12 + month.month - 1, month.toordinal(), nxt.toordinal())
        )
    with_cursor_executemany(
        "INSERT INTO stg_months (month, next_month, idx, start_ord, end_ord) "
        "VALUES (%s, %s, %s, %s, %s)",
        rows,
    )


def with_cursor_executemany(sql: str, rows: list[tuple]) -> None:
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.executemany(sql, rows)


def facts_refresh(window: Window, *, profiles_after: bool = False) -> dict:
    """Recompute the facts of the touched subscribers from their first touched month and
    correct the summaries by the difference. profiles_after: the profiles of the touched
    subscribers follow (profiles_refresh with staged=True), so their six months' facts are
    kept staged too."""
    _months_table(window)
    create_temp_table("stg_tfrom", "subscriber_id bigint PRIMARY KEY, from_month date")
    count = execute(
        f"""INSERT INTO stg_tfrom (subscriber_id, from_month)
               SELECT subscriber_id, {greatest("MIN(from_month)", "%s")} FROM stg_touched
               GROUP BY subscriber_id HAVING MIN(from_month) <= %s""",
        [window.start, window.end],
    )
    analyze("stg_tfrom")
    # A day's delta touches a few thousand of a million subscribers: their facts and ledger
    # are read by index, subscriber by subscriber (core.sql.by_index).
    few = few_touched(count)
    with by_index(few):
        _after_last_fact()
    analyze("stg_touched", "stg_tfrom", "stg_months")
    touched, from_start = fetchall(
        "SELECT COUNT(*), SUM(CASE WHEN from_month = %s THEN 1 ELSE 0 END) FROM stg_tfrom",
        [window.start],
    )[0]
    if not touched:
        return {"facts_subscribers": 0, "facts_written": 0}
    # The first facts of a base: every subscriber from the window's start, none there before.
    # The ledger and the facts are then read whole, without matching them to stg_tfrom.
    whole = from_start == touched == Subscriber.objects.count() and not MonthlyFact.objects.exists()
    touched_join = (
        ""
        if whole
        else "JOIN stg_tfrom t ON t.subscriber_id = {a}.subscriber_id "
        "WHERE {a}.{month} >= t.from_month"
    )

    # Ledger of the touched months, per subscriber × month.
    create_temp_table(
        "stg_led",
        "subscriber_id bigint, month date, charged numeric(14,2), "
        "paid numeric(14,2), tariff_id bigint",
    )
    # Sorting the ledger into subscriber × month groups is quicker than hashing them once
    # the groups outgrow work_mem (measured: 43 s against 72 s at a million subscribers).
    if is_postgres():
        execute("SET LOCAL enable_hashagg = off")
    with by_index(few):
        _ledger_of_touched(touched_join)
    if is_postgres():
        execute("SET LOCAL enable_hashagg = on")
    analyze("stg_led")

    # Each touched subscriber's range of fact months from its first touched month, with what
    # every one of its facts needs of it: computed once here rather than joined per month.
    # A terminated subscriber's facts go on while a balance is left (docs/metrics.md): a debt
    # stays a debt until paid or written off.
    create_temp_table(
        "stg_frange",
        "subscriber_id bigint PRIMARY KEY, first_m date, last_m date, branch_id bigint, "
        "technology text, current_status text, connected_on date, terminated_on date, "
        "tariff_id bigint, after_all numeric(16,2), conn_idx integer",
    )
    create_temp_table(
        "stg_ledsum",
        "subscriber_id bigint PRIMARY KEY, first_m date, last_m date, net numeric(16,2)",
    )
    execute("""INSERT INTO stg_ledsum
               SELECT subscriber_id, MIN(month), MAX(month), SUM(paid - charged)
               FROM stg_led GROUP BY subscriber_id""")
    analyze("stg_ledsum")
    with by_index(few):
        _frange_of_touched(window)
    analyze("stg_frange")

    # What the facts said before: the previous month (seed of running values), the statuses
    # recorded in past data months, and the sums to take out of the summaries. Unless every
    # fact is new, the touched subscribers' facts from the month before the first touched one
    # (and the profile's six months) are read once into stg_oldfacts.
    staged = not whole
    if staged:
        _old_facts(window, few, profiles_after)
    create_temp_table(
        "stg_seed", "subscriber_id bigint PRIMARY KEY, seed_ord integer, prev_tariff bigint"
    )
    execute(f"""
        INSERT INTO stg_seed
        SELECT f.subscriber_id,
               CASE WHEN f.balance_end >= 0 THEN m.end_ord ELSE m.end_ord - f.days_overdue END,
               f.tariff_id
        FROM {"stg_oldfacts" if staged else FACT} f
        JOIN stg_frange r ON r.subscriber_id = f.subscriber_id
        JOIN stg_months m ON m.month = f.month AND m.next_month = r.first_m""")
    analyze("stg_seed")
    create_temp_table("stg_oldstatus", "subscriber_id bigint, month date, status text")
    removed = 0
    if staged:
        execute(
            """INSERT INTO stg_oldstatus
               SELECT subscriber_id, month, status FROM stg_oldfacts
               WHERE month >= from_month AND month < %s AND status <> 'terminated'""",
            [window.end],
        )
        _aggregate_touched("stg_sum_old", "stg_mig_old", source=OLD_FACTS)
        with by_index(few):
            removed = execute(f"""
                DELETE FROM {FACT} WHERE EXISTS (
                    SELECT 1 FROM stg_tfrom t
                    WHERE t.subscriber_id = {FACT}.subscriber_id
                      AND {FACT}.month >= t.from_month)""")
    else:
        _aggregate_touched("stg_sum_old", "stg_mig_old", source=f"{FACT} f WHERE 1 = 0")

    expected = fetchall("SELECT COUNT(*) FROM stg_led")[0][0]
    bulk = IndexesDropped(FACT, bulk_worthwhile(expected, FACT))
    bulk.__enter__()
    # The balance at the end of M is the reported balance less what came after M: the
    # reported balance less the whole net (after_all) plus the net up to M. Every column a
    # fact needs rides along the one sort that the windows share, so nothing is joined per
    # fact afterwards but what a re-import carries over (stg_seed, stg_oldstatus).
    upto = (
        "PARTITION BY subscriber_id ORDER BY month ROWS BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW"
    )
    if staged:
        create_temp_table("stg_newfacts", FACT_COLUMNS)
    written = execute(
        f"""
        INSERT INTO {"stg_newfacts" if staged else FACT} ({FACT_NAMES})
        WITH base AS (
            SELECT r.subscriber_id, m.month, m.next_month, m.idx, m.end_ord, fm.start_ord,
                   r.branch_id, r.technology, r.current_status, r.connected_on,
                   r.terminated_on, r.conn_idx, r.after_all,
                   COALESCE(l.charged, 0) AS charged, COALESCE(l.paid, 0) AS paid,
                   COALESCE(l.tariff_id, r.tariff_id) AS tariff_id
            FROM stg_frange r
            JOIN stg_months fm ON fm.month = r.first_m
            JOIN stg_months m ON m.month >= r.first_m AND m.month <= r.last_m
            LEFT JOIN stg_led l ON l.subscriber_id = r.subscriber_id AND l.month = m.month
        ), balanced AS (
            SELECT base.*,
                   ROUND(after_all + SUM(paid - charged) OVER ({upto}), 2) AS balance_end,
                   LAG(tariff_id) OVER ({upto}) AS lag_tariff
            FROM base
        ), runs AS (
            SELECT balanced.*,
                   MAX(CASE WHEN balance_end >= 0 THEN end_ord END) OVER ({upto}) AS last_ok
            FROM balanced
        )
        SELECT x.subscriber_id, x.month, x.branch_id, x.tariff_id,
               COALESCE(x.lag_tariff, sd.prev_tariff), x.technology,
               CASE WHEN x.terminated_on < x.next_month THEN 'terminated'
                    WHEN x.month = %s THEN x.current_status
                    ELSE COALESCE(os.status, 'active') END,
               x.connected_on < x.month
                   AND (x.terminated_on IS NULL OR x.terminated_on >= x.month),
               x.connected_on < x.next_month
                   AND (x.terminated_on IS NULL OR x.terminated_on >= x.next_month),
               x.connected_on >= x.month AND x.connected_on < x.next_month,
               x.terminated_on IS NOT NULL AND x.terminated_on >= x.month
                   AND x.terminated_on < x.next_month,
               x.charged, x.paid, x.balance_end,
               CASE WHEN x.balance_end < 0
                    THEN x.end_ord - COALESCE(x.last_ok, sd.seed_ord, x.start_ord)
                    ELSE 0 END,
               {greatest("x.idx - x.conn_idx", "0")}
        FROM runs x
        LEFT JOIN stg_seed sd ON sd.subscriber_id = x.subscriber_id
        LEFT JOIN stg_oldstatus os ON os.subscriber_id = x.subscriber_id AND os.month = x.month
    """,
        [window.end],
    )
    if staged:
        analyze("stg_newfacts")
        execute(f"""INSERT INTO {FACT} ({FACT_NAMES})
                    SELECT {FACT_NAMES} FROM stg_newfacts ORDER BY subscriber_id, month""")
    bulk.__exit__(None, None, None)
    _aggregate_touched(
        "stg_sum_new", "stg_mig_new", source="stg_newfacts f WHERE 1 = 1" if staged else None
    )
    _apply_summary_delta()
    return {
        "facts_subscribers": touched,
        "facts_removed": removed,
        "facts_written": written,
        "staged": staged and profiles_after,  # profiles_refresh(staged=…)
    }


OLD_FACTS = "stg_oldfacts f WHERE f.month >= f.from_month"  # the facts to be recomputed


def _old_facts(window: Window, few: bool, profiles_after: bool) -> None:
    """The touched subscribers' facts from the month before their first touched month (the
    seed), and from the profile's first month when the profiles follow, with that first
    touched month beside each."""
    create_temp_table("stg_oldfacts", f"{FACT_COLUMNS}, from_month date")
    first = add_months(window.end, 1 - PROFILE_MONTHS) if profiles_after else FAR
    names = ", ".join(f"f.{n}" for n in FACT_NAMES.split(", "))
    create_temp_table("stg_readfrom", "subscriber_id bigint PRIMARY KEY, read_from date")
    execute(
        f"""INSERT INTO stg_readfrom
            SELECT t.subscriber_id, {least("COALESCE(pm.month, t.from_month)", "%s")}
            FROM stg_tfrom t LEFT JOIN stg_months pm ON pm.next_month = t.from_month""",
        [first],
    )
    analyze("stg_readfrom")
    # The earliest month as a constant too: many subscribers touched from one month (a new
    # month) then read that month on through the facts' month index.
    earliest = fetchall("SELECT MIN(read_from) FROM stg_readfrom")[0][0]
    with by_index(few):
        execute(
            f"""
            INSERT INTO stg_oldfacts
            SELECT {names}, t.from_month FROM stg_readfrom r
            JOIN stg_tfrom t ON t.subscriber_id = r.subscriber_id
            JOIN {FACT} f ON f.subscriber_id = r.subscriber_id
            WHERE f.month >= r.read_from AND f.month >= %s""",
            [earliest],
        )
    analyze("stg_oldfacts")


def _frange_of_touched(window: Window) -> None:
    """Into stg_frange: each touched subscriber's fact months and what its facts need of it."""
    conn_month = month_of("s.connected_on")
    term_month = month_of("s.terminated_on")
    execute(
        f"""
        INSERT INTO stg_frange
        SELECT t.subscriber_id,
               {
            greatest("t.from_month", least(greatest(conn_month, "%s"), "COALESCE(l.first_m, %s)"))
        },
               {
            least(
                "%s",
                greatest(
                    "CASE WHEN s.terminated_on IS NULL OR COALESCE(mo.reported_balance, 0) <> 0 "
                    "THEN %s "
                    f"ELSE {term_month} END",
                    "COALESCE(l.last_m, %s)",
                ),
            )
        },
               s.branch_id, s.technology, s.status, s.connected_on, s.terminated_on,
               s.tariff_id, COALESCE(mo.reported_balance, 0) - COALESCE(l.net, 0),
               {month_index("s.connected_on")}
        FROM stg_tfrom t
        JOIN {SUBSCRIBER} s ON s.id = t.subscriber_id
        LEFT JOIN {MONEY} mo ON mo.subscriber_id = t.subscriber_id
        LEFT JOIN stg_ledsum l ON l.subscriber_id = t.subscriber_id
    """,
        [window.start, FAR, window.end, window.end, date(1, 1, 1)],
    )


def _profiles_of(facts: str, first: date, last: date) -> None:
    execute(
        f"""
        INSERT INTO stg_profile (subscriber_id, arpu, debt_months)
        SELECT f.subscriber_id,
               ROUND(AVG(CASE WHEN f.charged > 0 THEN f.charged END), 2),
               SUM(CASE WHEN f.balance_end < 0 THEN 1 ELSE 0 END)
        FROM {facts}
        WHERE f.month >= %s AND f.month <= %s
        GROUP BY f.subscriber_id""",
        [first, last],
    )


def _ledger_of_touched(touched_join: str) -> None:
    """The ledger of the touched months, per subscriber × month, into stg_led. A payment's key
    begins (subscriber, paid_at): on PostgreSQL a bound on paid_at a day before the month (the
    local month starts later than that in UTC wherever the branch is) lets the key's index
    skip the subscriber's earlier payments instead of reading each of them."""
    paid_from = " AND p.paid_at >= t.from_month - 1" if touched_join and is_postgres() else ""
    execute(f"""
        INSERT INTO stg_led
        SELECT subscriber_id, month, SUM(charged), SUM(paid), MAX(tariff_id) FROM (
            SELECT c.subscriber_id, c.period AS month, c.amount AS charged, 0 AS paid,
                   c.tariff_id
            FROM subscribers_charge c {touched_join.format(a="c", month="period")}
            UNION ALL
            SELECT p.subscriber_id, p.month, 0, p.amount, NULL
            FROM subscribers_payment p {touched_join.format(a="p", month="month")}{paid_from}) l
        GROUP BY subscriber_id, month""")


def _after_last_fact() -> None:
    """Facts are contiguous: a change past a subscriber's last fact (a payment long after the
    termination) recomputes from the month after that fact, so no month is left out. Only a
    terminated subscriber's facts can end before the data month."""
    execute(f"""
        UPDATE stg_tfrom SET from_month = x.next_month
        FROM (SELECT l.subscriber_id, m.next_month
              FROM (SELECT f.subscriber_id, MAX(f.month) AS last_month FROM {FACT} f
                    JOIN stg_tfrom t ON t.subscriber_id = f.subscriber_id
                    JOIN {SUBSCRIBER} s ON s.id = t.subscriber_id
                    WHERE s.terminated_on IS NOT NULL
                    GROUP BY f.subscriber_id) l
              JOIN stg_months m ON m.month = l.last_month) x
        WHERE x.subscriber_id = stg_tfrom.subscriber_id AND stg_tfrom.from_month > x.next_month
    """)


def few_touched(count: int) -> bool:
    """So few subscribers touched that reading theirs by index beats reading everything."""
    return is_postgres() and count * 20 < row_estimate(SUBSCRIBER)


PROFILE_MONTHS = 6  # the subscriber's profile looks at the last six months up to the data month


def profiles_refresh(
    window: Window, *, everyone: bool, bulk: bool | None = None, staged: bool = False
) -> dict:
    """Each subscriber's ARPU (the mean of the positive monthly charges of the last six months
    up to the data month; empty where none was charged) and months in debt (how many of those
    months' facts ended with balance_end < 0), written to the subscriber's money row for fast
    filters.

    Only the facts of those six months are read. everyone: the data month moved, so every
    subscriber's six months did; otherwise only the subscribers whose facts were recomputed
    (stg_tfrom) can change, and staged: their facts are read from what facts_refresh staged
    (profiles_after) rather than from the fact table. Only the rows whose values changed are
    written; when they are many (the first import, a new month) the money table's indexes are
    dropped meanwhile and built again, which is quicker than updating them row by row (bulk:
    force)."""
    first = add_months(window.end, 1 - PROFILE_MONTHS)
    create_temp_table(
        "stg_profile", "subscriber_id bigint PRIMARY KEY, arpu numeric(14,2), debt_months integer"
    )
    few = not everyone and few_touched(fetchall("SELECT COUNT(*) FROM stg_tfrom")[0][0])
    if staged and not everyone:
        _profiles_of(
            """(SELECT subscriber_id, month, charged, balance_end FROM stg_oldfacts
                 WHERE month < from_month
                 UNION ALL SELECT subscriber_id, month, charged, balance_end
                 FROM stg_newfacts) f""",
            first,
            window.end,
        )
    else:
        candidates = "" if everyone else "JOIN stg_tfrom t ON t.subscriber_id = f.subscriber_id"
        with by_index(few):
            _profiles_of(f"{FACT} f {candidates}", first, window.end)
    analyze("stg_profile")
    # The changed values; a subscriber with no fact in the six months (terminated earlier) has
    # no ARPU and no month in debt. -1 stands for "no ARPU": an ARPU is never negative.
    create_temp_table(
        "stg_profile_new",
        "subscriber_id bigint PRIMARY KEY, arpu numeric(14,2), debt_months integer",
    )
    among = "" if everyone else "JOIN stg_tfrom t ON t.subscriber_id = s.subscriber_id"
    with by_index(few):
        changed = execute(f"""
            INSERT INTO stg_profile_new (subscriber_id, arpu, debt_months)
            SELECT s.subscriber_id, p.arpu, COALESCE(p.debt_months, 0)
            FROM {MONEY} s {among}
            LEFT JOIN stg_profile p ON p.subscriber_id = s.subscriber_id
            WHERE COALESCE(s.arpu, -1) <> COALESCE(p.arpu, -1)
               OR s.debt_months <> COALESCE(p.debt_months, 0)""")
    if changed:
        analyze("stg_profile_new")
        many = bulk_worthwhile(changed, MONEY) if bulk is None else bulk
        with IndexesDropped(MONEY, many, keep_primary=True), by_index(few):
            execute(f"""
                UPDATE {MONEY} SET arpu = p.arpu, debt_months = p.debt_months
                FROM stg_profile_new p WHERE p.subscriber_id = {MONEY}.subscriber_id""")
        # The ARPU and debt filters choose their index by these columns' statistics: renew them
        # when a tenth of the base changed (autovacuum would, but later, if it runs at all).
        if changed * 10 >= row_estimate(MONEY):
            analyze(MONEY)
    return {"profiles_changed": changed}


def _aggregate_touched(summary_table: str, migration_table: str, source: str | None) -> None:
    """Sums of the touched subscribers' facts: those of `source` ("table f WHERE …"), or every
    fact there is (None, a first load)."""
    source = source or f"{FACT} f WHERE 1 = 1"
    create_temp_table(
        summary_table,
        "month date, branch_id bigint, technology text, "
        "tariff_id bigint, subscribers integer, active_start integer,"
        " active_end integer, connected integer, terminated integer,"
        " charged numeric(16,2), paid numeric(16,2), debtors integer,"
        " debt numeric(16,2)",
    )
    execute(f"""
        INSERT INTO {summary_table}
        SELECT f.month, f.branch_id, f.technology, COALESCE(f.tariff_id, 0), COUNT(*),
               SUM(CASE WHEN f.active_start THEN 1 ELSE 0 END),
               SUM(CASE WHEN f.active_end THEN 1 ELSE 0 END),
               SUM(CASE WHEN f.connected THEN 1 ELSE 0 END),
               SUM(CASE WHEN f.terminated THEN 1 ELSE 0 END),
               SUM(f.charged), SUM(f.paid),
               SUM(CASE WHEN f.balance_end < 0 THEN 1 ELSE 0 END),
               SUM(CASE WHEN f.balance_end < 0 THEN -f.balance_end ELSE 0 END)
        FROM {source}
        GROUP BY f.month, f.branch_id, f.technology, COALESCE(f.tariff_id, 0)""")
    create_temp_table(
        migration_table,
        "month date, branch_id bigint, from_tariff_id bigint, "
        "to_tariff_id bigint, subscribers integer",
    )
    execute(f"""
        INSERT INTO {migration_table}
        SELECT f.month, f.branch_id, f.prev_tariff_id, f.tariff_id, COUNT(*)
        FROM {source} AND f.prev_tariff_id IS NOT NULL
          AND f.tariff_id IS NOT NULL AND f.prev_tariff_id <> f.tariff_id
        GROUP BY f.month, f.branch_id, f.prev_tariff_id, f.tariff_id""")


def _apply_summary_delta() -> None:
    """summary := summary − old + new, for the keys the touched facts had or have."""
    keys = "month, branch_id, technology, tariff_id"
    sums = (
        "subscribers",
        "active_start",
        "active_end",
        "connected",
        "terminated",
        "charged",
        "paid",
        "debtors",
        "debt",
    )
    create_temp_table(
        "stg_sum_keys", "month date, branch_id bigint, technology text, tariff_id bigint"
    )
    execute(
        f"INSERT INTO stg_sum_keys SELECT DISTINCT {keys} FROM "
        f"(SELECT {keys} FROM stg_sum_old UNION ALL SELECT {keys} FROM stg_sum_new) k"
    )
    total = ", ".join(f"SUM({c})" for c in sums)
    negated = ", ".join(f"-{c}" for c in sums)
    plain = ", ".join(sums)
    create_temp_table(
        "stg_sum_result",
        "month date, branch_id bigint, technology text, "
        "tariff_id bigint, subscribers integer, "
        "active_start integer, active_end integer, "
        "connected integer, terminated integer, "
        "charged numeric(16,2), paid numeric(16,2), "
        "debtors integer, debt numeric(16,2)",
    )
    execute(f"""
        INSERT INTO stg_sum_result
        SELECT {keys}, {total} FROM (
            SELECT s.month, s.branch_id, s.technology, COALESCE(s.tariff_id, 0) AS tariff_id,
                   {", ".join("s." + c for c in sums)}
            FROM {SUMMARY} s JOIN stg_sum_keys k ON k.month = s.month
                 AND k.branch_id = s.branch_id AND k.technology = s.technology
                 AND k.tariff_id = COALESCE(s.tariff_id, 0)
            UNION ALL SELECT {keys}, {negated} FROM stg_sum_old
            UNION ALL SELECT {keys}, {plain} FROM stg_sum_new) d
        GROUP BY {keys}""")
    execute(f"""
        DELETE FROM {SUMMARY} WHERE EXISTS (
            SELECT 1 FROM stg_sum_keys k WHERE k.month = {SUMMARY}.month
               AND k.branch_id = {SUMMARY}.branch_id AND k.technology = {SUMMARY}.technology
               AND k.tariff_id = COALESCE({SUMMARY}.tariff_id, 0))""")
    # Money is rounded to kopecks: SQLite sums it as floating point.
    rounded = ", ".join(f"ROUND({c}, 2)" if c in MONEY_SUMS else c for c in sums)
    execute(f"""
        INSERT INTO {SUMMARY} (month, branch_id, technology, tariff_id, {plain})
        SELECT month, branch_id, technology, NULLIF(tariff_id, 0),
               {rounded}
        FROM stg_sum_result WHERE subscribers <> 0""")

    mkeys = "month, branch_id, from_tariff_id, to_tariff_id"
    create_temp_table(
        "stg_mig_result",
        "month date, branch_id bigint, from_tariff_id bigint, "
        "to_tariff_id bigint, subscribers integer",
    )
    execute(f"""
        INSERT INTO stg_mig_result
        SELECT {mkeys}, SUM(subscribers) FROM (
            SELECT m.month, m.branch_id, m.from_tariff_id, m.to_tariff_id, m.subscribers
            FROM {MIGRATION} m WHERE EXISTS (
                SELECT 1 FROM (SELECT {mkeys} FROM stg_mig_old
                               UNION SELECT {mkeys} FROM stg_mig_new) k
                WHERE k.month = m.month AND k.branch_id = m.branch_id
                  AND k.from_tariff_id = m.from_tariff_id AND k.to_tariff_id = m.to_tariff_id)
            UNION ALL SELECT {mkeys}, -subscribers FROM stg_mig_old
            UNION ALL SELECT {mkeys}, subscribers FROM stg_mig_new) d
        GROUP BY {mkeys}""")
    execute(f"""
        DELETE FROM {MIGRATION} WHERE EXISTS (
            SELECT 1 FROM stg_mig_result k WHERE k.month = {MIGRATION}.month
               AND k.branch_id = {MIGRATION}.branch_id
               AND k.from_tariff_id = {MIGRATION}.from_tariff_id
               AND k.to_tariff_id = {MIGRATION}.to_tariff_id)""")
    execute(f"""
        INSERT INTO {MIGRATION} ({mkeys}, subscribers)
        SELECT {mkeys}, subscribers FROM stg_mig_result WHERE subscribers <> 0""")
