"""Helpers of the two intake pages (the public form, the field agent's form): which building
an ambiguous address means, which branch an unknown address belongs to, and the per-IP and
per-phone rate limits kept in Django's cache."""

from django.core.cache import cache
from django.utils.translation import gettext as _

from core.models import Branch
from subscribers import addresses, coverage
from subscribers.models import City


def candidate_chosen(answer: coverage.Coverage, pk) -> object | None:
    """The building with this pk among the candidates of an ambiguous answer, else None."""
    for candidate in answer.candidates:
        if str(candidate.building.pk) == str(pk):
            return candidate.building
    return None


def branch_guess(answer: coverage.Coverage) -> Branch | None:
    """For an address no building matches (a prospect with no branch of their own): the branch
    of the city typed, the only branch, or the first one; its coordinator moves it if need be."""
    if answer.candidates:
        return answer.candidates[0].building.street.city.branch
    branches = list(Branch.objects.order_by("pk")[:2])
    if len(branches) == 1:
        return branches[0]
    try:
        typed = set(addresses.parse(answer.address).cities)
    except addresses.AddressError:
        typed = set()
    if typed:
        for city in City.objects.select_related("branch").order_by("pk"):
            if addresses.city_of(city.name) in typed:
                return city.branch
    return branches[0] if branches else None


class RateLimit:
    """At most `limit` hits of one key in `seconds` (a fixed window from the first hit). Works
    with any shared cache (Redis in production, local memory in a single process)."""

    def __init__(self, name: str, limit: int, seconds: int):
        self.name, self.limit, self.seconds = name, limit, seconds

    def _key(self, value: str) -> str:
        return f"sales:ratelimit:{self.name}:{value}"

    def exceeded(self, value: str) -> bool:
        return (cache.get(self._key(value)) or 0) >= self.limit

    def hit(self, value: str) -> None:
        key = self._key(value)
        if cache.add(key, 1, self.seconds):
            return
        try:
            cache.incr(key)
        except ValueError:  # expired between add() and incr()
            cache.set(key, 1, self.seconds)


def limit_message(kind: str) -> str:
    if kind == "ip":
        return _(
            "Too many applications were sent from your network in the last hour. "
            "Please try again later or call us."
        )
    return _(
        "We already have several applications with this phone number today; "
        "we will call you back. You do not need to send another one."
    )
