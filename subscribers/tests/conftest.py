"""Fixtures of the billing import tests: a small hand-written canonical operator, generated
operators, and a `billing` helper that imports files and reads back what the database holds by
business keys (account, month, names), so two databases can be compared row for row."""

import io
from datetime import date
from pathlib import Path

import pytest
from django.core.management import call_command
from django.utils import translation

from core.models import Branch
from core.tests.conftest import smtp_server  # noqa: F401 — the real local SMTP server
from subscribers.models import (
    Building,
    Charge,
    City,
    ExtraAttribute,
    ImportBatch,
    ImportedFile,
    MonthlyFact,
    MonthlySummary,
    Payment,
    Service,
    StatusEvent,
    Street,
    Subscriber,
    Tariff,
    TariffMigrationSummary,
)
from subscribers.services import billing_import

TODAY = date(2025, 4, 2)  # the day the hand-written operator is imported

# A canonical export of three months (2025-01…2025-03), worked through by hand in
# test_import_canonical.py. Урал is UTC+5; the rest is Moscow time.
OPERATOR = {
    "branches.csv": (
        "name,time_zone,currency\nЦентр,Europe/Moscow,RUB\nУрал,Asia/Yekaterinburg,RUB\n"
    ),
    "buildings.csv": (
        "branch,city,street,house,flats,technology,ports,coverage_since\n"
        "Центр,Тверь,ул. Ленина,1,60,FTTB,48,2020-01-10\n"
        "Урал,Екатеринбург,ул. Мира,5,120,GPON,128,2021-06-01\n"
    ),
    "subscribers.csv": (
        "account,full_name,phone,email,kind,branch,city,street,house,flat,technology,tariff,"
        "monthly_fee,status,connected_on,terminated_on,balance,"
        "contract_no,credit_limit,birth_date,has_router,discount\n"
        '1001,Иванов Иван Иванович,"+7 912 345-67-89; 8 (903) 123-45-67",ivanov@mail.ru,person,'
        "Центр,Тверь,ул. Ленина,1,5,FTTB,Скоростной 300,750.00,active,2023-05-10,,-550.00,"
        "Д-1,0,1980-02-29,да,5.5\n"
        "1002,Петрова Анна,9221234567,,person,Урал,Екатеринбург,ул. Мира,5,12,GPON,Гигабит,"
        "1190.00,active,2025-02-14,,62.50,Д-2,500,1990-07-15,нет,\n"
        "1003,Сидоров Пётр,,,person,Центр,Тверь,ул. Ленина,1,7,FTTB,Домашний 100,550.00,"
        "terminated,2024-03-01,2025-02-10,-196.43,,,,true,\n"
        "1004,ООО Вектор,8-343-123-45-67,office@vector.ru,company,Урал,Екатеринбург,ул. Мира,7,,"
        "docsis,Бизнес 200,1500.00,suspended,2024-12-20,,-3100.00,Д-4,1000,,false,10\n"
        "1005,Кузнецова Мария,89161112233,,person,Центр,Тверь,ул. Ленина,1,9,FTTB,Домашний 100,"
        "550.00,active,2025-03-25,,0.00,Д-5,0,,,\n"
    ),
    "charges.csv": (
        "account,period,service,tariff,amount\n"
        "1001,2025-01,Интернет,Домашний 100,550.00\n"
        "1001,2025-02,Интернет,Домашний 100,550.00\n"
        "1001,2025-03,Интернет,Скоростной 300,550.00\n"
        "1002,2025-02,Интернет,Гигабит,637.50\n"
        "1002,2025-03,Интернет,Гигабит,1190.00\n"
        "1002,2025-03,Аренда оборудования,Гигабит,150.00\n"
        "1003,2025-01,Интернет,Домашний 100,550.00\n"
        "1003,2025-02,Интернет,Домашний 100,196.43\n"
        "1004,2025-01,Интернет,Бизнес 200,1500.00\n"
        "1004,2025-02,Интернет,Бизнес 200,1500.00\n"
    ),
    "payments.csv": (
        "account,paid_at,amount,method\n"
        "1001,2025-02-01 01:30:00+05:00,600.00,card\n"
        "1001,2025-03-05 12:00,500.00,cash\n"
        "1002,2025-02-14 10:00:00,700.00,cash\n"
        "1002,2025-03-01 00:30:00,1340.00,online\n"
        "1003,2025-01-20,550.00,\n"
    ),
}


@pytest.fixture
def import_env(settings, tmp_path):
    """English messages, and an import lock file of the test's own: the lock is named after the
    database, and every xdist worker's in-memory test database has the same name."""
    settings.VAR_DIR = tmp_path / "var"
    settings.ABONENT_JOB_RUNNER = "sync"  # what runs after an import's commit, in the test
    with translation.override("en"):
        yield


@pytest.fixture
def operator() -> dict[str, str]:
    """The hand-written operator's files, name → text (a copy the test may change)."""
    return dict(OPERATOR)


class Billing:
    """Writes export files, imports them, and reads the database back by business keys."""

    def __init__(self, tmp_path: Path):
        self.tmp_path = tmp_path

    def write(
        self, files: dict[str, str | bytes], name: str = "export", *, other_bytes: bool = False
    ) -> Path:
        """other_bytes: the same rows with CRLF line ends, so that an import reads them again
        rather than skip files it has already imported."""
        directory = self.tmp_path / name
        directory.mkdir(parents=True, exist_ok=True)
        for file_name, content in files.items():
            path = directory / file_name
            if isinstance(content, bytes):
                path.write_bytes(content)
            else:
                if other_bytes:
                    content = content.replace("\r\n", "\n").replace("\n", "\r\n")
                path.write_text(content, encoding="utf-8")
        return directory

    def run(self, paths, *, mapping=None, today=TODAY):
        """One billing_import call of these files (a directory: all its files)."""
        if isinstance(paths, Path) and paths.is_dir():
            paths = sorted(p for p in paths.iterdir() if p.is_file())
        return billing_import(paths=list(paths), mapping=mapping, today=today)

    # -- reading back ---------------------------------------------------------------------
    @staticmethod
    def subscribers() -> dict[str, tuple]:
        rows = Subscriber.objects.values_list(
            "account",
            "kind",
            "full_name",
            "phone",
            "phone2",
            "email",
            "branch__name",
            "building__street__city__name",
            "building__street__name",
            "building__house",
            "flat",
            "technology",
            "tariff__name",
            "status",
            "connected_on",
            "terminated_on",
            "money__reported_balance",
            "money__balance_discrepancy",
            "extra",
            "money__arpu",
            "money__debt_months",
        )
        return {row[0]: row[1:] for row in rows}

    @staticmethod
    def charges() -> set[tuple]:
        return set(
            Charge.objects.values_list(
                "subscriber__account", "period", "service__name", "tariff__name", "amount"
            )
        )

    @staticmethod
    def payments() -> list[tuple]:
        return sorted(
            Payment.objects.values_list(
                "subscriber__account", "paid_at", "month", "amount", "method", "seq"
            )
        )

    @staticmethod
    def facts() -> dict[tuple, tuple]:
        tariffs = dict(Tariff.objects.values_list("id", "name"))
        branches = dict(Branch.objects.values_list("id", "name"))
        accounts = dict(Subscriber.objects.values_list("id", "account"))
        out = {}
        for f in MonthlyFact.objects.all():
            out[accounts[f.subscriber_id], f.month] = (
                branches[f.branch_id],
                tariffs.get(f.tariff_id),
                tariffs.get(f.prev_tariff_id),
                f.technology,
                f.status,
                f.active_start,
                f.active_end,
                f.connected,
                f.terminated,
                f.charged,
                f.paid,
                f.balance_end,
                f.days_overdue,
                f.tenure_months,
            )
        return out

    @staticmethod
    def summaries() -> dict[tuple, tuple]:
        rows = MonthlySummary.objects.values_list(
            "month",
            "branch__name",
            "technology",
            "tariff__name",
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
        out = {}
        for row in rows:
            assert row[:4] not in out, f"two summary rows for {row[:4]}"
            out[row[:4]] = row[4:]
        return out

    @staticmethod
    def migrations() -> dict[tuple, int]:
        rows = TariffMigrationSummary.objects.values_list(
            "month", "branch__name", "from_tariff__name", "to_tariff__name", "subscribers"
        )
        out = {}
        for *key, n in rows:
            assert tuple(key) not in out, f"two migration rows for {key}"
            out[tuple(key)] = n
        return out

    def state(self) -> dict:
        """Everything the import writes, by business keys."""
        return {
            "subscribers": self.subscribers(),
            "charges": self.charges(),
            "payments": self.payments(),
            "facts": self.facts(),
            "summaries": self.summaries(),
            "migrations": self.migrations(),
        }

    @staticmethod
    def snapshot() -> dict:
        """Every row of every table the import writes, ids included: equal snapshots mean
        nothing was written."""
        models = (
            Branch,
            City,
            Street,
            Building,
            Tariff,
            Service,
            ExtraAttribute,
            Subscriber,
            StatusEvent,
            Charge,
            Payment,
            MonthlyFact,
            MonthlySummary,
            TariffMigrationSummary,
            ImportBatch,
        )
        return {m.__name__: sorted(m.objects.values_list(), key=repr) for m in models}

    @staticmethod
    def wipe() -> None:
        """Empty the subscriber base, as a fresh database would be."""
        for model in (
            MonthlyFact,
            MonthlySummary,
            TariffMigrationSummary,
            Payment,
            Charge,
            StatusEvent,
            ImportedFile,
            ImportBatch,
            ExtraAttribute,
        ):
            model.objects.all().delete()
        Subscriber.history.model.objects.all().delete()
        Subscriber.objects.all().delete()
        for model in (Building, Street, City, Tariff, Service, Branch):
            model.objects.all().delete()


@pytest.fixture
def billing(tmp_path) -> Billing:
    return Billing(tmp_path)


@pytest.fixture
def base(billing, operator):
    """The hand-written operator, imported; returns its directory."""
    directory = billing.write(operator, "base")
    result = billing.run(directory)
    assert result.ok, result.errors
    return directory


@pytest.fixture(scope="session")
def generated(tmp_path_factory):
    """generated(flavor=…, end=…, …) → the directory of a small generated operator (made once
    per session for the same arguments)."""
    made: dict[tuple, Path] = {}

    def make(
        flavor: str = "canonical",
        *,
        subscribers: int = 300,
        months: int = 12,
        seed: int = 7,
        end: str = "2025-06",
    ) -> Path:
        key = (flavor, subscribers, months, seed, end)
        if key not in made:
            out = tmp_path_factory.mktemp(f"operator-{flavor}")
            call_command(
                "generate_operator",
                subscribers=subscribers,
                months=months,
                seed=seed,
                end=end,
                out=str(out),
                flavor=flavor,
                workers=1,
                stdout=io.StringIO(),
            )
            made[key] = out
        return made[key]

    return make
