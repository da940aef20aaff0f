"""The standard segments of the segmentation method (docs/segmentation.md): by tenure, ARPU,
technology, payment behaviour, debt, status and tariff. Thresholds that depend on the
operator's prices (ARPU, a large debt) are read from the base when the segments are made."""

from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from urllib.parse import urlencode

from django.db.models import Count
from django.utils import formats
from django.utils.translation import gettext as _

from subscribers.filtersets import PaymentBehaviour
from subscribers.models import Status, Subscriber, Technology

SERVED = [Status.ACTIVE, Status.SUSPENDED]  # not terminated


@dataclass(frozen=True)
class Standard:
    code: str
    name: str
    description: str
    query: str


def _query(**filters) -> str:
    return urlencode(
        [
            (k, v)
            for k, values in filters.items()
            for v in (values if isinstance(values, list) else [values])
        ]
    )


def nice(amount: Decimal) -> Decimal:
    """An amount rounded to two significant digits (873.45 → 870, 1190 → 1200), for a
    threshold people read and remember."""
    if amount <= 0:
        return Decimal(0)
    digits = amount.adjusted()  # the power of ten of the first digit
    step = Decimal(10) ** (digits - 1)
    return (amount / step).quantize(Decimal(1), ROUND_HALF_UP) * step


def _amount(amount: Decimal) -> str:
    return formats.number_format(amount, 0, use_l10n=True, force_grouping=True)


def _arpu_at(share: float) -> Decimal | None:
    """The ARPU below which `share` of the active subscribers with an ARPU are."""
    rows = Subscriber.objects.filter(status=Status.ACTIVE, money__arpu__isnull=False)
    total = rows.count()
    if not total:
        return None
    index = min(total - 1, int(total * share))
    return rows.order_by("money__arpu").values_list("money__arpu", flat=True)[index]


def standard_segments() -> list[Standard]:
    """The standard segments for this base, in the active language."""
    made = [
        Standard(
            "newcomers",
            _("Newcomers (under 3 months)"),
            _(
                "Active subscribers connected less than three months ago. For the welcome call, "
                "explaining the first bills and watching early churn: a newcomer who leaves "
                "leaves in the first months."
            ),
            _query(status=Status.ACTIVE, tenure_to=2),
        ),
        Standard(
            "loyal",
            _("Loyal (over 3 years)"),
            _(
                "Active subscribers with us three years or more. For thanks and loyalty offers, "
                "upgrades and referral campaigns; losing one of them costs the most, so the "
                "retention specialist calls them first when they want to leave."
            ),
            _query(status=Status.ACTIVE, tenure_from=36),
        ),
        Standard(
            "on_time",
            _("Pay on time"),
            _(
                "Active subscribers charged in the last six months and never in debt at a month's "
                "end. The reliable core: surveys, referral and upgrade offers."
            ),
            _query(status=Status.ACTIVE, payment=PaymentBehaviour.ON_TIME),
        ),
        Standard(
            "sometimes_late",
            _("Sometimes late"),
            _(
                "Active subscribers who ended one or two of the last six months in debt. For a "
                "reminder before the payment date and an offer of automatic payment, before "
                "lateness becomes a habit."
            ),
            _query(status=Status.ACTIVE, payment=PaymentBehaviour.SOMETIMES_LATE),
        ),
        Standard(
            "chronic_debtors",
            _("Chronic debtors"),
            _(
                "Subscribers not terminated who ended three or more of the last six months in "
                "debt. The debt collector's call list, letters and promises to pay; the "
                "receivables report follows them."
            ),
            _query(status=SERVED, payment=PaymentBehaviour.CHRONIC),
        ),
        Standard(
            "suspended",
            _("Suspended subscribers"),
            _(
                "Subscribers whose service is suspended, for debt or at their request. For a call "
                "to bring them back before they terminate: the win-back list of the retention "
                "specialist and the debt collector."
            ),
            _query(status=Status.SUSPENDED),
        ),
    ]
    high, low, median = _arpu_at(0.8), _arpu_at(0.2), _arpu_at(0.5)
    if high:
        made.append(
            Standard(
                "high_arpu",
                _("High ARPU"),
                _(
                    "Active subscribers whose ARPU (the mean monthly charge of the last six "
                    "months) is %(amount)s or more: about the top fifth when the segment was "
                    "made. Keep them first: personal service, retention offers, premium "
                    "services."
                )
                % {"amount": _amount(nice(high))},
                _query(status=Status.ACTIVE, arpu_from=nice(high)),
            )
        )
    if low:
        made.append(
            Standard(
                "low_arpu",
                _("Low ARPU"),
                _(
                    "Active subscribers whose ARPU is %(amount)s or less: about the bottom fifth "
                    "when the segment was made. Upsell: a faster tariff, TV, a second service."
                )
                % {"amount": _amount(nice(low))},
                _query(status=Status.ACTIVE, arpu_to=nice(low)),
            )
        )
    if median:
        large = nice(median * 2)
        made.append(
            Standard(
                "large_debt",
                _("Large debt"),
                _(
                    "Subscribers not terminated who owe more than %(amount)s, about two months "
                    "of a typical bill. The debt collector calls them in person and records "
                    "promises to pay; the letters and suspension follow the dunning policy."
                )
                % {"amount": _amount(large)},
                _query(status=SERVED, balance_to=-large),
            )
        )
    technologies = dict(Technology.choices)
    present = (
        Subscriber.objects.filter(status=Status.ACTIVE)
        .exclude(technology="")
        .values_list("technology", flat=True)
        .distinct()
    )
    for technology in sorted(present):
        label = technologies.get(technology, technology)
        made.append(
            Standard(
                f"technology_{technology.lower()}",
                _("%(technology)s subscribers") % {"technology": label},
                _(
                    "Active subscribers on %(technology)s. For notices of network works and "
                    "outages, and for moving them to a newer technology where the building has "
                    "it."
                )
                % {"technology": label},
                _query(status=Status.ACTIVE, technology=technology),
            )
        )
    top = (
        Subscriber.objects.filter(status=Status.ACTIVE, tariff__isnull=False)
        .values("tariff", "tariff__name")
        .annotate(n=Count("pk"))
        .order_by("-n", "tariff")
        .first()
    )
    if top:
        made.append(
            Standard(
                "top_tariff",
                _("Tariff “%(tariff)s”") % {"tariff": top["tariff__name"]},
                _(
                    "Active subscribers of the most common tariff when the segment was made. For "
                    "tariff campaigns and notices of a price change."
                ),
                _query(status=Status.ACTIVE, tariff=top["tariff"]),
            )
        )
    return made
