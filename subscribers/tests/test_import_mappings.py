"""A billing export of another shape, read through its saved column mapping, imports the same
base as the canonical export of the same operator."""

import json
from pathlib import Path

import pytest

from subscribers.models import ExtraAttribute, ImportMapping

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("import_env")]

MAPPINGS = Path(__file__).resolve().parents[1] / "mappings"


def mapping(slug: str) -> ImportMapping:
    """The mapping as shipped in subscribers/mappings/<slug>.json."""
    spec = json.loads((MAPPINGS / f"{slug}.json").read_text(encoding="utf-8"))
    ImportMapping.objects.filter(slug=slug).delete()  # the shipped copy installed on migrate
    return ImportMapping.objects.create(**spec)


def to_the_minute(payments: list[tuple]) -> list[tuple]:
    """Payments without seconds and their order among equal ones: UTM5 writes HH:MM."""
    return sorted(
        (a, at.replace(second=0), month, amount, method)
        for a, at, month, amount, method, _seq in payments
    )


@pytest.fixture
def canonical(billing, generated) -> dict:
    """What the canonical export of the generated operator imports into an empty database."""
    assert billing.run(generated("canonical")).ok
    state = billing.state()
    state["extra"] = dict(ExtraAttribute.objects.values_list("key", "value_type"))
    billing.wipe()
    return state


@pytest.mark.parametrize("flavor", ["utm5", "lanbilling"])
def test_an_export_read_through_its_mapping_imports_the_same_base(
    billing, generated, canonical, flavor
):
    result = billing.run(generated(flavor), mapping=mapping(flavor))
    assert result.ok, result.errors[:5]
    mapped = billing.state()
    assert mapped["subscribers"] == canonical["subscribers"]
    assert dict(ExtraAttribute.objects.values_list("key", "value_type")) == canonical["extra"]
    assert mapped["charges"] == canonical["charges"]
    assert to_the_minute(mapped["payments"]) == to_the_minute(canonical["payments"])
    assert mapped["facts"] == canonical["facts"]
    assert mapped["summaries"] == canonical["summaries"]
    assert mapped["migrations"] == canonical["migrations"]


def test_the_canonical_export_keeps_its_seconds(canonical):
    assert any(at.second for _a, at, *_rest in canonical["payments"])


def test_an_export_of_another_shape_without_its_mapping_is_refused(billing, generated):
    before = billing.snapshot()
    result = billing.run(generated("utm5"))
    assert not result.ok
    assert {e.file for e in result.errors} == {
        "filialy.csv",
        "doma.csv",
        "abonents.csv",
        "nachisleniya.csv",
        "platezhi.csv",
    }
    assert billing.snapshot() == before


def test_a_bad_date_in_a_mapped_export_is_reported_in_the_mapping_s_format(
    billing, generated, tmp_path
):
    source = generated("utm5") / "abonents.csv"
    lines = source.read_bytes().split(b"\r\n")
    cells = lines[1].split(b";")
    cells[14] = "31.02.2024".encode("cp1251")  # Дата подключения
    lines[1] = b";".join(cells)
    bad = tmp_path / "abonents.csv"
    bad.write_bytes(b"\r\n".join(lines))
    result = billing.run([bad], mapping=mapping("utm5"))
    # the column goes by the file's own name, with the canonical one beside it
    assert [(e.file, e.line, e.column, e.value) for e in result.errors] == [
        ("abonents.csv", 2, "Дата подключения (connected_on)", "31.02.2024")
    ]
    assert "DD.MM.YYYY" in result.errors[0].message
