"""Set-based SQL that moves staged rows into the real tables and records what changed.

Every statement runs on SQLite and PostgreSQL (core.sql hides the few differences). What a
merge changes is written to `stg_touched` (subscriber, first month whose facts must be
recomputed), which subscribers.facts reads afterwards."""

from datetime import date

from django.utils.translation import gettext as _

from core.models import Branch
from core.sql import (
    IndexesDropped,
    analyze,
    bulk_worthwhile,
    by_index,
    create_temp_table,
    execute,
    fetchall,
    is_postgres,
    json_cast,
    month_of,
)

from ..facts import few_touched
from ..models import (
    Building,
    Charge,
    City,
    ExtraAttribute,
    Payment,
    Service,
    StatusEvent,
    Street,
    Subscriber,
    SubscriberMoney,
    Tariff,
)
from .columns import flag_columns
from .errors import ErrorList

BRANCH = Branch._meta.db_table
CITY = City._meta.db_table
STREET = Street._meta.db_table
BUILDING = Building._meta.db_table
TARIFF = Tariff._meta.db_table
SUBSCRIBER = Subscriber._meta.db_table
MONEY = SubscriberMoney._meta.db_table
EVENT = StatusEvent._meta.db_table
CHARGE = Charge._meta.db_table
PAYMENT = Payment._meta.db_table
SERVICE = Service._meta.db_table
ALL_MONTHS = date(1, 1, 1)  # "from the first month": every fact of the subscriber


def _t(kind: str) -> str:
    return {"ts": "TIMESTAMPTZ" if is_postgres() else "TEXT"}.get(kind, kind)


def create_staging() -> None:
    flags = "".join(f", {name} boolean" for name in flag_columns())
    create_temp_table(
        "stg_branch", "src integer, line integer, name text, time_zone text, currency text"
    )
    create_temp_table(
        "stg_building",
        "src integer, line integer, branch text, city text, "
        "street text, house text, flats integer, technology text, "
        "ports integer, coverage_since date",
    )
    create_temp_table(
        "stg_subscriber",
        "src integer, line integer, account text, kind text, full_name text, phone text, "
        "phone2 text, email text, branch text, city text, street text, house text, flat text, "
        "technology text, tariff text, monthly_fee numeric(14,2), status text, "
        "connected_on date, terminated_on date, balance numeric(14,2), birth_date date, "
        f"extra text{flags}",
    )
    create_temp_table(
        "stg_charge",
        "src integer, line integer, subscriber_id bigint, "
        "period date, service text, tariff text, "
        "amount numeric(14,2), flags integer",
    )
    create_temp_table(
        "stg_payment",
        f"src integer, line integer, subscriber_id bigint, "
        f"paid_at {_t('ts')}, month date, amount numeric(14,2), "
        f"method text, flags integer",
    )
    create_temp_table("stg_touched", "subscriber_id bigint, from_month date")
    # What the import changes of each subscriber's ledger: payments less charges.
    create_temp_table("stg_net", "subscriber_id bigint, net numeric(16,2)")


def _duplicates(errors: ErrorList, sources: list[str], sql: str, column: str, message: str) -> None:
    for src, line, value, first in fetchall(sql):
        errors.add(sources[src], line, column, value, message % {"line": first})


# -- branches and addresses ---------------------------------------------------------------------
def merge_branches(errors: ErrorList, sources: list[str]) -> None:
    _duplicates(
        errors,
        sources,
        """SELECT src, line, name, first FROM (
               SELECT src, line, name, ROW_NUMBER() OVER (PARTITION BY name ORDER BY src, line)
                      AS n, MIN(line) OVER (PARTITION BY name) AS first FROM stg_branch) d
           WHERE n > 1""",
        "name",
        _("duplicate branch (first on line %(line)s)"),
    )
    # Stored payments were placed in months by the branch's zone; another zone now would
    # place the same local times elsewhere and make every one of them new.
    for src, line, zone, old in fetchall(f"""
            SELECT s.src, s.line, s.time_zone, b.time_zone FROM stg_branch s
            JOIN {BRANCH} b ON b.name = s.name
            WHERE s.time_zone IS NOT NULL AND s.time_zone <> b.time_zone
              AND EXISTS (SELECT 1 FROM {SUBSCRIBER} sub JOIN {PAYMENT} p
                          ON p.subscriber_id = sub.id WHERE sub.branch_id = b.id)"""):
        errors.add(
            sources[src],
            line,
            "time_zone",
            zone,
            _(
                "the branch's payments were imported in the time zone %(zone)s; "
                "it cannot be changed by an import"
            )
            % {"zone": old},
        )
    execute(f"""INSERT INTO {BRANCH} (name, time_zone, currency)
                SELECT name, COALESCE(MAX(time_zone), 'Europe/Moscow'),
                       COALESCE(MAX(currency), 'RUB')
                FROM stg_branch WHERE 1 = 1 GROUP BY name
                ON CONFLICT (name) DO NOTHING""")
    execute(f"""UPDATE {BRANCH} SET time_zone = COALESCE(s.time_zone, {BRANCH}.time_zone),
                                    currency = COALESCE(s.currency, {BRANCH}.currency)
                FROM stg_branch s WHERE s.name = {BRANCH}.name
                  AND (s.time_zone IS NOT NULL AND s.time_zone <> {BRANCH}.time_zone
                       OR s.currency IS NOT NULL AND s.currency <> {BRANCH}.currency)""")


def merge_addresses(errors: ErrorList, sources: list[str]) -> None:
    """Branches, cities, streets and buildings named by the staged buildings and subscribers;
    fills stg_address with each address's building id."""
    _duplicates(
        errors,
        sources,
        """SELECT src, line, house, first FROM (
               SELECT src, line, house, ROW_NUMBER() OVER w AS n, MIN(line) OVER w AS first
               FROM stg_building WINDOW w AS (PARTITION BY branch, city, street, house)) d
           WHERE n > 1""",
        "house",
        _("duplicate building (first on line %(line)s)"),
    )
    execute(f"""INSERT INTO {BRANCH} (name, time_zone, currency)
                SELECT DISTINCT branch, 'Europe/Moscow', 'RUB' FROM (
                    SELECT branch FROM stg_subscriber UNION SELECT branch FROM stg_building) b
                WHERE 1 = 1
                ON CONFLICT (name) DO NOTHING""")
    create_temp_table(
        "stg_address",
        "branch text, city text, street text, house text, technology text, flats integer, "
        "ports integer, coverage_since date, described integer, branch_id bigint, "
        "city_id bigint, street_id bigint, building_id bigint",
    )
    execute("""INSERT INTO stg_address (branch, city, street, house, technology, flats, ports,
                                        coverage_since, described)
               SELECT branch, city, street, house, MAX(technology), MAX(flats), MAX(ports),
                      MAX(coverage_since), MAX(described)
               FROM (SELECT branch, city, street, house, NULLIF(technology, '') AS technology,
                            flats, ports, coverage_since, 1 AS described FROM stg_building
                     UNION ALL
                     SELECT branch, city, street, house, NULLIF(technology, ''), NULL, NULL,
                            NULL, 0 FROM stg_subscriber) a
               GROUP BY branch, city, street, house""")
    analyze("stg_address")
    execute(f"""UPDATE stg_address SET branch_id = b.id FROM {BRANCH} b
                WHERE b.name = stg_address.branch""")
    execute(f"""INSERT INTO {CITY} (branch_id, name)
                SELECT DISTINCT branch_id, city FROM stg_address WHERE 1 = 1
                ON CONFLICT (branch_id, name) DO NOTHING""")
    execute(f"""UPDATE stg_address SET city_id = c.id FROM {CITY} c
                WHERE c.branch_id = stg_address.branch_id AND c.name = stg_address.city""")
    execute(f"""INSERT INTO {STREET} (city_id, name)
                SELECT DISTINCT city_id, street FROM stg_address WHERE 1 = 1
                ON CONFLICT (city_id, name) DO NOTHING""")
    execute(f"""UPDATE stg_address SET street_id = s.id FROM {STREET} s
                WHERE s.city_id = stg_address.city_id AND s.name = stg_address.street""")
    execute(f"""INSERT INTO {BUILDING} (street_id, house, flats, technology, ports,
                                        coverage_since)
                SELECT street_id, house, COALESCE(flats, 0), COALESCE(technology, ''),
                       COALESCE(ports, 0), coverage_since
                FROM stg_address WHERE 1 = 1
                ON CONFLICT (street_id, house) DO NOTHING""")
    execute(f"""UPDATE stg_address SET building_id = b.id FROM {BUILDING} b
                WHERE b.street_id = stg_address.street_id AND b.house = stg_address.house""")
    # A buildings file describes the building; subscribers only fill a missing technology.
    execute(f"""UPDATE {BUILDING} SET flats = COALESCE(a.flats, 0),
                                      technology = COALESCE(a.technology, ''),
                                      ports = COALESCE(a.ports, 0),
                                      coverage_since = a.coverage_since
                FROM stg_address a WHERE a.building_id = {BUILDING}.id AND a.described = 1
                  AND (COALESCE(a.flats, 0) <> {BUILDING}.flats
                       OR COALESCE(a.technology, '') <> {BUILDING}.technology
                       OR COALESCE(a.ports, 0) <> {BUILDING}.ports
                       OR a.coverage_since IS DISTINCT FROM {BUILDING}.coverage_since)""")
    execute(f"""UPDATE {BUILDING} SET technology = a.technology
                FROM stg_address a WHERE a.building_id = {BUILDING}.id AND a.described = 0
                  AND {BUILDING}.technology = '' AND a.technology IS NOT NULL""")


def merge_tariffs() -> None:
    execute(f"""INSERT INTO {TARIFF} (name, monthly_fee, technology)
                SELECT tariff, COALESCE(MAX(monthly_fee), 0), COALESCE(MAX(technology), '')
                FROM stg_subscriber WHERE 1 = 1 GROUP BY tariff
                ON CONFLICT (name) DO NOTHING""")
    execute(f"""UPDATE {TARIFF} SET monthly_fee = f.fee
                FROM (SELECT tariff, MAX(monthly_fee) AS fee FROM stg_subscriber
                      WHERE monthly_fee IS NOT NULL GROUP BY tariff) f
                WHERE f.tariff = {TARIFF}.name AND f.fee <> {TARIFF}.monthly_fee""")


def save_extra_attributes(types: dict[str, str]) -> None:
    """New extra columns, and a stored one whose type widened; an unchanged one is not saved
    again (every save is a history row)."""
    stored = {a.key: a for a in ExtraAttribute.objects.filter(key__in=[k[:64] for k in types])}
    for key, kind in types.items():
        attribute = stored.get(key[:64])
        if attribute is None:
            ExtraAttribute.objects.create(
                key=key[:64], value_type=kind, label=key.replace("_", " ")[:120]
            )
        elif attribute.value_type != kind:
            attribute.value_type = kind
            attribute.save(update_fields=["value_type"])


# -- subscribers --------------------------------------------------------------------------------
SUB_COLUMNS = (
    "kind",
    "full_name",
    "phone",
    "phone2",
    "email",
    "branch_id",
    "building_id",
    "city_id",  # the building's, kept beside it for the city filter
    "flat",
    "technology",
    "tariff_id",
    "status",
    "connected_on",
    "terminated_on",
    "birth_date",
    "extra",
)


def merge_subscribers(batch_id: int | None, *, today: date, data_month: date | None) -> dict:
    """Insert new subscribers, update changed ones, write their status events and mark the
    months whose facts change. data_month: the data month before this import."""
    create_temp_table(
        "stg_sub",
        "account text, kind text, full_name text, phone text, phone2 text, email text, "
        "branch_id bigint, building_id bigint, city_id bigint, flat text, technology text, "
        "tariff_id bigint, status text, connected_on date, terminated_on date, "
        "reported_balance numeric(14,2), birth_date date, extra text, id bigint, "
        "old_status text, "
        "old_tariff_id bigint, old_connected_on date, "
        "old_terminated_on date, old_branch_id bigint, old_technology text, changed integer, "
        "old_balance numeric(14,2)",
    )
    cmp = " OR ".join(
        f"st.{c} IS DISTINCT FROM s.{c}"
        for c in SUB_COLUMNS
        if c not in ("extra", "branch_id", "building_id", "city_id", "tariff_id")
    )
    extra_cmp = (
        f"{json_cast('st.extra')} IS DISTINCT FROM s.extra"
        if is_postgres()
        else "st.extra IS DISTINCT FROM s.extra"
    )
    execute(f"""
        INSERT INTO stg_sub
        SELECT st.account, st.kind, st.full_name, st.phone, st.phone2, st.email, b.id,
               a.building_id, a.city_id, st.flat, st.technology, t.id, st.status, st.connected_on,
               st.terminated_on, st.balance, st.birth_date, st.extra, s.id, s.status,
               s.tariff_id,
               s.connected_on, s.terminated_on, s.branch_id, s.technology,
               CASE WHEN s.id IS NULL THEN NULL
                    WHEN {cmp.replace("st.", "X.").replace("X.", "st.")}
                      OR b.id IS DISTINCT FROM s.branch_id
                      OR a.building_id IS DISTINCT FROM s.building_id
                      OR t.id IS DISTINCT FROM s.tariff_id
                      OR {extra_cmp} THEN 1 ELSE 0 END,
               m.reported_balance
        FROM stg_subscriber st
        JOIN {BRANCH} b ON b.name = st.branch
        JOIN stg_address a ON a.branch = st.branch AND a.city = st.city AND a.street = st.street
                          AND a.house = st.house
        JOIN {TARIFF} t ON t.name = st.tariff
        LEFT JOIN {SUBSCRIBER} s ON s.account = st.account
        LEFT JOIN {MONEY} m ON m.subscriber_id = s.id""")
    analyze("stg_sub")
    stats = {}
    # Status events for subscribers already known.
    stats["events"] = execute(
        f"""
        INSERT INTO {EVENT} (subscriber_id, kind, happened_on, reason, old_tariff_id,
                             new_tariff_id, batch_id)
        SELECT id, CASE WHEN status = 'terminated' THEN 'terminated'
                        WHEN old_status = 'terminated' THEN 'connected'
                        WHEN status = 'suspended' THEN 'suspended'
                        ELSE 'resumed' END,
               CASE WHEN status = 'terminated' THEN terminated_on ELSE %s END,
               '', NULL, NULL, %s
        FROM stg_sub WHERE changed = 1 AND status <> old_status""",
        [today, batch_id],
    )
    stats["events"] += execute(
        f"""
        INSERT INTO {EVENT} (subscriber_id, kind, happened_on, reason, old_tariff_id,
                             new_tariff_id, batch_id)
        SELECT id, 'tariff_changed', %s, '', old_tariff_id, tariff_id, %s
        FROM stg_sub WHERE changed = 1 AND tariff_id <> old_tariff_id""",
        [today, batch_id],
    )
    # Months whose facts change: everything when the branch, technology or current tariff
    # changes (facts carry them); from the earlier connection/termination month when those
    # dates move; the data month when only the status changes.
    far = date(9999, 12, 1)
    execute(
        f"""
        INSERT INTO stg_touched (subscriber_id, from_month)
        SELECT id, CASE
            WHEN branch_id <> old_branch_id OR technology <> old_technology
                 OR tariff_id <> old_tariff_id THEN %s
            ELSE {
            month_of('''(CASE WHEN connected_on <> old_connected_on
                                    THEN (CASE WHEN connected_on < old_connected_on
                                               THEN connected_on ELSE old_connected_on END)
                                    ELSE %s END)''')
        } END
        FROM stg_sub WHERE changed = 1""",
        [ALL_MONTHS, far],
    )
    execute(f"""
        INSERT INTO stg_touched (subscriber_id, from_month)
        SELECT id, {
        month_of('''(CASE WHEN terminated_on IS NULL THEN old_terminated_on
                                     WHEN old_terminated_on IS NULL THEN terminated_on
                                     WHEN terminated_on < old_terminated_on THEN terminated_on
                                     ELSE old_terminated_on END)''')
    }
        FROM stg_sub WHERE changed = 1
          AND terminated_on IS DISTINCT FROM old_terminated_on""")
    if data_month is not None:
        execute(
            """INSERT INTO stg_touched (subscriber_id, from_month)
                   SELECT id, %s FROM stg_sub WHERE changed = 1 AND status <> old_status""",
            [data_month],
        )
    columns = ", ".join(SUB_COLUMNS)
    sets = ", ".join(
        f"{c} = {json_cast('u.extra') if c == 'extra' else 'u.' + c}" for c in SUB_COLUMNS
    )
    execute(
        f"""
        UPDATE {SUBSCRIBER} SET {sets}, updated_at = %s
        FROM stg_sub u WHERE u.id = {SUBSCRIBER}.id AND u.changed = 1""",
        [_now()],
    )
    stats["subscribers_updated"] = fetchall(
        """SELECT COUNT(*) FROM stg_sub
           WHERE changed = 1 OR changed = 0 AND reported_balance <> old_balance"""
    )[0][0]
    select = ", ".join(json_cast(c) if c == "extra" else c for c in SUB_COLUMNS)
    new_rows = fetchall("SELECT COUNT(*) FROM stg_sub WHERE id IS NULL")[0][0]
    bulk = bulk_worthwhile(new_rows, SUBSCRIBER)
    with IndexesDropped(SUBSCRIBER, bulk, keep_primary=True):
        stats["subscribers_created"] = execute(
            f"""
            INSERT INTO {SUBSCRIBER} (account, {columns}, updated_at)
            SELECT account, {select}, %s FROM stg_sub WHERE id IS NULL""",
            [_now()],
        )
    if stats["subscribers_created"]:
        execute(f"""UPDATE stg_sub SET id = s.id FROM {SUBSCRIBER} s
                    WHERE stg_sub.id IS NULL AND s.account = stg_sub.account""")
        with IndexesDropped(EVENT, bulk, keep_primary=True):
            _insert_first_events(batch_id, today)
        execute(
            """INSERT INTO stg_touched (subscriber_id, from_month)
                   SELECT id, %s FROM stg_sub WHERE old_status IS NULL""",
            [ALL_MONTHS],
        )
    _merge_balances()
    return stats


def _merge_balances() -> None:
    """The billing's balance into each subscriber's money row (created with the subscriber):
    only the balances that changed are written, a narrow row each (SubscriberMoney)."""
    changed = fetchall("SELECT COUNT(*) FROM stg_sub WHERE reported_balance <> old_balance")[0][0]
    bulk = bulk_worthwhile(changed, MONEY)
    with IndexesDropped(MONEY, bulk, keep_primary=True), by_index(few_touched(changed)):
        execute(f"""UPDATE {MONEY} SET reported_balance = u.reported_balance
                    FROM stg_sub u WHERE u.id = {MONEY}.subscriber_id
                      AND u.reported_balance <> u.old_balance""")
    missing = fetchall("SELECT COUNT(*) FROM stg_sub WHERE old_balance IS NULL")[0][0]
    if missing:
        with IndexesDropped(MONEY, bulk_worthwhile(missing, MONEY), keep_primary=True):
            execute(f"""INSERT INTO {MONEY} (subscriber_id, reported_balance,
                                             balance_discrepancy, debt_months)
                        SELECT id, reported_balance, 0, 0 FROM stg_sub
                        WHERE old_balance IS NULL ORDER BY id""")


def _insert_first_events(batch_id: int | None, today: date) -> None:
    """The events of subscribers new to the database: connected, and terminated or suspended
    when they come so."""
    execute(
        f"""
            INSERT INTO {EVENT} (subscriber_id, kind, happened_on, reason, batch_id)
            SELECT id, 'connected', connected_on, '', %s FROM stg_sub WHERE old_status IS NULL
            UNION ALL
            SELECT id, 'terminated', terminated_on, '', %s FROM stg_sub
            WHERE old_status IS NULL AND status = 'terminated'
            UNION ALL
            SELECT id, 'suspended', %s, '', %s FROM stg_sub
            WHERE old_status IS NULL AND status = 'suspended'""",
        [batch_id, batch_id, today, batch_id],
    )


def _now():
    from django.utils import timezone

    return timezone.now()


# -- ledger -------------------------------------------------------------------------------------
def merge_charges(errors: ErrorList, sources: list[str]) -> dict:
    _duplicates(
        errors,
        sources,
        """SELECT c.src, c.line, c.period, d.first FROM stg_charge c
           JOIN (SELECT subscriber_id, period, service,
                        MIN(CAST(src AS bigint) * 1000000000 + line) AS key, MIN(line) AS first
                 FROM stg_charge GROUP BY subscriber_id, period, service
                 HAVING COUNT(*) > 1) d
             ON d.subscriber_id = c.subscriber_id AND d.period = c.period
            AND d.service = c.service AND CAST(c.src AS bigint) * 1000000000 + c.line <> d.key""",
        "period",
        _("the same account, period and service twice (first on line %(line)s)"),
    )
    if errors:
        return {}
    # Services and tariffs named by the charges, then the charges with their ids.
    execute(f"""INSERT INTO {SERVICE} (name) SELECT DISTINCT service FROM stg_charge
                WHERE 1 = 1 ON CONFLICT (name) DO NOTHING""")
    execute(f"""INSERT INTO {TARIFF} (name, monthly_fee, technology)
                SELECT DISTINCT tariff, 0, '' FROM stg_charge WHERE tariff IS NOT NULL
                ON CONFLICT (name) DO NOTHING""")
    # Each staged charge with the stored one of its key, found once (old_amount NULL: new):
    # what it changes, what is written and the ledger's net change all follow from it.
    create_temp_table(
        "stg_chg",
        "subscriber_id bigint, period date, service_id bigint, "
        "tariff_id bigint, amount numeric(14,2), old_amount numeric(14,2), old_tariff_id bigint",
    )
    execute(f"""INSERT INTO stg_chg
                SELECT c.subscriber_id, c.period, s.id, t.id, c.amount, o.amount, o.tariff_id
                FROM stg_charge c
                JOIN {SERVICE} s ON s.name = c.service
                LEFT JOIN {TARIFF} t ON t.name = c.tariff
                LEFT JOIN {CHARGE} o ON o.subscriber_id = c.subscriber_id
                                    AND o.period = c.period AND o.service_id = s.id""")
    analyze("stg_chg")
    changed = "st.old_amount <> st.amount OR st.old_tariff_id IS DISTINCT FROM st.tariff_id"
    # Changed and new charges mark their months and change the ledger's net; then they are
    # written.
    execute(f"""
        INSERT INTO stg_touched (subscriber_id, from_month)
        SELECT st.subscriber_id, MIN(st.period) FROM stg_chg st
        WHERE st.old_amount IS NULL OR {changed}
        GROUP BY st.subscriber_id""")
    execute("""
        INSERT INTO stg_net (subscriber_id, net)
        SELECT subscriber_id, SUM(COALESCE(old_amount, 0) - amount) FROM stg_chg
        WHERE old_amount IS NULL OR old_amount <> amount
        GROUP BY subscriber_id""")
    new_rows = fetchall("SELECT COUNT(*) FROM stg_chg WHERE old_amount IS NULL")[0][0]
    updated = execute(f"""
        UPDATE {CHARGE} SET amount = st.amount, tariff_id = st.tariff_id
        FROM stg_chg st
        WHERE {CHARGE}.subscriber_id = st.subscriber_id AND {CHARGE}.period = st.period
          AND {CHARGE}.service_id = st.service_id AND ({changed})
    """)
    with IndexesDropped(CHARGE, bulk_worthwhile(new_rows, CHARGE)) as bulk:
        conflict = (
            "" if bulk.enabled else "ON CONFLICT (subscriber_id, period, service_id) DO NOTHING"
        )
        created = execute(f"""
            INSERT INTO {CHARGE} (subscriber_id, period, service_id, tariff_id, amount)
            SELECT st.subscriber_id, st.period, st.service_id, st.tariff_id, st.amount
            FROM stg_chg st WHERE st.old_amount IS NULL
            ORDER BY st.subscriber_id, st.period, st.service_id
            {conflict}""")
    return {"charges_created": created, "charges_updated": updated}


def merge_payments() -> dict:
    """Identical payments of one account (same moment, amount, method) are told apart by
    their order in the file, so that a re-import matches each to itself."""
    create_temp_table(
        "stg_pay",
        f"subscriber_id bigint, paid_at {_t('ts')}, month date, "
        f"amount numeric(14,2), method text, seq integer, new integer",
    )
    execute("""
        INSERT INTO stg_pay
        SELECT subscriber_id, paid_at, month, amount, method,
               ROW_NUMBER() OVER (PARTITION BY subscriber_id, paid_at, amount, method
                                  ORDER BY src, line) - 1, 1
        FROM stg_payment""")
    analyze("stg_pay")
    # The payments already stored, found once; the new ones mark their months, change the
    # ledger's net and are written.
    execute(f"""
        UPDATE stg_pay SET new = 0
        WHERE EXISTS (SELECT 1 FROM {PAYMENT} p
                      WHERE p.subscriber_id = stg_pay.subscriber_id
                        AND p.paid_at = stg_pay.paid_at AND p.amount = stg_pay.amount
                        AND p.method = stg_pay.method AND p.seq = stg_pay.seq)""")
    execute("""
        INSERT INTO stg_touched (subscriber_id, from_month)
        SELECT subscriber_id, MIN(month) FROM stg_pay WHERE new = 1 GROUP BY subscriber_id""")
    execute("""
        INSERT INTO stg_net (subscriber_id, net)
        SELECT subscriber_id, SUM(amount) FROM stg_pay WHERE new = 1 GROUP BY subscriber_id""")
    new_rows = fetchall("SELECT COUNT(*) FROM stg_pay WHERE new = 1")[0][0]
    with IndexesDropped(PAYMENT, bulk_worthwhile(new_rows, PAYMENT)) as bulk:
        conflict = (
            ""
            if bulk.enabled
            else "ON CONFLICT (subscriber_id, paid_at, amount, method, seq) DO NOTHING"
        )
        created = execute(f"""
            INSERT INTO {PAYMENT} (subscriber_id, paid_at, month, amount, method, seq)
            SELECT subscriber_id, paid_at, month, amount, method, seq
            FROM stg_pay WHERE new = 1
            ORDER BY subscriber_id, paid_at
            {conflict}""")
    return {"payments_created": created}


def touch_all() -> None:
    execute(
        f"INSERT INTO stg_touched (subscriber_id, from_month) SELECT id, %s FROM {SUBSCRIBER}",
        [ALL_MONTHS],
    )


def discrepancies_from_facts() -> int:
    """After a first ledger load every subscriber's facts were computed from the whole ledger,
    and stg_frange.after_all (the reported balance less the ledger's) is the discrepancy: set
    it without reading the ledger again."""
    return execute(f"""UPDATE {MONEY} SET balance_discrepancy = r.after_all
                       FROM stg_frange r WHERE r.subscriber_id = {MONEY}.subscriber_id
                         AND {MONEY}.balance_discrepancy <> r.after_all""")


def update_discrepancies() -> int:
    """The reported balance less the ledger's, for the subscribers whose balance or ledger this
    import changed: the stored discrepancy moved by the balance's change less the ledger's net
    change (stg_net), so that the cost follows the rows of the files, not the ledger's length.
    Exact because the import is the ledger's only writer and never deletes from it; a money row
    made by this import starts from a zero balance and an empty ledger. A subscriber whose
    discrepancy changed has every month's balance changed."""
    create_temp_table("stg_disc", "subscriber_id bigint PRIMARY KEY, discrepancy numeric(14,2)")
    execute(f"""
        INSERT INTO stg_disc
        SELECT m.subscriber_id,
               ROUND(m.balance_discrepancy + COALESCE(b.change, 0) - COALESCE(n.net, 0), 2)
        FROM (SELECT id AS subscriber_id FROM stg_sub WHERE reported_balance <> old_balance
                                                         OR old_balance IS NULL
              UNION SELECT subscriber_id FROM stg_net) t
        JOIN {MONEY} m ON m.subscriber_id = t.subscriber_id
        LEFT JOIN (SELECT id, reported_balance - COALESCE(old_balance, 0) AS change
                   FROM stg_sub) b ON b.id = t.subscriber_id
        LEFT JOIN (SELECT subscriber_id, SUM(net) AS net FROM stg_net
                   GROUP BY subscriber_id) n ON n.subscriber_id = t.subscriber_id""")
    analyze("stg_disc")
    with by_index(few_touched(fetchall("SELECT COUNT(*) FROM stg_disc")[0][0])):
        execute(
            f"""INSERT INTO stg_touched (subscriber_id, from_month)
                   SELECT d.subscriber_id, %s FROM stg_disc d
                   JOIN {MONEY} s ON s.subscriber_id = d.subscriber_id
                   WHERE d.discrepancy <> s.balance_discrepancy""",
            [ALL_MONTHS],
        )
        return execute(f"""UPDATE {MONEY} SET balance_discrepancy = d.discrepancy
                           FROM stg_disc d WHERE d.subscriber_id = {MONEY}.subscriber_id
                             AND d.discrepancy <> {MONEY}.balance_discrepancy""")
