"""manage.py import_billing: imports a folder or files, prints what it did, and refuses bad
input loudly, importing nothing."""

import io
import json
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from subscribers.management.commands import import_billing
from subscribers.models import (
    Charge,
    ImportBatch,
    ImportMapping,
    MonthlyFact,
    Payment,
    Subscriber,
)
from subscribers.services import ImportBusy

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("import_env")]

MAPPINGS = Path(__file__).resolve().parents[1] / "mappings"


def run(*args) -> tuple[str, str]:
    out, err = io.StringIO(), io.StringIO()
    call_command("import_billing", *args, stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


def counts() -> list[int]:
    return [m.objects.count() for m in (Subscriber, Charge, Payment, MonthlyFact, ImportBatch)]


def test_it_imports_every_file_of_a_folder_and_prints_the_stats(billing, operator):
    out, err = run(str(billing.write(operator)))
    assert "subscribers_created: 5" in out
    assert "facts_written: 12" in out
    assert "Import finished." in out
    assert err == ""
    assert counts() == [5, 10, 5, 12, 1]


def test_it_imports_the_files_named(billing, operator):
    directory = billing.write(operator)
    run(str(directory / "subscribers.csv"), str(directory / "charges.csv"))
    assert counts()[:3] == [5, 10, 0]


def test_it_prints_the_bad_line_and_imports_nothing(billing, operator):
    operator["subscribers.csv"] = operator["subscribers.csv"].replace("9221234567", "12345")
    with pytest.raises(CommandError, match="Nothing was imported: 1 bad rows"):
        run(str(billing.write(operator)))
    assert counts() == [0, 0, 0, 0, 0]


def test_the_bad_line_goes_to_stderr_with_file_line_column_and_value(billing, operator):
    operator["subscribers.csv"] = operator["subscribers.csv"].replace("9221234567", "12345")
    err = io.StringIO()
    with pytest.raises(CommandError):
        call_command("import_billing", str(billing.write(operator)), stderr=err)
    assert err.getvalue().strip() == "subscribers.csv:3 [phone] «12345»: not a phone number"


def test_it_prints_only_so_many_bad_lines(billing, operator):
    operator["charges.csv"] += "".join(f"9{n:03d},2025-03,Интернет,,1.00\n" for n in range(5))
    err = io.StringIO()
    with pytest.raises(CommandError, match="5 bad rows"):
        call_command(
            "import_billing", str(billing.write(operator)), "--max-errors", "2", stderr=err
        )
    lines = err.getvalue().strip().splitlines()
    assert lines[:2] == [
        "charges.csv:12 [account] «9000»: unknown account: not in the subscribers file nor in "
        "the database",
        "charges.csv:13 [account] «9001»: unknown account: not in the subscribers file nor in "
        "the database",
    ]
    assert lines[2:] == ["… and 3 more"]


def test_it_reads_through_a_saved_mapping(generated):
    spec = json.loads((MAPPINGS / "lanbilling.json").read_text(encoding="utf-8"))
    ImportMapping.objects.update_or_create(slug=spec.pop("slug"), defaults=spec)
    out, _err = run(str(generated("lanbilling")), "--mapping", "lanbilling")
    assert "subscribers_created: 300" in out


def test_it_refuses_an_unknown_mapping(billing, operator):
    with pytest.raises(CommandError, match="No column mapping with the code nosuch"):
        run(str(billing.write(operator)), "--mapping", "nosuch")


def test_it_refuses_while_another_import_runs(billing, operator, monkeypatch):
    def busy(**kwargs):
        raise ImportBusy("Another billing import is running; try again when it ends.")

    monkeypatch.setattr(import_billing, "billing_import", busy)
    with pytest.raises(CommandError, match="Another billing import is running"):
        run(str(billing.write(operator)))
