"""The coverage check: is this address served, by what, with free ports? Applications, sales and
the pages call `check(user, text)`; docs/buildings.md describes the contract.

    from subscribers import coverage
    try:
        answer = coverage.check(request.user, "ул. Ленина, 12")
    except coverage.AddressError as error:
        ...  # str(error): a translated message for the person who typed it
    if answer.status == coverage.SERVED and answer.free_ports != 0:
        ...

It reads only; it narrows to the user's branches (a building of another branch is unknown) and
leaves the permission check (subscribers.view_building) to its caller."""

from dataclasses import dataclass, field
from datetime import date

from django.db.models import QuerySet
from django.utils import formats, timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from core.access import scoped

from . import addresses, buildings
from .addresses import AddressError
from .models import Building

__all__ = [
    "AMBIGUOUS",
    "NOT_COVERED_YET",
    "SERVED",
    "UNKNOWN",
    "AddressError",
    "Coverage",
    "check",
    "of_building",
]

SERVED = "served"
NOT_COVERED_YET = "not_covered_yet"
UNKNOWN = "unknown"
AMBIGUOUS = "ambiguous"
LABELS = {
    SERVED: gettext_lazy("Served"),
    NOT_COVERED_YET: gettext_lazy("Not covered yet"),
    UNKNOWN: gettext_lazy("Unknown address"),
    AMBIGUOUS: gettext_lazy("Which building?"),
}
MAX_CANDIDATES = 10


@dataclass(frozen=True)
class Coverage:
    """The answer. For a single building (served or not covered yet) `building` and the figures
    are set; for an ambiguous address `candidates` holds the coverage of up to ten buildings
    (each served or not covered yet); for an unknown one both are empty."""

    status: str  # SERVED, NOT_COVERED_YET, UNKNOWN or AMBIGUOUS
    message: str  # a translated sentence for the person who asked
    address: str = ""  # as typed
    building: Building | None = None  # with the figures of buildings.with_figures
    technology: str = ""  # the code ("FTTB"); building.get_technology_display() is its name
    flats: int | None = None
    ports: int | None = None  # 0: the building's ports are not counted
    free_ports: int | None = None  # None: not counted (see buildings.py)
    active_subscribers: int | None = None
    coverage_since: date | None = None
    candidates: tuple["Coverage", ...] = field(default_factory=tuple)

    @property
    def label(self) -> str:
        return str(LABELS[self.status])

    @property
    def served(self) -> bool:
        return self.status == SERVED

    @property
    def has_free_ports(self) -> bool | None:
        """True/False when ports are counted; None when they are not."""
        return None if self.free_ports is None else self.free_ports > 0


def _day(value: date) -> str:
    return formats.date_format(value, "SHORT_DATE_FORMAT")


def _ports_sentence(building: Building) -> str:
    if building.free_ports is None:
        return _("Ports are not counted for this building.")
    if building.free_ports <= 0:
        return _("No free ports: all %(ports)s are taken.") % {"ports": building.ports}
    return ngettext(
        "%(free)s free port of %(ports)s.", "%(free)s free ports of %(ports)s.", building.free_ports
    ) % {"free": building.free_ports, "ports": building.ports}


def _sentence(building: Building, served: bool) -> str:
    technology = building.get_technology_display()
    where = buildings.address(building)
    if not served:
        if not technology:
            return _("%(address)s is known but not covered yet: it has no technology.") % {
                "address": where
            }
        return _("%(address)s is not covered yet: %(technology)s from %(since)s.") % {
            "address": where,
            "technology": technology,
            "since": _day(building.coverage_since),
        }
    if building.coverage_since:
        head = _("%(address)s is served by %(technology)s since %(since)s.") % {
            "address": where,
            "technology": technology,
            "since": _day(building.coverage_since),
        }
    else:
        head = _("%(address)s is served by %(technology)s.") % {
            "address": where,
            "technology": technology,
        }
    return f"{head} {_ports_sentence(building)}"


def of_building(building: Building, *, today: date | None = None, address: str = "") -> Coverage:
    """The coverage of a known building (read with buildings.with_figures)."""
    today = today or timezone.localdate()
    served = buildings.is_covered(building, today)
    return Coverage(
        status=SERVED if served else NOT_COVERED_YET,
        message=_sentence(building, served),
        address=address,
        building=building,
        technology=building.technology,
        flats=building.flats,
        ports=building.ports,
        free_ports=building.free_ports,
        active_subscribers=building.active,
        coverage_since=building.coverage_since,
    )


def visible_buildings(user) -> QuerySet:
    """The buildings of the user's branches; with no user (a prospect's own form on the
    operator's site), every branch's."""
    if user is None:
        return Building.objects.all()
    return scoped(Building.objects.all(), user, "street__city__branch")


def _with_figures(pks: list[int]) -> list[Building]:
    rows = buildings.with_figures(
        Building.objects.filter(pk__in=pks).select_related("street__city__branch")
    )
    by_pk = {b.pk: b for b in rows}
    return [by_pk[pk] for pk in pks if pk in by_pk]


def check(user, text: str, *, today: date | None = None) -> Coverage:
    """Whether the address typed in `text` is served, among the buildings of the user's
    branches. Raises AddressError (a translated message) for input that is not an address."""
    address = addresses.parse(text)
    found = addresses.matches(visible_buildings(user), address)
    top = addresses.best(found)
    if not top:
        return Coverage(
            status=UNKNOWN,
            message=_("No building at %(address)s in your branches.") % {"address": address.text},
            address=address.text,
        )
    if len(top) == 1 and top[0].score[0] == 2:
        (building,) = _with_figures([top[0].pk])
        return of_building(building, today=today, address=address.text)
    # Several equally good, or only near matches ("12" for "12к1"): the person chooses.
    candidates = sorted(
        _with_figures([m.pk for m in top[:MAX_CANDIDATES]]),
        key=lambda b: (
            b.street.city.name,
            b.street.name,
            b.house_number,
            addresses.house_of(b.house),
        ),
    )
    candidates = [of_building(b, today=today) for b in candidates]
    if top[0].score[0] == 2:
        message = _("Several buildings match %(address)s: choose one.") % {"address": address.text}
    else:
        message = _("No building has exactly this number; did you mean one of these?")
    return Coverage(
        status=AMBIGUOUS, message=message, address=address.text, candidates=tuple(candidates)
    )
