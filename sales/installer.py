"""The installer's day (2.3.3, issue item 6): the jobs of today, starting and closing a visit from
a phone (closing one as connected makes the subscriber), the visit's photos, and the export of
connected applications to the billing system."""

import zlib
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal, InvalidOperation

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, connection, transaction
from django.db.models import QuerySet, TextChoices
from django.db.models.functions import Length
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from comms.triggers import subscriber_connected
from core.access import scoped
from subscribers.models import Status, StatusEvent, Subscriber

from .models import Application, Installer, Reason, ReasonKind, Team, Visit, VisitPhoto
from .relocation import relocation_visit_closed
from .services import application_step

V = Visit.State
PHOTO_MAX_BYTES = 10 * 1024 * 1024
PHOTO_TYPES = {"image/jpeg", "image/png", "image/webp", "image/gif", "image/heic", "image/heif"}
MATERIALS_MAX = 30
# The jobs an installer sees in the day: not the ones moved to another day or cancelled.
OF_THE_DAY = (V.BOOKED, V.STARTED, V.DONE, V.FAILED)


class Result(TextChoices):
    CONNECTED = "connected", gettext_lazy("Connected")
    FAILED = "failed", gettext_lazy("Not connected")


# -- whose job, which day ------------------------------------------------------------------------
def installer_of(user) -> Installer | None:
    if not getattr(user, "is_authenticated", False):
        return None
    return Installer.objects.select_related("team__branch").filter(user=user).first()


def team_today(team: Team) -> date:
    """Today where the team works (the branch's time zone)."""
    return timezone.localdate(timezone=team.branch.tz)


def visits_today(installer: Installer) -> QuerySet:
    """The installer's jobs of today in the order of the day, with what the list shows."""
    return (
        Visit.objects.filter(
            slot__team_id=installer.team_id,
            slot__date=team_today(installer.team),
            state__in=OF_THE_DAY,
        )
        .select_related(
            "slot",
            "application__tariff",
            "application__building__street__city",
            "relocation__subscriber",
            "relocation__building__street__city",
        )
        .order_by("slot__starts", "order", "id")
    )


def _own(visit: Visit, by) -> Installer:
    """The installer `by`, when the visit is their team's; else PermissionDenied."""
    installer = installer_of(by)
    if installer is None or installer.team_id != visit.slot.team_id:
        raise PermissionDenied(_("This job belongs to another team."))
    return installer


def _locked(visit: Visit) -> Visit:
    """The visit read again under a row lock: two taps on a phone are two requests."""
    rows = Visit.objects.select_for_update(of=("self",)).select_related("slot__team__branch")
    return rows.get(pk=visit.pk)


# -- starting and closing ------------------------------------------------------------------------
@transaction.atomic
def visit_start(*, visit: Visit, by) -> Visit:
    """The installer is at the address: a booked visit of today becomes started, and its
    application installing (the automatic step "start"). Starting it again changes nothing."""
    visit = _locked(visit)
    installer = _own(visit, by)
    if visit.state == V.STARTED:
        return visit
    if visit.state != V.BOOKED:
        raise ValidationError(_("Only a booked job can be started."))
    if visit.slot.date != team_today(installer.team):
        raise ValidationError(_("This job is not for today."))
    visit.state = V.STARTED
    visit.started_at = timezone.now()
    visit.save(update_fields=["state", "started_at"])
    if visit.application_id:
        application_step(application=visit.application, action="start", by=by, automatic=True)
    return visit


@dataclass(frozen=True)
class Material:
    name: str
    quantity: Decimal

    def as_json(self) -> dict:
        return {"name": self.name, "quantity": str(self.quantity.normalize())}


def materials_clean(rows) -> list[dict]:
    """[{name, quantity}, …] with blank rows dropped; a name without a positive quantity (or the
    other way round) is refused, naming the row."""
    cleaned = []
    for number, row in enumerate(rows or [], start=1):
        name = " ".join(str(row.get("name") or "").split())[:120]
        raw = str(row.get("quantity") or "").strip().replace(",", ".")
        if not name and not raw:
            continue
        try:
            quantity = Decimal(raw)
        except InvalidOperation:
            quantity = None
        if not name or quantity is None or not quantity.is_finite() or quantity <= 0:
            raise ValidationError(
                {
                    "materials": _("Row %(n)s: give the material and a quantity above zero.")
                    % {"n": number}
                }
            )
        cleaned.append(Material(name, quantity).as_json())
    if len(cleaned) > MATERIALS_MAX:
        raise ValidationError({"materials": _("At most %(n)s rows.") % {"n": MATERIALS_MAX}})
    return cleaned


@transaction.atomic
def visit_finish(
    *,
    visit: Visit,
    by,
    result: str,
    reason: Reason | None = None,
    materials=(),
    comment: str = "",
    account: str = "",
) -> Visit:
    """Close a started job. Connected: the application's subscriber is made (the account typed
    from the billing system, or the next of the sequence) and the application moves to
    connected; failed: a reason of the failed kind is required and the application goes back to
    rescheduled. A job already closed is left as it is (a second tap, a resent form)."""
    visit = _locked(visit)
    _own(visit, by)
    if visit.state in (V.DONE, V.FAILED):
        return visit
    if visit.state != V.STARTED:
        raise ValidationError(_("Start the job first."))
    if result not in Result.values:
        raise ValidationError({"result": _("Say whether the subscriber is connected.")})
    visit.materials = materials_clean(materials)
    visit.comment = comment.strip()
    visit.finished_at = timezone.now()
    if result == Result.FAILED:
        if reason is None or reason.kind != ReasonKind.FAILED:
            raise ValidationError({"reason": _("Choose why the installation failed.")})
        if not reason.active:  # switched off on the settings page since the form was opened
            raise ValidationError({"reason": _("This reason is no longer in use: choose another.")})
        visit.state = V.FAILED
        visit.reason = reason
        if visit.application_id:
            application_step(
                application=visit.application, action="fail", by=by, reason=reason,
                note=visit.comment, automatic=True,
            )  # fmt: skip
    else:
        visit.state = V.DONE
        if visit.application_id:
            application = application_step(
                application=visit.application, action="connect", by=by, note=visit.comment,
                automatic=True,
            )  # fmt: skip
            if application.subscriber_id is None:
                application.subscriber = subscriber_from(application, account=account)
                application.save(update_fields=["subscriber"])
                subscriber_connected(subscriber=application.subscriber)  # the welcome SMS
    visit.save(
        update_fields=["state", "reason", "materials", "comment", "finished_at"]
    )  # fmt: skip
    relocation_visit_closed(visit=visit, by=by)  # a relocation's visit moves the subscriber
    return visit


# -- the subscriber an application becomes -------------------------------------------------------
ACCOUNT_LOCK = zlib.crc32(b"abonent.account_sequence")  # PostgreSQL advisory lock key


def account_format() -> tuple[str, int, int]:
    """(prefix, digits, first number) of the accounts Abonent gives: ABONENT_ACCOUNT_PREFIX,
    ABONENT_ACCOUNT_DIGITS, ABONENT_ACCOUNT_START in the settings."""
    return (
        getattr(settings, "ABONENT_ACCOUNT_PREFIX", ""),
        int(getattr(settings, "ABONENT_ACCOUNT_DIGITS", 8)),
        int(getattr(settings, "ABONENT_ACCOUNT_START", 1)),
    )


def account_next() -> str:
    """The account after the largest one of the sequence's form (the prefix and exactly `digits`
    digits) already taken; call it inside the transaction that inserts the subscriber, which
    account_lock() serializes. Accounts of other forms (the billing's own) never collide."""
    prefix, digits, start = account_format()
    low, high = prefix + "0" * digits, prefix + "9" * digits
    taken = (
        Subscriber.objects.filter(account__gte=low, account__lte=high)
        .annotate(size=Length("account"))
        .filter(size=len(low))
        .order_by("-account")
        .values_list("account", flat=True)
    )
    last = start - 1
    for value in taken[:200]:  # the unique index gives them largest first
        if value[len(prefix) :].isdigit():
            last = max(last, int(value[len(prefix) :]))
            break
    return f"{prefix}{last + 1:0{digits}d}"


def account_lock() -> None:
    """One connection at a time computes the next account, until its transaction ends.
    PostgreSQL: an advisory lock; SQLite: the transaction began IMMEDIATE (settings), so it
    already holds the database's write lock."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(%s)", [ACCOUNT_LOCK])


def subscriber_from(application: Application, *, account: str = "") -> Subscriber:
    """The active subscriber an application becomes today: its contact, address, technology and
    tariff, a "connected" status event. `account` typed from the billing system must be free;
    blank takes the next of the sequence."""
    account = "".join(account.split())
    building = application.building
    branch = application.branch
    today = timezone.localdate(timezone=branch.tz)
    technology = application.technology or (building.technology if building else "")
    fields = {
        "full_name": application.full_name,
        "phone": application.phone,
        "email": application.email,
        "branch": branch,
        "building": building,
        "flat": application.flat,
        "technology": technology[:10],
        "tariff": application.tariff,
        "status": Status.ACTIVE,
        "connected_on": today,
    }
    if account:
        if len(account) > Subscriber._meta.get_field("account").max_length:
            raise ValidationError({"account": _("The account is too long.")})
        if Subscriber.objects.filter(account=account).exists():
            raise ValidationError(
                {"account": _("Account %(account)s is taken already.") % {"account": account}}
            )
        subscriber = _insert(Subscriber(account=account, **fields))
        if subscriber is None:  # typed at the same moment by someone else
            raise ValidationError(
                {"account": _("Account %(account)s is taken already.") % {"account": account}}
            )
    else:
        account_lock()
        subscriber = None
        for _attempt in range(3):  # a writer outside the lock (the import) took the number
            subscriber = _insert(Subscriber(account=account_next(), **fields))
            if subscriber is not None:
                break
        if subscriber is None:
            raise ValidationError({"account": _("No free account number; type one.")})
    StatusEvent.objects.create(
        subscriber=subscriber,
        kind=StatusEvent.Kind.CONNECTED,
        happened_on=today,
        new_tariff=application.tariff,
        reason=_("Application %(number)s") % {"number": application.number},
    )
    return subscriber


def _insert(subscriber: Subscriber) -> Subscriber | None:
    """The subscriber saved, or None when its account turned out taken (nothing written)."""
    try:
        with transaction.atomic():
            subscriber.save()
    except IntegrityError:
        return None
    return subscriber


# -- photos --------------------------------------------------------------------------------------
def _looks_like_image(upload) -> bool:
    """The bytes are a picture Pillow reads (or a phone's HEIC, which it does not)."""
    from PIL import Image, UnidentifiedImageError

    upload.seek(0)
    head = upload.read(32)
    upload.seek(0)
    if head[4:8] == b"ftyp" and head[8:12] in (b"heic", b"heix", b"mif1", b"msf1", b"heif"):
        return True
    try:
        with Image.open(upload) as image:
            image.verify()
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError):
        return False
    finally:
        upload.seek(0)
    return True


@transaction.atomic
def visit_photo_add(*, visit: Visit, by, upload) -> VisitPhoto:
    """A photo of the job (the socket, the cable run, the router): a picture of at most 10 MB."""
    visit = _locked(visit)
    _own(visit, by)
    if visit.state not in OF_THE_DAY:
        raise ValidationError(_("This job is not the installer's any more."))
    content_type = (getattr(upload, "content_type", "") or "").split(";")[0].strip().lower()
    if content_type not in PHOTO_TYPES or not _looks_like_image(upload):
        raise ValidationError(
            {"photo": _("“%(name)s” is not a photo.") % {"name": getattr(upload, "name", "")}}
        )
    if upload.size > PHOTO_MAX_BYTES:
        raise ValidationError({"photo": _("A photo may be at most 10 MB.")})
    return VisitPhoto.objects.create(visit=visit, image=upload)


# -- the export to billing -----------------------------------------------------------------------
EXPORT_COLUMNS = (
    ("account", gettext_lazy("Account")),
    ("full_name", gettext_lazy("Name")),
    ("phone", gettext_lazy("Phone")),
    ("address", gettext_lazy("Address")),
    ("tariff", gettext_lazy("Tariff")),
    ("connected_on", gettext_lazy("Connected")),
    ("paid", gettext_lazy("Payment taken")),
    ("agent", gettext_lazy("Agent")),
    ("number", gettext_lazy("Application")),
)


def place_of(application: Application) -> str:
    """The building as the coverage knows it (city, street, house), else the address given."""
    if application.building_id:
        return f"{application.building.street.city}, {application.building}"
    return application.address


def address_of(application: Application) -> str:
    place = place_of(application)
    return f"{place}, {application.flat}" if application.flat else place


def billing_export(
    *, user=None, since: datetime | date | None = None, until: datetime | None = None
) -> QuerySet:
    """Connected applications not exported to billing yet (of the user's branches), connected
    since `since` and up to `until` when given, oldest first. The page passes the moment it
    was drawn as `until`, so the download and "mark as exported" cover the same rows."""
    rows = Application.objects.filter(
        state=Application.State.CONNECTED, exported_at__isnull=True, subscriber__isnull=False
    )
    if since is not None:
        if not isinstance(since, datetime):
            since = datetime.combine(since, datetime.min.time(), timezone.get_current_timezone())
        rows = rows.filter(connected_at__gte=since)
    if until is not None:
        rows = rows.filter(connected_at__lte=until)
    if user is not None:
        rows = scoped(rows, user)
    return rows.select_related("subscriber", "tariff", "agent", "building__street__city").order_by(
        "connected_at", "id"
    )


def billing_export_row(application: Application) -> dict:
    subscriber = application.subscriber
    agent = application.agent
    return {
        "account": subscriber.account,
        "full_name": application.full_name,
        "phone": application.phone,
        "address": address_of(application),
        "tariff": application.tariff.name if application.tariff_id else "",
        "connected_on": subscriber.connected_on,
        "paid": application.paid,
        "agent": (agent.get_full_name() or agent.get_username()) if agent else "",
        "number": application.number,
    }


@transaction.atomic
def billing_export_mark(*, by, until: datetime, since: datetime | date | None = None) -> int:
    """Mark exported the rows billing_export gives for the same bounds (those still unmarked
    that the user sees); marking twice changes nothing. Returns how many were marked now."""
    chosen = billing_export(user=by, since=since, until=until).values("pk").order_by()
    now = timezone.now()
    marked = 0
    for application in Application.objects.select_for_update().filter(pk__in=chosen):
        if application.exported_at is None:  # saved one by one: each leaves its history
            application.exported_at = now
            application.save(update_fields=["exported_at"])
            marked += 1
    return marked
