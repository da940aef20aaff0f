"""A SQL billing source against real servers: a MariaDB and a second PostgreSQL database playing
the billing's own, read through saved queries into the import; and what it refuses."""

import os
import uuid
from datetime import UTC, datetime

import pytest

from core.models import Job
from subscribers.models import (
    BillingSource,
    Charge,
    ImportBatch,
    ImportMapping,
    Payment,
    Subscriber,
)
from subscribers.services import billing_import
from subscribers.sources.errors import SourceError
from subscribers.sources.sql import sql_check, sql_export
from subscribers.sources.sync import source_sync_start

pytestmark = pytest.mark.usefixtures("import_env")

HOST = "127.0.0.1"
# The billing's tables, in its own words; the queries turn them into canonical columns.
TABLES = [
    """CREATE TABLE users (login VARCHAR(20), fio VARCHAR(200), filial VARCHAR(50),
       gorod VARCHAR(50), ulica VARCHAR(50), dom VARCHAR(10), kv VARCHAR(10),
       tarif VARCHAR(50), sost INTEGER, created DATE, closed DATE, saldo NUMERIC(14,2),
       phone VARCHAR(30), sms_ok BOOLEAN)""",
    """CREATE TABLE pays (login VARCHAR(20), ts TIMESTAMP, summa NUMERIC(14,2),
       kanal VARCHAR(10))""",
    "CREATE TABLE fees (login VARCHAR(20), period DATE, usluga VARCHAR(50), summa NUMERIC(14,2))",
]
ROWS = [
    "INSERT INTO users VALUES ('5001', 'Иванов Иван', 'Центр', 'Тверь', 'Ленина', '1', '5', "
    "'Домашний', 1, '2024-01-10', NULL, -100.00, '89161234567', TRUE)",
    "INSERT INTO users VALUES ('5002', 'Петрова Анна', 'Центр', 'Тверь', 'Ленина', '1', '7', "
    "'Домашний', 3, '2023-05-01', '2025-02-10', 0.00, NULL, FALSE)",
    "INSERT INTO pays VALUES ('5001', '2025-03-05 12:00:00', 450.00, 'card')",
    "INSERT INTO fees VALUES ('5001', '2025-03-01', 'Интернет', 550.00)",
    "INSERT INTO fees VALUES ('5002', '2025-01-01', 'Интернет', 550.00)",
]
QUERIES = {
    "subscribers": """SELECT login AS account, fio AS full_name, filial AS branch,
        gorod AS city, ulica AS street, dom AS house, kv AS flat, tarif AS tariff,
        CASE sost WHEN 1 THEN 'active' WHEN 2 THEN 'suspended' ELSE 'terminated' END AS status,
        created AS connected_on, closed AS terminated_on, saldo AS balance, phone,
        sms_ok AS consent_sms FROM users ORDER BY login""",
    "charges": """SELECT login AS account, period, usluga AS service, summa AS amount
        FROM fees ORDER BY login, period""",
    "payments": """SELECT login AS account, ts AS paid_at, summa AS amount, kanal AS method
        FROM pays""",
}


# A function that writes, called from a SELECT: only the read-only transaction can stop it.
MARIADB_BUMP = """CREATE FUNCTION bump() RETURNS INT MODIFIES SQL DATA
    BEGIN INSERT INTO pays VALUES ('5001', NOW(), 1.00, 'cash'); RETURN 1; END"""
PG_BUMP = """CREATE FUNCTION bump() RETURNS INTEGER LANGUAGE sql
    AS $$ INSERT INTO pays VALUES ('5001', NOW(), 1.00, 'cash') RETURNING 1 $$"""


def _required(name: str) -> bool:
    return os.environ.get(f"ABONENT_{name}_REQUIRED") == "1"


@pytest.fixture(scope="module")
def mariadb():
    """A database of its own on the machine's MariaDB, with the billing's tables."""
    try:
        import pymysql

        root = pymysql.connect(host=HOST, port=3306, user="root", password="", autocommit=True)
    except Exception as exc:
        if _required("MARIADB"):
            pytest.fail(f"MariaDB is required and does not answer: {exc}")
        pytest.skip(f"no MariaDB on {HOST}:3306 ({exc})")
    name = f"abonent_src_{uuid.uuid4().hex[:8]}"
    with root.cursor() as cursor:
        cursor.execute(f"CREATE DATABASE {name} CHARACTER SET utf8mb4")
        cursor.execute("CREATE USER IF NOT EXISTS 'abonent_ro'@'%' IDENTIFIED BY 'ro-pass'")
        cursor.execute(f"GRANT SELECT ON {name}.* TO 'abonent_ro'@'%'")
        cursor.execute(f"USE {name}")
        for sql in [*TABLES, *ROWS, MARIADB_BUMP]:
            cursor.execute(sql)
    try:
        yield f"mysql://root@{HOST}:3306/{name}", name, root
    finally:
        with root.cursor() as cursor:
            cursor.execute(f"DROP DATABASE {name}")
        root.close()


@pytest.fixture(scope="module")
def billing_pg():
    """A second PostgreSQL database, not Abonent's, with the billing's tables."""
    import psycopg

    try:
        admin = psycopg.connect(host=HOST, port=5432, user="postgres", dbname="postgres",
                                autocommit=True, connect_timeout=5)  # fmt: skip
    except Exception as exc:
        if _required("BILLING_PG"):
            pytest.fail(f"PostgreSQL is required and does not answer: {exc}")
        pytest.skip(f"no PostgreSQL on {HOST}:5432 ({exc})")
    name = f"abonent_src_{uuid.uuid4().hex[:8]}"
    admin.execute(f"CREATE DATABASE {name}")
    with psycopg.connect(host=HOST, port=5432, user="postgres", dbname=name,
                         autocommit=True) as conn:  # fmt: skip
        for sql in [*TABLES, *ROWS, PG_BUMP]:
            conn.execute(sql)
    try:
        yield f"postgres://postgres@{HOST}:5432/{name}"
    finally:
        admin.execute(f"DROP DATABASE {name} WITH (FORCE)")
        admin.close()


@pytest.fixture(params=["mariadb", "postgres"])
def billing_url(request):
    if request.param == "mariadb":
        return request.getfixturevalue("mariadb")[0]
    return request.getfixturevalue("billing_pg")


def test_the_queries_write_canonical_files(billing_url, tmp_path):
    files = sql_export(url=billing_url, queries=QUERIES, out_dir=tmp_path)
    assert sorted(files) == ["charges", "payments", "subscribers"]
    subscribers = files["subscribers"].read_text(encoding="utf-8").splitlines()
    assert subscribers[0] == (
        "account,full_name,branch,city,street,house,flat,tariff,status,connected_on,"
        "terminated_on,balance,phone,consent_sms"
    )
    first = subscribers[1].split(",")
    assert first[:2] == ["5001", "Иванов Иван"] and first[8:12] == [
        "active",
        "2024-01-10",
        "",
        "-100.00",
    ]
    assert first[13] in ("yes", "1")  # a boolean (PostgreSQL) or MariaDB's TINYINT
    assert files["charges"].read_text().splitlines()[1] == "5001,2025-03,Интернет,550.00"
    assert files["payments"].read_text().splitlines()[1] == "5001,2025-03-05 12:00:00,450.00,card"
    assert not list(tmp_path.glob("*.part"))


def test_values_are_written_as_the_import_reads_them(billing_pg, tmp_path):
    query = """SELECT '5001' AS account, TIMESTAMPTZ '2025-03-05 12:00:00+03' AS paid_at,
        CAST(1E2 AS NUMERIC) AS amount, NULL AS method"""
    extras = """SELECT '5001' AS account, 'A' AS full_name, 'Центр' AS branch, 'Тверь' AS city,
        'Ленина' AS street, '1' AS house, 'Домашний' AS tariff, 'active' AS status,
        DATE '2024-01-10' AS connected_on, -0.5 AS balance, CAST(0.00001 AS FLOAT8) AS ratio,
        TRUE AS has_router, FALSE AS consent_sms, TIMESTAMP '2024-01-10 08:30:00' AS seen"""
    files = sql_export(
        url=billing_pg, queries={"payments": query, "subscribers": extras}, out_dir=tmp_path
    )
    account, paid_at, amount, method = files["payments"].read_text().splitlines()[1].split(",")
    assert datetime.fromisoformat(paid_at) == datetime(2025, 3, 5, 9, tzinfo=UTC)
    assert (account, amount, method) == ("5001", "100", "")
    assert files["subscribers"].read_text().splitlines()[1].split(",")[9:] == [
        "-0.5",
        "0.00001",
        "yes",
        "no",
        "2024-01-10 08:30:00",
    ]


@pytest.mark.django_db(transaction=True)
def test_the_written_files_are_imported(billing_url, tmp_path):
    files = sql_export(url=billing_url, queries=QUERIES, out_dir=tmp_path)
    result = billing_import(paths=list(files.values()))
    assert result.ok, result.errors
    assert Subscriber.objects.get(account="5001").reported_balance == -100
    assert Subscriber.objects.get(account="5002").terminated_on.isoformat() == "2025-02-10"
    assert Payment.objects.get().amount == 450
    assert Charge.objects.count() == 2


@pytest.mark.django_db(transaction=True)
def test_a_sql_source_imports_the_billing_and_an_unchanged_day_writes_nothing(
    billing_url, settings, tmp_path
):
    settings.MEDIA_ROOT = tmp_path
    source = BillingSource.objects.create(
        name="Billing DB", kind=BillingSource.Kind.SQL, url=billing_url, queries=QUERIES
    )
    job = source_sync_start(source=source)
    job.refresh_from_db()
    assert job.status == Job.Status.DONE, job.result
    assert Subscriber.objects.get(account="5001").reported_balance == -100
    assert Subscriber.objects.get(account="5002").status == "terminated"
    assert Payment.objects.get().amount == 450
    batches = ImportBatch.objects.count()
    again = source_sync_start(source=source)
    again.refresh_from_db()
    assert again.status == Job.Status.DONE
    assert again.result["stats"]["unchanged_files"] == 3 and again.result["batch"] is None
    assert ImportBatch.objects.count() == batches
    source.refresh_from_db()
    assert source.last_success_at >= again.created_at


@pytest.mark.django_db(transaction=True)
def test_a_mapping_gives_its_status_words_to_the_query(mariadb, settings, tmp_path):
    url, _name, _root = mariadb
    settings.MEDIA_ROOT = tmp_path
    mapping = ImportMapping.objects.create(
        slug="utm",
        name="UTM",
        delimiter=";",
        encoding="cp1251",
        columns={"subscribers": {"login": "account"}},
        status_values={"1": "active", "3": "terminated"},
    )
    queries = {
        "subscribers": QUERIES["subscribers"]
        .replace("login AS account", "login")
        .replace(
            "CASE sost WHEN 1 THEN 'active' WHEN 2 THEN 'suspended' ELSE 'terminated' END",
            "sost",
        )
    }
    source = BillingSource.objects.create(
        name="UTM", kind="sql", url=url, queries=queries, mapping=mapping
    )
    job = source_sync_start(source=source)
    job.refresh_from_db()
    assert job.status == Job.Status.DONE, job.result
    assert Subscriber.objects.get(account="5002").status == "terminated"


def test_a_read_only_user_and_password_connect(mariadb, tmp_path):
    url, name, _root = mariadb
    sql_check(url=f"mysql://abonent_ro:ro-pass@{HOST}:3306/{name}")
    with pytest.raises(SourceError, match="Cannot connect") as error:
        sql_check(url=f"mysql://abonent_ro:wrong@{HOST}:3306/{name}")
    assert "wrong" not in str(error.value) and HOST in str(error.value)


# -- what it refuses, writing nothing -------------------------------------------------------------
@pytest.mark.parametrize(
    "url",
    ["mysql://root@127.0.0.1:1/billing", "postgres://postgres@127.0.0.1:1/billing"],
    ids=["mariadb", "postgres"],
)
def test_an_unreachable_server_is_named(url, tmp_path):
    with pytest.raises(
        SourceError, match=r"Cannot connect to the billing database at 127\.0\.0\.1:1"
    ):
        sql_export(url=url, queries=QUERIES, out_dir=tmp_path, timeout=3)
    assert not list(tmp_path.iterdir())


def test_an_unknown_database_is_named(billing_url, tmp_path):
    url = billing_url.rsplit("/", 1)[0] + "/no_such_billing"
    with pytest.raises(SourceError, match="Cannot connect"):
        sql_export(url=url, queries=QUERIES, out_dir=tmp_path)


def test_a_wrong_column_is_named_with_its_kind(billing_url, tmp_path):
    queries = {**QUERIES, "payments": "SELECT login AS account, ts AS paid_at, summa AS amount, "
               "kanal AS channel FROM pays"}  # fmt: skip
    with pytest.raises(SourceError, match="for payments returns a column «channel»"):
        sql_export(url=billing_url, queries=queries, out_dir=tmp_path)
    assert not list(tmp_path.iterdir())  # the subscribers and charges written before are gone


def test_a_missing_required_column_is_named(billing_url, tmp_path):
    queries = {"payments": "SELECT login AS account, summa AS amount FROM pays"}
    with pytest.raises(SourceError, match="no column «paid_at»"):
        sql_export(url=billing_url, queries=queries, out_dir=tmp_path)


@pytest.mark.parametrize(
    ("query", "verb"),
    [
        ("DELETE FROM pays", "DELETE"),
        ("update users SET saldo = 0", "UPDATE"),
        ("-- copy\n/* all */ (INSERT INTO pays SELECT * FROM pays)", "INSERT"),
    ],
)
def test_a_statement_that_writes_is_refused_before_it_runs(billing_url, tmp_path, query, verb):
    with pytest.raises(SourceError, match=f"The query for payments is {verb}, not a SELECT"):
        sql_export(url=billing_url, queries={**QUERIES, "payments": query}, out_dir=tmp_path)
    assert not list(tmp_path.iterdir())


@pytest.mark.parametrize(
    "query",
    [
        "SELECT bump() AS account, ts AS paid_at, summa AS amount FROM pays",
        "SELECT login AS account, ts AS paid_at, summa AS amount FROM pays FOR UPDATE",
    ],
    ids=["a-writing-function", "for-update"],
)
def test_a_select_that_writes_is_stopped_by_the_read_only_transaction(billing_url, tmp_path, query):
    with pytest.raises(SourceError, match="The query for payments tries to change the billing"):
        sql_export(url=billing_url, queries={**QUERIES, "payments": query}, out_dir=tmp_path)
    assert not list(tmp_path.iterdir())
    files = sql_export(url=billing_url, queries={"payments": QUERIES["payments"]}, out_dir=tmp_path)
    assert len(files["payments"].read_text().splitlines()) == 2  # the one payment is still there


def test_a_syntax_error_is_shown_with_the_kind_and_the_server_message(billing_url, tmp_path):
    queries = {**QUERIES, "charges": "SELECT login AS account FROM fees WHERE"}
    with pytest.raises(SourceError, match="The query for charges failed: .*syntax"):
        sql_export(url=billing_url, queries=queries, out_dir=tmp_path)
    assert not list(tmp_path.iterdir())


def test_a_query_running_too_long_is_stopped(billing_url, tmp_path):
    sleep = "pg_sleep(3)" if billing_url.startswith("postgres") else "SLEEP(3)"
    query = f"SELECT login AS account, ts AS paid_at, summa AS amount, {sleep} FROM pays"
    with pytest.raises(SourceError, match="The query for payments ran longer than 1 s"):
        sql_export(url=billing_url, queries={"payments": query}, out_dir=tmp_path, timeout=1)
    assert not list(tmp_path.iterdir())


def test_an_unknown_scheme_or_kind_is_refused(tmp_path):
    with pytest.raises(SourceError, match="starts with postgres://"):
        sql_export(url="oracle://x@h/db", queries=QUERIES, out_dir=tmp_path)
    with pytest.raises(SourceError, match="Unknown file kind"):
        sql_export(url="mysql://x@h/db", queries={"tariffs": "SELECT 1"}, out_dir=tmp_path)


@pytest.mark.django_db(transaction=True)
def test_a_failing_source_run_is_a_failed_job_with_nothing_imported(
    billing_url, settings, tmp_path
):
    settings.MEDIA_ROOT = tmp_path
    source = BillingSource.objects.create(
        name="Billing DB", kind="sql", url=billing_url,
        queries={**QUERIES, "charges": "SELECT nothing FROM fees"},
    )  # fmt: skip
    job = source_sync_start(source=source)
    job.refresh_from_db()
    assert job.status == Job.Status.FAILED and "charges" in job.result["error"]
    assert not Subscriber.objects.exists()
    source.refresh_from_db()
    assert source.last_success_at is None and "charges" in source.last_error
