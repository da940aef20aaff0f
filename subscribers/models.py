"""The operator's subscriber base: geography and buildings, tariffs and services, subscribers,
status events, the ledger (charges, payments, adjustments), monthly facts and their summary."""

from decimal import Decimal

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from core.models import Branch

MONEY = {"max_digits": 14, "decimal_places": 2}
ZERO = Decimal("0.00")


class Technology(models.TextChoices):
    FTTB = "FTTB", "FTTB"
    GPON = "GPON", "GPON"
    DOCSIS = "DOCSIS", "DOCSIS"
    ADSL = "ADSL", "ADSL"
    CATV = "CATV", _("Cable TV")
    WIRELESS = "WIRELESS", _("Wireless")


class City(models.Model):
    branch = models.ForeignKey(Branch, on_delete=models.PROTECT, verbose_name=_("branch"))
    name = models.CharField(_("name"), max_length=120)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("city")
        verbose_name_plural = _("cities")
        ordering = ["name"]
        constraints = [models.UniqueConstraint(fields=["branch", "name"], name="city_unique_name")]

    def __str__(self) -> str:
        return self.name


class Street(models.Model):
    city = models.ForeignKey(City, on_delete=models.PROTECT, verbose_name=_("city"))
    name = models.CharField(_("name"), max_length=160)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("street")
        verbose_name_plural = _("streets")
        ordering = ["name"]
        constraints = [models.UniqueConstraint(fields=["city", "name"], name="street_unique_name")]

    def __str__(self) -> str:
        return self.name

    def save(self, *args, **kwargs):
        super().save(*args, **kwargs)
        Subscriber.objects.filter(building__street=self).exclude(city=self.city_id).update(
            city=self.city_id
        )


class Building(models.Model):
    """A served (or surveyed) building: its technology, flats and ports define coverage."""

    street = models.ForeignKey(Street, on_delete=models.PROTECT, verbose_name=_("street"))
    house = models.CharField(_("house number"), max_length=20)
    flats = models.PositiveIntegerField(_("flats"), default=0)
    technology = models.CharField(
        _("technology"), max_length=10, choices=Technology.choices, blank=True
    )
    ports = models.PositiveIntegerField(_("ports"), default=0)
    coverage_since = models.DateField(_("covered since"), null=True, blank=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("building")
        verbose_name_plural = _("buildings")
        constraints = [
            models.UniqueConstraint(fields=["street", "house"], name="building_unique_house"),
        ]

    def __str__(self) -> str:
        return f"{self.street}, {self.house}"

    def save(self, *args, **kwargs):
        super().save(*args, **kwargs)
        city = Street.objects.filter(pk=self.street_id).values("city")[:1]
        Subscriber.objects.filter(building=self).exclude(city=city).update(city=city)


class Tariff(models.Model):
    name = models.CharField(_("name"), max_length=120, unique=True)
    monthly_fee = models.DecimalField(_("monthly fee"), default=ZERO, **MONEY)
    technology = models.CharField(
        _("technology"), max_length=10, choices=Technology.choices, blank=True
    )
    active_from = models.DateField(_("active from"), null=True, blank=True)
    active_to = models.DateField(_("active to"), null=True, blank=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("tariff")
        verbose_name_plural = _("tariffs")
        ordering = ["name"]
        constraints = [
            models.CheckConstraint(condition=Q(monthly_fee__gte=0), name="tariff_fee_nonnegative"),
            models.CheckConstraint(
                condition=Q(active_to__isnull=True)
                | Q(active_from__isnull=True)
                | Q(active_to__gte=F("active_from")),
                name="tariff_period_ordered",
            ),
        ]

    def __str__(self) -> str:
        return self.name


class Service(models.Model):
    """A billable service (internet, TV, equipment rent, …) that charges refer to."""

    name = models.CharField(_("name"), max_length=120, unique=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("service")
        verbose_name_plural = _("services")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class Status(models.TextChoices):
    ACTIVE = "active", _("Active")
    SUSPENDED = "suspended", _("Suspended")
    TERMINATED = "terminated", _("Terminated")


# What a page of a range filter or sort needs besides the key: the default sort and the user's
# branch and the status, so such a page is found from the index alone (PostgreSQL).
COVERED = ["account", "branch", "status"]


class Subscriber(models.Model):
    """A subscriber's account as the billing knows it."""

    class Kind(models.TextChoices):
        PERSON = "person", _("Person")
        COMPANY = "company", _("Company")

    account = models.CharField(_("account"), max_length=32, unique=True)
    kind = models.CharField(_("kind"), max_length=8, choices=Kind.choices, default=Kind.PERSON)
    full_name = models.CharField(_("full name"), max_length=200)
    phone = models.CharField(_("phone"), max_length=16, blank=True, db_index=True)
    phone2 = models.CharField(_("second phone"), max_length=16, blank=True)
    email = models.EmailField(_("e-mail"), blank=True)
    birth_date = models.DateField(_("date of birth"), null=True, blank=True)
    branch = models.ForeignKey(Branch, on_delete=models.PROTECT, verbose_name=_("branch"))
    building = models.ForeignKey(
        Building, null=True, blank=True, on_delete=models.PROTECT, verbose_name=_("building")
    )
    # The building's city, kept beside it (save() here and on the addresses, the import) so
    # that the city filter reads (city, account) rather than joining the addresses.
    city = models.ForeignKey(
        City,
        null=True,
        blank=True,
        editable=False,
        related_name="+",
        on_delete=models.PROTECT,
        db_index=False,  # (city, account) below serves both
        verbose_name=_("city"),
    )
    flat = models.CharField(_("flat"), max_length=20, blank=True)
    technology = models.CharField(
        _("technology"), max_length=10, choices=Technology.choices, blank=True
    )
    tariff = models.ForeignKey(
        Tariff, null=True, blank=True, on_delete=models.PROTECT, verbose_name=_("tariff")
    )
    status = models.CharField(_("status"), max_length=10, choices=Status.choices)
    connected_on = models.DateField(_("connected on"))
    terminated_on = models.DateField(_("terminated on"), null=True, blank=True)
    extra = models.JSONField(_("extra attributes"), default=dict, blank=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)
    history = HistoricalRecords(excluded_fields=["updated_at", "city"])

    class Meta:
        permissions = [("view_personal_data", _("Can see personal data (phones, e-mail, flat)"))]
        verbose_name = _("subscriber")
        verbose_name_plural = _("subscribers")
        # The registry's searches and filters at a million subscribers (docs/benchmarks.md):
        # an equality filter walks (value, account) in the default order; a range filter
        # reads (value, id) with the account alongside (INCLUDE, PostgreSQL), so a page of
        # it is found and sorted from the index alone. PostgreSQL also gets the trigram and
        # reversed-phone indexes of migration 0004.
        indexes = [
            models.Index(fields=["branch", "status"], name="subscriber_branch_status"),
            models.Index(fields=["building", "flat"], name="subscriber_building_flat"),
            models.Index(
                fields=["building", "status"],
                name="subscriber_building_status",
                include=["account", "id", "branch"],
            ),
            models.Index(fields=["branch", "account"], name="subscriber_branch_account"),
            models.Index(fields=["city", "account"], name="subscriber_city_account"),
            models.Index(fields=["status", "account"], name="subscriber_status_account"),
            models.Index(fields=["tariff", "account"], name="subscriber_tariff_account"),
            models.Index(fields=["technology", "account"], name="subscriber_tech_account"),
            models.Index(fields=["phone2"], name="subscriber_phone2"),
            models.Index(fields=["full_name", "id"], name="subscriber_name_id"),
            models.Index(
                fields=["connected_on", "id"], name="subscriber_connected", include=COVERED
            ),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(terminated_on__isnull=True) | Q(terminated_on__gte=F("connected_on")),
                name="subscriber_terminated_after_connected",
            ),
            models.CheckConstraint(
                condition=~Q(status="terminated") | Q(terminated_on__isnull=False),
                name="subscriber_terminated_has_date",
            ),
            models.CheckConstraint(
                condition=Q(status__in=["active", "suspended", "terminated"]),
                name="subscriber_status_valid",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.account} {self.full_name}"

    def save(self, *args, **kwargs):
        self.city_id = None
        if self.building_id:
            city = Building.objects.filter(pk=self.building_id).values_list("street__city")
            self.city_id = city.first()[0]
        fields = kwargs.get("update_fields")
        if fields is not None and "building" in fields:
            kwargs["update_fields"] = {*fields, "city"}
        adding = self._state.adding
        super().save(*args, **kwargs)
        if adding:
            SubscriberMoney.objects.get_or_create(subscriber=self)

    # The money the billing and the facts give, kept in SubscriberMoney (select_related
    # "money" where many subscribers are shown); a subscriber without its row has none.
    def _money(self, name: str):
        try:
            return getattr(self.money, name)
        except SubscriberMoney.DoesNotExist:
            return SubscriberMoney._meta.get_field(name).get_default()

    @property
    def reported_balance(self) -> Decimal:
        return self._money("reported_balance")

    @property
    def balance_discrepancy(self) -> Decimal:
        return self._money("balance_discrepancy")

    @property
    def arpu(self) -> Decimal | None:
        return self._money("arpu")

    @property
    def debt_months(self) -> int:
        return self._money("debt_months")


class SubscriberMoney(models.Model):
    """A subscriber's money: the billing's balance and what the import derives from the
    ledger and the facts. One row per subscriber, apart from the subscriber's own row so that
    the daily sync, which changes these for most subscribers and little else, writes a narrow
    row with four indexes rather than the subscriber's with its twenty (docs/billing-sync.md).
    The ledger and the monthly facts are its history."""

    subscriber = models.OneToOneField(
        Subscriber,
        primary_key=True,
        on_delete=models.CASCADE,
        related_name="money",
        verbose_name=_("subscriber"),
    )
    reported_balance = models.DecimalField(_("balance (billing)"), default=ZERO, **MONEY)
    # reported_balance minus the balance the ledger gives; non-zero means the two disagree.
    balance_discrepancy = models.DecimalField(_("balance discrepancy"), default=ZERO, **MONEY)
    # The subscriber's profile from the monthly facts, kept by the billing import
    # (facts.profiles_refresh) so that segments filter on it fast; docs/segmentation.md.
    arpu = models.DecimalField(
        _("ARPU"),
        null=True,
        blank=True,
        help_text=_("Average monthly charge over the charged months of the last six."),
        **MONEY,
    )
    debt_months = models.PositiveSmallIntegerField(
        _("months in debt"),
        default=0,
        db_default=0,  # rows the import inserts in SQL get it too
        help_text=_("How many of the last six months ended with a negative balance."),
    )

    class Meta:
        verbose_name = _("subscriber's money")
        verbose_name_plural = _("subscribers' money")
        # The registry's balance sort and filters and the segments' ARPU and debt filters:
        # (value, subscriber), joined to the subscriber by its key.
        indexes = [
            models.Index(fields=["reported_balance", "subscriber"], name="money_balance"),
            models.Index(fields=["arpu", "subscriber"], name="money_arpu"),
            models.Index(fields=["debt_months", "subscriber"], name="money_debt_months"),
        ]

    def __str__(self) -> str:
        return f"{self.subscriber_id}: {self.reported_balance}"


class ExtraAttribute(models.Model):
    """A further column of the billing export, typed so filters and models can use it."""

    class Type(models.TextChoices):
        INTEGER = "int", _("Integer")
        DECIMAL = "decimal", _("Number")
        DATE = "date", _("Date")
        BOOLEAN = "bool", _("Yes/no")
        TEXT = "text", _("Text")

    key = models.SlugField(_("key"), max_length=64, unique=True)
    label = models.CharField(_("label"), max_length=120)
    value_type = models.CharField(_("type"), max_length=8, choices=Type.choices)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("extra attribute")
        verbose_name_plural = _("extra attributes")
        ordering = ["key"]

    def __str__(self) -> str:
        return self.label


class ImportBatch(models.Model):
    """One billing import that changed the base; as_of is the last month its data covers."""

    job = models.ForeignKey(
        "core.Job", null=True, blank=True, on_delete=models.SET_NULL, verbose_name=_("job")
    )
    source = models.CharField(_("source"), max_length=64, blank=True)
    files = models.JSONField(_("files"), default=list)
    as_of = models.DateField(_("data as of month"), null=True, blank=True)
    window_start = models.DateField(_("data from month"), null=True, blank=True)
    stats = models.JSONField(_("statistics"), default=dict)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL
    )
    created_at = models.DateTimeField(_("imported"), auto_now_add=True)

    class Meta:
        verbose_name = _("import batch")
        verbose_name_plural = _("import batches")
        ordering = ["-created_at"]


class StatusEvent(models.Model):
    class Kind(models.TextChoices):
        CONNECTED = "connected", _("Connected")
        SUSPENDED = "suspended", _("Suspended")
        RESUMED = "resumed", _("Resumed")
        TERMINATED = "terminated", _("Terminated")
        TARIFF_CHANGED = "tariff_changed", _("Tariff changed")

    subscriber = models.ForeignKey(
        Subscriber, on_delete=models.CASCADE, related_name="events", verbose_name=_("subscriber")
    )
    kind = models.CharField(_("event"), max_length=16, choices=Kind.choices)
    happened_on = models.DateField(_("date"))
    reason = models.CharField(_("reason"), max_length=200, blank=True)
    old_tariff = models.ForeignKey(
        Tariff, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    new_tariff = models.ForeignKey(
        Tariff, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    batch = models.ForeignKey(ImportBatch, null=True, blank=True, on_delete=models.SET_NULL)

    class Meta:
        verbose_name = _("status event")
        verbose_name_plural = _("status events")
        ordering = ["subscriber", "happened_on", "id"]
        indexes = [models.Index(fields=["kind", "happened_on"], name="event_kind_date")]


# The ledger and the facts hold tens of millions of rows loaded in bulk by the import, which
# resolves every id itself: their keys carry no foreign-key constraint, whose per-row trigger
# would triple the load time, and their natural key is the primary key (no surrogate id, one
# index fewer). Deleting a subscriber still cascades (in Django).
class Charge(models.Model):
    pk = models.CompositePrimaryKey("subscriber", "period", "service")
    subscriber = models.ForeignKey(
        Subscriber,
        on_delete=models.CASCADE,
        related_name="charges",
        verbose_name=_("subscriber"),
        db_constraint=False,
        db_index=False,
    )
    period = models.DateField(_("period"), help_text=_("First day of the month charged"))
    service = models.ForeignKey(
        Service,
        on_delete=models.PROTECT,
        verbose_name=_("service"),
        db_constraint=False,
        db_index=False,
    )
    tariff = models.ForeignKey(
        Tariff,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        verbose_name=_("tariff"),
        db_constraint=False,
        db_index=False,
    )
    amount = models.DecimalField(_("amount"), **MONEY)

    class Meta:
        verbose_name = _("charge")
        verbose_name_plural = _("charges")


class Payment(models.Model):
    class Method(models.TextChoices):
        CASH = "cash", _("Cash desk")
        CARD = "card", _("Bank card")
        BANK = "bank", _("Bank transfer")
        TERMINAL = "terminal", _("Payment terminal")
        ONLINE = "online", _("Online")
        OTHER = "other", _("Other")

    pk = models.CompositePrimaryKey("subscriber", "paid_at", "amount", "method", "seq")
    subscriber = models.ForeignKey(
        Subscriber,
        on_delete=models.CASCADE,
        related_name="payments",
        verbose_name=_("subscriber"),
        db_constraint=False,
        db_index=False,
    )
    paid_at = models.DateTimeField(_("paid at"))
    # First day of the month of paid_at in the branch's local time.
    month = models.DateField(_("month"))
    amount = models.DecimalField(_("amount"), **MONEY)
    method = models.CharField(_("method"), max_length=16, choices=Method.choices)
    # Distinguishes identical payments (same time, amount, method) of one account.
    seq = models.PositiveSmallIntegerField(default=0)

    class Meta:
        verbose_name = _("payment")
        verbose_name_plural = _("payments")


class Adjustment(models.Model):
    """A correction made in Abonent (not by the billing): credit is positive."""

    subscriber = models.ForeignKey(
        Subscriber,
        on_delete=models.CASCADE,
        related_name="adjustments",
        verbose_name=_("subscriber"),
    )
    made_on = models.DateField(_("date"))
    amount = models.DecimalField(_("amount"), **MONEY)
    reason = models.CharField(_("reason"), max_length=200)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL
    )
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("adjustment")
        verbose_name_plural = _("adjustments")


class MonthlyFact(models.Model):
    """One row per subscriber × month: the subscriber's state at the month's end and its money.

    Maintained incrementally by the billing import (subscribers.facts); docs/metrics.md defines
    every column."""

    pk = models.CompositePrimaryKey("subscriber", "month")
    subscriber = models.ForeignKey(
        Subscriber,
        on_delete=models.CASCADE,
        related_name="facts",
        db_constraint=False,
        db_index=False,
    )
    month = models.DateField(_("month"))
    branch = models.ForeignKey(
        Branch, on_delete=models.PROTECT, db_constraint=False, db_index=False
    )
    tariff = models.ForeignKey(
        Tariff, null=True, on_delete=models.PROTECT, db_constraint=False, db_index=False
    )
    # The tariff of the previous month's fact (null for a subscriber's first fact).
    prev_tariff = models.ForeignKey(
        Tariff,
        null=True,
        on_delete=models.PROTECT,
        related_name="+",
        db_constraint=False,
        db_index=False,
    )
    technology = models.CharField(max_length=10, blank=True)
    status = models.CharField(max_length=10, choices=Status.choices)
    active_start = models.BooleanField(default=False)
    active_end = models.BooleanField(default=False)
    connected = models.BooleanField(default=False)
    terminated = models.BooleanField(default=False)
    charged = models.DecimalField(default=ZERO, **MONEY)
    paid = models.DecimalField(default=ZERO, **MONEY)
    balance_end = models.DecimalField(default=ZERO, **MONEY)
    days_overdue = models.PositiveIntegerField(default=0)
    tenure_months = models.PositiveIntegerField(default=0)

    class Meta:
        verbose_name = _("monthly fact")
        verbose_name_plural = _("monthly facts")
        indexes = [models.Index(fields=["month", "branch"], name="fact_month_branch")]


class MonthlySummary(models.Model):
    """Monthly facts summed per month × branch × technology × tariff; what the reports read.

    Kept in step with the facts by the import (subscribers.facts)."""

    month = models.DateField()
    branch = models.ForeignKey(Branch, on_delete=models.PROTECT)
    technology = models.CharField(max_length=10, blank=True)
    tariff = models.ForeignKey(Tariff, null=True, on_delete=models.PROTECT)
    subscribers = models.PositiveIntegerField(default=0)
    active_start = models.PositiveIntegerField(default=0)
    active_end = models.PositiveIntegerField(default=0)
    connected = models.PositiveIntegerField(default=0)
    terminated = models.PositiveIntegerField(default=0)
    charged = models.DecimalField(default=ZERO, **MONEY)
    paid = models.DecimalField(default=ZERO, **MONEY)
    debtors = models.PositiveIntegerField(default=0)
    debt = models.DecimalField(default=ZERO, **MONEY)

    class Meta:
        verbose_name = _("monthly summary")
        verbose_name_plural = _("monthly summaries")
        indexes = [models.Index(fields=["month", "branch"], name="summary_month_branch")]


class TariffMigrationSummary(models.Model):
    """How many subscribers moved from one tariff to another in a month (from the facts)."""

    month = models.DateField()
    branch = models.ForeignKey(Branch, on_delete=models.PROTECT)
    from_tariff = models.ForeignKey(Tariff, on_delete=models.PROTECT, related_name="+")
    to_tariff = models.ForeignKey(Tariff, on_delete=models.PROTECT, related_name="+")
    subscribers = models.PositiveIntegerField(default=0)

    class Meta:
        verbose_name = _("tariff migrations")
        verbose_name_plural = _("tariff migrations")
        indexes = [models.Index(fields=["month", "branch"], name="migration_month_branch")]


class ImportMapping(models.Model):
    """How one billing system's export is turned into the canonical import format."""

    slug = models.SlugField(_("code"), max_length=64, unique=True)
    name = models.CharField(_("name"), max_length=120)
    encoding = models.CharField(_("encoding"), max_length=20, default="utf-8")
    delimiter = models.CharField(_("delimiter"), max_length=1, default=",")
    decimal_comma = models.BooleanField(_("decimal comma"), default=False)
    date_format = models.CharField(_("date format"), max_length=32, default="%Y-%m-%d")
    datetime_format = models.CharField(
        _("date and time format"), max_length=32, default="%Y-%m-%d %H:%M:%S"
    )
    period_format = models.CharField(_("period format"), max_length=32, default="%Y-%m")
    # {"subscribers": "abonents*.csv", ...}: which file is which kind
    files = models.JSONField(_("file name patterns"), default=dict)
    # {"subscribers": {"source column": "canonical column"}, ...}
    columns = models.JSONField(_("column names"), default=dict)
    # {"source value": "active|suspended|terminated"}
    status_values = models.JSONField(_("status values"), default=dict, blank=True)
    method_values = models.JSONField(_("payment method values"), default=dict, blank=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("import mapping")
        verbose_name_plural = _("import mappings")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class ImportedFile(models.Model):
    """A file an import applied, known by its content: the same bytes of the same kind read
    the same way again are recognised and skipped, so an unchanged export writes nothing."""

    kind = models.CharField(_("kind"), max_length=16)
    digest = models.CharField(_("content hash"), max_length=64)  # SHA-256 of bytes + mapping
    name = models.CharField(_("file"), max_length=255)
    size = models.BigIntegerField(_("size, bytes"))
    batch = models.ForeignKey(ImportBatch, null=True, blank=True, on_delete=models.SET_NULL)
    imported_at = models.DateTimeField(_("imported"), auto_now_add=True)

    class Meta:
        verbose_name = _("imported file")
        verbose_name_plural = _("imported files")
        indexes = [models.Index(fields=["kind", "-imported_at"], name="importedfile_kind_latest")]


class BillingSource(models.Model):
    """Where the billing's data comes from and when: a folder its cron drops files into, its own
    database read through saved queries, or the web upload (whose schedule only says how
    fresh the data should be)."""

    class Kind(models.TextChoices):
        FOLDER = "folder", _("Watched folder")
        SQL = "sql", _("Billing database (SQL)")
        UPLOAD = "upload", _("Web upload")

    name = models.CharField(_("name"), max_length=120, unique=True)
    kind = models.CharField(_("kind"), max_length=8, choices=Kind.choices)
    mapping = models.ForeignKey(
        ImportMapping,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        verbose_name=_("column mapping"),
    )
    folder = models.CharField(_("folder"), max_length=500, blank=True)
    url = models.CharField(
        _("connection URL"),
        max_length=500,
        blank=True,
        help_text=_("mysql://user@host:3306/database or postgres://user@host:5432/database"),
    )
    # Kept apart from the URL so that no page and no history row shows it.
    password = models.CharField(_("password"), max_length=200, blank=True)
    # {"subscribers": "SELECT … AS account, …", "payments": "…"}: one query per file kind
    queries = models.JSONField(_("queries"), default=dict, blank=True)
    enabled = models.BooleanField(_("runs on schedule"), default=True)
    run_at = models.TimeField(_("daily at"), default="06:00")
    time_zone = models.CharField(_("time zone"), max_length=64, default="Europe/Moscow")
    notify_email = models.CharField(
        _("e-mail on failure"),
        max_length=500,
        blank=True,
        help_text=_("Comma-separated; empty: the administrators' addresses."),
    )
    last_run_at = models.DateTimeField(_("last run"), null=True, blank=True)
    last_success_at = models.DateTimeField(_("last successful sync"), null=True, blank=True)
    last_job = models.ForeignKey(
        "core.Job", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    last_error = models.TextField(_("last error"), blank=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    # The run's outcome is written by queryset updates: it makes no history row.
    history = HistoricalRecords(
        excluded_fields=["password", "last_run_at", "last_success_at", "last_job", "last_error"]
    )

    class Meta:
        verbose_name = _("billing source")
        verbose_name_plural = _("billing sources")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name

    def connection_url(self) -> str:
        """The URL with the password put in, for the driver only."""
        from urllib.parse import quote, urlsplit, urlunsplit

        parts = urlsplit(self.url)
        if not self.password or not parts.username:
            return self.url
        host = parts.hostname or ""
        netloc = f"{parts.username}:{quote(self.password, safe='')}@{host}"
        if parts.port:
            netloc += f":{parts.port}"
        return urlunsplit(parts._replace(netloc=netloc))
