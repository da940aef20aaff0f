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
    "subscribers.view_subscribermoney",
    "subscribers.view_statusevent",
    "subscribers.view_extraattribute",
    "segments.view_segment",
)
# Making the segments that campaigns, call lists and reports target (docs/segmentation.md).
SEGMENTS = ("segments.add_segment", "segments.change_segment", "segments.delete_segment")
PERSONAL = ("subscribers.view_personal_data",)
AUDIT = ("core.view_auditevent",)
# The Word templates of printed documents (core.documents), replaced by the head.
DOCUMENTS = (
    "core.view_documenttemplate",
    "core.add_documenttemplate",
    "core.change_documenttemplate",
    "core.delete_documenttemplate",
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
    "subscribers.view_billingsource",
    "subscribers.add_billingsource",
    "subscribers.change_billingsource",
    "subscribers.delete_billingsource",
    "core.view_job",
)

# Surveys and their results (comms.surveys): read with the messages, made by the head.
SURVEYS = (
    "comms.view_survey",
    "comms.view_question",
    "comms.view_invitation",
    "comms.view_response",
    "comms.view_answer",
    "comms.view_tvchannel",  # the line-up the TV-channel survey asks about
)
SURVEYS_EDIT = (
    "comms.add_survey",
    "comms.change_survey",
    "comms.add_question",
    "comms.change_question",
    "comms.add_invitation",
    "comms.add_tvchannel",
    "comms.change_tvchannel",
)
# The messages subscribers get (comms): read by those who talk to subscribers, written by the
# head of department, who approves what the department says.
# The contact rules (who may be contacted when): read by the same, and the opt-out set on a
# card by those who talk to subscribers; the rules themselves set by the head.
MESSAGES = (
    "comms.view_messagetemplate",
    "comms.view_triggersetting",  # which event sends which template, where
    "comms.view_contactpolicy",
    "comms.view_consent",
    "comms.view_contactrefusal",
    "comms.view_message",
    "comms.view_campaign",
    # The call scripts, the objection book, the call log and the call lists.
    "comms.view_script",
    "comms.view_scriptversion",
    "comms.view_objectioncategory",
    "comms.view_objection",
    "comms.view_call",
    "comms.view_calllist",
    "comms.view_calllistentry",
    "comms.view_outage",  # what the caller may be ringing about
    *SURVEYS,
)
# Those who talk to subscribers make calls with the scripts.
TALKS = MESSAGES + (
    "comms.change_optout",
    "comms.change_consent",  # given and withdrawn on the card, beside the opt-out
    "comms.add_call",
    "comms.add_response",
)
# Those who organise calling: call lists made, assigned and closed.
CALL_LISTS = ("comms.add_calllist", "comms.change_calllist", "comms.change_calllistentry")
# Outages and planned works entered (and restored, cancelled): the head and the shift supervisor.
OUTAGES = ("comms.add_outage", "comms.change_outage")
MESSAGES_EDIT = (
    TALKS
    + CALL_LISTS
    + (
        "comms.add_script",
        "comms.change_script",
        "comms.add_objection",
        "comms.change_objection",
        "comms.add_objectioncategory",
        "comms.change_objectioncategory",
        "comms.add_messagetemplate",
        "comms.change_messagetemplate",
        "comms.change_triggersetting",
        "comms.change_contactpolicy",
        "comms.add_campaign",
        "comms.change_campaign",
        *SURVEYS_EDIT,
    )
)

# The coordination block (sales): applications taken by those who meet prospects, worked by
# the coordinator, the schedule kept by the coordinator, the visits closed by installers.
APPLICATIONS_TAKE = ("sales.view_application", "sales.add_application")
APPLICATIONS = APPLICATIONS_TAKE + (
    "sales.change_application",
    "sales.view_applicationevent",
    "sales.view_team",
    "sales.view_slot",
    "sales.view_visit",
    "sales.add_visit",
    "sales.change_visit",
    "sales.view_relocation",
    "sales.add_relocation",
    "sales.change_relocation",
    "sales.view_reason",
    "sales.view_slapolicy",
    "sales.view_referralprogramme",
    "sales.view_salesplan",
)
SCHEDULE_EDIT = (
    "sales.add_team",
    "sales.change_team",
    "sales.add_slot",
    "sales.change_slot",
    "sales.add_teamday",
    "sales.change_teamday",
    "sales.delete_teamday",
)
SALES_HEAD = (
    APPLICATIONS
    + SCHEDULE_EDIT
    + (
        "sales.add_salesplan",
        "sales.change_salesplan",
        "sales.add_reason",
        "sales.change_reason",
        "sales.change_slapolicy",
        "sales.add_referralprogramme",
        "sales.change_referralprogramme",
        "sales.view_referralreward",
        "sales.change_referralreward",
        "sales.add_reportrecipient",
        "sales.change_reportrecipient",
        "sales.view_reportrecipient",
    )
)
INSTALLS = ("sales.view_visit", "sales.change_visit", "sales.add_visitphoto", "sales.view_team")


STAFF = (
    "auth.view_user",
    "auth.add_user",
    "auth.change_user",
    "core.view_staffprofile",
    "core.change_staffprofile",
    "core.add_branch",
    "core.change_branch",
)


@dataclass(frozen=True)
class Role:
    code: str
    name: Promise
    description: Promise
    permissions: tuple[str, ...] | str  # or ALL
    duties: tuple[Promise, ...] = ()  # from the job description, as the product serves them

    def __str__(self) -> str:
        return str(self.name)


ROLES: tuple[Role, ...] = (
    Role(
        "head",
        _("Head of department"),
        _("Runs the subscriber department: plans, reports, staff, the billing import."),
        REPORTS
        + BASE
        + PERSONAL
        + LEDGER
        + IMPORT
        + AUDIT
        + SEGMENTS
        + MESSAGES_EDIT
        + OUTAGES
        + SALES_HEAD
        + DOCUMENTS
        + ("subscribers.view_monthlyfact", "auth.view_user"),
        duties=(
            _("Plans the department's work and its figures: connections, churn, collection."),
            _("Reads the analysis forms every month and decides what the department does next."),
            _("Approves the regulations, scripts and bonus rules; assigns staff to branches."),
            _("Runs the billing import and answers for the data the department works from."),
        ),
    ),
    Role(
        "coordinator",
        _("Coordinator"),
        _("Takes a new subscriber from the application to a working service."),
        BASE + PERSONAL + TALKS + APPLICATIONS + SCHEDULE_EDIT,
        duties=(
            _("Registers applications from every channel and checks the address is served."),
            _("Plans the installers' visits and keeps the schedule up to date."),
            _("Follows each application to a working service and tells the subscriber."),
            _("Reports the day's applications, connections and refusals."),
        ),
    ),
    Role(
        "cashier",
        _("Cashier"),
        _("Takes payments at the office and answers questions about the balance."),
        BASE + PERSONAL + LEDGER,
        duties=(
            _("Takes payments in the office and gives the receipt."),
            _("Explains the balance, charges and payments of an account."),
            _("Hands over the cash at the end of the shift, balanced with the register."),
        ),
    ),
    Role(
        "supervisor",
        _("Shift supervisor"),
        _("Leads the office shift, watches the queue and the shift's figures."),
        REPORTS + BASE + PERSONAL + LEDGER + SEGMENTS + TALKS + CALL_LISTS + OUTAGES + APPLICATIONS,
        duties=(
            _("Opens and closes the office shift; spreads the work among the staff on duty."),
            _("Watches the queue, the waiting time and the shift's figures."),
            _("Takes the difficult conversations and the complaints of the shift."),
            _("Stands in for the head of department when the head is away."),
        ),
    ),
    Role(
        "office_manager",
        _("Office manager"),
        _("Serves walk-in subscribers: applications, complaints, contracts."),
        BASE + PERSONAL + LEDGER + TALKS + APPLICATIONS_TAKE,
    ),
    Role(
        "operator",
        _("Contact-center operator"),
        _("Answers and makes calls by the scripts: inbound requests, reminders, surveys."),
        BASE + PERSONAL + LEDGER + TALKS + APPLICATIONS_TAKE,
    ),
    Role(
        "collector",
        _("Debt collector"),
        _("Works the overdue registry: calls, promises to pay, letters."),
        REPORTS + BASE + PERSONAL + LEDGER + SEGMENTS + TALKS,
    ),
    Role(
        "retention",
        _("Retention specialist"),
        _("Keeps subscribers who want to leave and wins back those who left."),
        REPORTS + BASE + PERSONAL + LEDGER + SEGMENTS + TALKS,
    ),
    Role(
        "sales_agent",
        _("Sales agent"),
        _("Sells door to door and at promo stands; registers applications from a phone."),
        COVERAGE + APPLICATIONS_TAKE,
    ),
    Role(
        "installer",
        _("Installer"),
        _("Connects subscribers at their address; sees the day's visits on a phone."),
        COVERAGE + ("subscribers.view_subscriber", "segments.view_segment") + PERSONAL + INSTALLS,
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
        BASE + MESSAGES,  # real cases for teaching, without personal data
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
    """The roles of a user, in the order of ROLES (read once per request)."""
    cached = getattr(user, "_abonent_roles", None)
    if cached is not None:
        return cached
    codes = set(user.groups.values_list("name", flat=True)) if user.pk else set()
    roles = [role for role in ROLES if role.code in codes]
    if user.pk:
        user._abonent_roles = roles
    return roles


ACTIONS = (("view", "V"), ("add", "A"), ("change", "C"), ("delete", "D"))


def _our_apps() -> set[str]:
    """Labels of the project's own apps (not the framework's nor third parties')."""
    from django.conf import settings

    root, venv = str(settings.BASE_DIR), str(settings.BASE_DIR / ".venv")
    return {
        a.label
        for a in apps.get_app_configs()
        if a.path.startswith(root) and not a.path.startswith(venv)
    }


def roles_document() -> str:
    """docs/roles.md: every role's duties and the permission matrix, written from ROLES so the
    document cannot drift from the code (a test compares them; `manage.py roles_doc` writes
    it)."""
    _ensure_permissions()
    known = _permissions_by_name()
    models: dict[str, tuple[str, str]] = {}  # "app.model" → (app label, model's name)
    for perm in known.values():
        ct = perm.content_type
        model = ct.model_class()
        name = str(model._meta.verbose_name_plural) if model else ct.model
        models[f"{ct.app_label}.{ct.model}"] = (ct.app_label, name)

    def granted(role: Role) -> set[str]:
        return set(known) if role.permissions == ALL else set(role.permissions)

    sets = {role.code: granted(role) for role in ROLES}
    ours = _our_apps()
    used = sorted(
        {
            f"{name.split('.')[0]}.{name.split('_', 1)[1]}"
            for names in sets.values()
            for name in names
            if name.split(".")[1].split("_", 1)[0] in dict(ACTIONS)
            and (name.split(".")[0] in ours or name == "auth.view_user")
            and "historical" not in name
        }
    )
    lines = [
        "# Roles and permissions",
        "",
        "Written by `python manage.py roles_doc` from `core/roles.py`; a test fails when this",
        "file and the code differ. A user has one or more roles (Django groups of the same",
        "code) and sees the rows of their branches only (`core/access.py`).",
        "",
        "## The roles",
        "",
    ]
    for role in ROLES:
        lines.append(f"### {role.name} (`{role.code}`)")
        lines.append("")
        lines.append(str(role.description))
        if role.duties:
            lines.append("")
            lines.extend(f"- {duty}" for duty in role.duties)
        lines.append("")
    lines += [
        "## Permission matrix",
        "",
        "V view, A add, C change, D delete, for the data of Abonent's own apps. The",
        "administrator also has every permission on the framework's tables (users, groups,",
        "sessions, change history, …), which are not listed.",
        "",
        "| data | " + " | ".join(role.code for role in ROLES) + " |",
        "|---|" + "---|" * len(ROLES),
    ]
    for key in used:
        app, model = key.split(".")
        label = models.get(key, (app, model))[1]
        cells = []
        for role in ROLES:
            letters = "".join(
                letter for action, letter in ACTIONS if f"{app}.{action}_{model}" in sets[role.code]
            )
            cells.append(letters or "·")
        lines.append(f"| {label} (`{key}`) | " + " | ".join(cells) + " |")
    lines.append("")
    return "\n".join(lines)
