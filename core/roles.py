"""The department's roles as data, and their Django groups.

A role is a Django group named by the role's code; its permissions are written here and nowhere
else. Each block adds the permissions its roles need as it is built; roles_sync() brings the
groups in line (it runs in demo_setup and may run after every deploy)."""

from dataclasses import dataclass

from django.apps import apps
from django.contrib.auth.management import create_permissions
from django.contrib.auth.models import Group, Permission
from django.core.exceptions import ImproperlyConfigured
from django.db import transaction
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

ALL = "__all__"

# Building blocks of the permission sets, as "app_label.codename".
REPORTS = (
    "subscribers.view_monthlysummary",
    "subscribers.view_tariffmigrationsummary",
)
COVERAGE = (
    "core.view_branch",
    "subscribers.view_city",
    "subscribers.view_street",
    "subscribers.view_building",
    "subscribers.view_tariff",
    "subscribers.view_service",
)
BASE = COVERAGE + (
    "subscribers.view_subscriber",
    "subscribers.view_statusevent",
    "subscribers.view_extraattribute",
)
LEDGER = (
    "subscribers.view_charge",
    "subscribers.view_payment",
    "subscribers.view_adjustment",
)
IMPORT = (
    "subscribers.add_importbatch",
    "subscribers.view_importbatch",
    "subscribers.view_importmapping",
    "core.view_job",
)


@dataclass(frozen=True)
class Role:
    code: str
    name: Promise
    description: Promise
    permissions: tuple[str, ...] | str  # or ALL

    def __str__(self) -> str:
        return str(self.name)


ROLES: tuple[Role, ...] = (
    Role(
        "head",
        _("Head of department"),
        _("Runs the subscriber department: plans, reports, staff, the billing import."),
        REPORTS + BASE + LEDGER + IMPORT + ("subscribers.view_monthlyfact",),
    ),
    Role(
        "coordinator",
        _("Coordinator"),
        _("Takes a new subscriber from the application to a working service."),
        BASE,
    ),
    Role(
        "cashier",
        _("Cashier"),
        _("Takes payments at the office and answers questions about the balance."),
        BASE + LEDGER,
    ),
    Role(
        "supervisor",
        _("Shift supervisor"),
        _("Leads the office shift, watches the queue and the shift's figures."),
        REPORTS + BASE + LEDGER,
    ),
    Role(
        "office_manager",
        _("Office manager"),
        _("Serves walk-in subscribers: applications, complaints, contracts."),
        BASE + LEDGER,
    ),
    Role(
        "operator",
        _("Contact-center operator"),
        _("Answers and makes calls by the scripts: inbound requests, reminders, surveys."),
        BASE + LEDGER,
    ),
    Role(
        "collector",
        _("Debt collector"),
        _("Works the overdue registry: calls, promises to pay, letters."),
        REPORTS + BASE + LEDGER,
    ),
    Role(
        "retention",
        _("Retention specialist"),
        _("Keeps subscribers who want to leave and wins back those who left."),
        REPORTS + BASE + LEDGER,
    ),
    Role(
        "sales_agent",
        _("Sales agent"),
        _("Sells door to door and at promo stands; registers applications from a phone."),
        COVERAGE,
    ),
    Role(
        "installer",
        _("Installer"),
        _("Connects subscribers at their address; sees the day's visits on a phone."),
        COVERAGE + ("subscribers.view_subscriber",),
    ),
    Role(
        "recruiter",
        _("Recruiter"),
        _("Finds and hires staff: vacancies, candidates, interviews."),
        (),
    ),
    Role(
        "trainer",
        _("Trainer"),
        _("Teaches staff the products and the scripts; runs tests."),
        COVERAGE,
    ),
    Role(
        "admin",
        _("Administrator"),
        _("Sets up the system: users, roles, mappings, imports."),
        ALL,
    ),
)

ROLES_BY_CODE = {role.code: role for role in ROLES}


def _ensure_permissions() -> None:
    """Permissions are made after migrate; make them now too, so a fresh app is covered."""
    for app_config in apps.get_app_configs():
        create_permissions(app_config, verbosity=0)


def _permissions_by_name() -> dict[str, Permission]:
    return {
        f"{perm.content_type.app_label}.{perm.codename}": perm
        for perm in Permission.objects.select_related("content_type")
    }


@transaction.atomic
def roles_sync() -> dict[str, Group]:
    """Create or update one group per role with exactly the role's permissions."""
    _ensure_permissions()
    known = _permissions_by_name()
    groups = {}
    for role in ROLES:
        if role.permissions == ALL:
            wanted = list(known.values())
        else:
            missing = [name for name in role.permissions if name not in known]
            if missing:
                raise ImproperlyConfigured(
                    f"Role {role.code!r} names unknown permissions: {', '.join(missing)}"
                )
            wanted = [known[name] for name in role.permissions]
        group, _created = Group.objects.get_or_create(name=role.code)
        group.permissions.set(wanted)
        groups[role.code] = group
    return groups


def user_roles(user) -> list[Role]:
    """The roles of a user, in the order of ROLES."""
    codes = set(user.groups.values_list("name", flat=True)) if user.pk else set()
    return [role for role in ROLES if role.code in codes]
