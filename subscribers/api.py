"""The subscriber block's REST API: subscribers, buildings, tariffs, a subscriber's ledger (read
only) and the billing import (jobs, and the upload that starts one)."""

from pathlib import PurePath

import django_filters
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django_filters.rest_framework import DjangoFilterBackend
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import (
    OpenApiParameter,
    OpenApiResponse,
    extend_schema,
    extend_schema_field,
    extend_schema_view,
    inline_serializer,
)
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.parsers import FormParser, MultiPartParser
from rest_framework.response import Response
from rest_framework.views import APIView

from core.access import scoped
from core.api import BranchScopedMixin, ModelPermission
from core.filtersets import ID_MAX
from core.jobs import job_live
from core.models import Job

# The page's helpers, so an upload through the API is saved exactly as one through the page.
from . import buildings, coverage, privacy, services
from .filtersets import SubscriberFilter, search_subscribers
from .forms import ImportUploadForm
from .models import Building, Charge, ExtraAttribute, ImportBatch, Payment, Subscriber, Tariff

# -- subscribers ------------------------------------------------------------------------------


class SubscriberSerializer(serializers.ModelSerializer):
    branch = serializers.CharField(source="branch.name", read_only=True)
    branch_id = serializers.IntegerField(read_only=True)
    building_id = serializers.IntegerField(read_only=True, allow_null=True)
    address = serializers.SerializerMethodField()
    tariff = serializers.CharField(source="tariff.name", read_only=True, allow_null=True)
    tariff_id = serializers.IntegerField(read_only=True, allow_null=True)
    # The subscriber's money row (SubscriberMoney), through the subscriber's properties.
    reported_balance = serializers.DecimalField(max_digits=14, decimal_places=2, read_only=True)
    balance_discrepancy = serializers.DecimalField(max_digits=14, decimal_places=2, read_only=True)
    arpu = serializers.DecimalField(
        max_digits=14, decimal_places=2, read_only=True, allow_null=True
    )
    debt_months = serializers.IntegerField(read_only=True)

    class Meta:
        model = Subscriber
        fields = [
            "id",
            "account",
            "kind",
            "full_name",
            "phone",
            "phone2",
            "email",
            "branch",
            "branch_id",
            "building_id",
            "address",
            "flat",
            "technology",
            "tariff",
            "tariff_id",
            "status",
            "connected_on",
            "terminated_on",
            "reported_balance",
            "balance_discrepancy",
            "arpu",
            "debt_months",
            "extra",
            "updated_at",
        ]
        read_only_fields = fields

    def get_address(self, subscriber) -> str:
        building = subscriber.building
        if building is None:
            return ""
        return f"{building.street.city.name}, {building.street.name}, {building.house}"

    def to_representation(self, subscriber):
        data = super().to_representation(subscriber)
        # Personal data as the pages show it: masked for those without the right to see it.
        shown = self.context.get("personal_data", False)
        data.update(privacy.personal_data({k: data[k] for k in privacy.MASKS}, shown=shown))
        return data


class SubscriberApiFilter(SubscriberFilter):
    """The registry's filters, plus `q`: the registry's search (account, phone in any form,
    name, "street house")."""

    q = django_filters.CharFilter(label=gettext_lazy("Search"), method="filter_search")
    # An extra attribute's key, checked against the database per request. Not the registry's
    # ChoiceFilter: generating the schema builds the form field of a filter with choices once
    # and for good, which would freeze the registry's (per-request) list of keys.
    attribute = django_filters.CharFilter(
        label=gettext_lazy("Extra attribute"), method="filter_attribute"
    )

    def filter_search(self, rows, name, value):
        user = getattr(self.request, "user", None)
        return search_subscribers(rows, value, user) if value.strip() else rows

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.filters["attribute"].extra.pop("choices", None)  # set by the registry's filter

    def filter_attribute(self, rows, name, key):
        if key and not ExtraAttribute.objects.filter(key=key).exists():
            return rows.none()
        return super().filter_attribute(rows, name, key)


class SubscriberViewSet(BranchScopedMixin, viewsets.ReadOnlyModelViewSet):
    """Subscribers of the user's branches; phones, e-mail and flat are masked unless the user
    may see personal data."""

    queryset = Subscriber.objects.select_related(
        "branch", "tariff", "building__street__city", "money"
    ).order_by("pk")
    serializer_class = SubscriberSerializer
    permission_classes = [ModelPermission]
    filter_backends = [DjangoFilterBackend]
    filterset_class = SubscriberApiFilter
    cursor_ordering = "pk"

    def get_serializer_context(self):
        context = super().get_serializer_context()
        context["personal_data"] = privacy.may_see(self.request.user)
        return context


# -- buildings and tariffs --------------------------------------------------------------------


class BuildingSerializer(serializers.ModelSerializer):
    city = serializers.CharField(source="street.city.name", read_only=True)
    street = serializers.CharField(source="street.name", read_only=True)
    branch_id = serializers.IntegerField(source="street.city.branch_id", read_only=True)

    class Meta:
        model = Building
        fields = [
            "id",
            "branch_id",
            "city",
            "street",
            "house",
            "flats",
            "technology",
            "ports",
            "coverage_since",
        ]
        read_only_fields = fields


class BuildingFilter(django_filters.FilterSet):
    branch = django_filters.NumberFilter(
        field_name="street__city__branch", min_value=1, max_value=ID_MAX
    )
    city = django_filters.CharFilter(field_name="street__city__name", lookup_expr="icontains")
    street = django_filters.CharFilter(field_name="street__name", lookup_expr="icontains")

    class Meta:
        model = Building
        fields = ["technology", "house"]


class BuildingViewSet(BranchScopedMixin, viewsets.ReadOnlyModelViewSet):
    """Buildings of the user's branches (coverage: technology, flats, ports)."""

    queryset = Building.objects.select_related("street__city").order_by("pk")
    serializer_class = BuildingSerializer
    permission_classes = [ModelPermission]
    filter_backends = [DjangoFilterBackend]
    filterset_class = BuildingFilter
    branch_field = "street__city__branch"
    cursor_ordering = "pk"


class TariffSerializer(serializers.ModelSerializer):
    class Meta:
        model = Tariff
        fields = ["id", "name", "monthly_fee", "technology", "active_from", "active_to"]
        read_only_fields = fields


class TariffViewSet(viewsets.ReadOnlyModelViewSet):
    """Every tariff (tariffs belong to no branch)."""

    queryset = Tariff.objects.order_by("pk")
    serializer_class = TariffSerializer
    permission_classes = [ModelPermission]
    filter_backends = [DjangoFilterBackend]
    filterset_fields = ["technology"]
    cursor_ordering = "pk"


# -- the coverage check ----------------------------------------------------------------------


class BuildingCoverageSerializer(serializers.Serializer):
    """One building's coverage and figures (docs/buildings.md defines them)."""

    status = serializers.ChoiceField(choices=[coverage.SERVED, coverage.NOT_COVERED_YET])
    message = serializers.CharField()
    id = serializers.IntegerField(source="building.pk")
    branch_id = serializers.IntegerField(source="building.street.city.branch_id")
    city = serializers.CharField(source="building.street.city.name")
    street = serializers.CharField(source="building.street.name")
    house = serializers.CharField(source="building.house")
    technology = serializers.CharField(help_text="The code (FTTB, GPON, …); empty: none.")
    flats = serializers.IntegerField()
    ports = serializers.IntegerField(help_text="0: the building's ports are not counted.")
    free_ports = serializers.IntegerField(
        allow_null=True, help_text="Ports − active and suspended subscribers; null: not counted."
    )
    active_subscribers = serializers.IntegerField()
    penetration = serializers.SerializerMethodField(
        help_text="Active subscribers ÷ flats, per cent; null when the flats are unknown."
    )
    coverage_since = serializers.DateField(allow_null=True)
    card_url = serializers.SerializerMethodField()

    def get_penetration(self, answer) -> float | None:
        return buildings.penetration(answer.building)

    def get_card_url(self, answer) -> str:
        return reverse("subscribers:building", kwargs={"pk": answer.building.pk})


class CoverageSerializer(serializers.Serializer):
    status = serializers.ChoiceField(choices=list(coverage.LABELS))
    message = serializers.CharField(help_text="A sentence for the person who asked.")
    address = serializers.CharField(help_text="The address as it was asked.")
    building = serializers.SerializerMethodField()
    candidates = BuildingCoverageSerializer(many=True, help_text="Up to ten when ambiguous.")

    @extend_schema_field(BuildingCoverageSerializer(allow_null=True))
    def get_building(self, answer):
        return BuildingCoverageSerializer(answer).data if answer.building else None


class CoverageView(APIView):
    """Is an address served, by what, with free ports? `subscribers.coverage.check`: only the
    buildings of the user's branches; a building of another branch is `unknown`."""

    permission_classes = [ModelPermission]
    permission_model = Building

    @extend_schema(
        operation_id="coverage_check",
        parameters=[
            OpenApiParameter(
                "address",
                OpenApiTypes.STR,
                OpenApiParameter.QUERY,
                required=True,
                description="Street and house as people type them, optionally the city first: "
                "«ул. Ленина, 12», «Мира 5к1», «Екатеринбург, Ленина 12». At most 200 characters.",
            )
        ],
        responses={
            200: CoverageSerializer,
            400: OpenApiResponse(
                inline_serializer(
                    "CoverageAddressError",
                    {"address": serializers.ListField(child=serializers.CharField())},
                ),
                description="Not an address (empty, too long, no street or no house number).",
            ),
        },
    )
    def get(self, request):
        try:
            answer = coverage.check(request.user, request.query_params.get("address", ""))
        except coverage.AddressError as problem:
            return Response({"address": [str(problem)]}, status=status.HTTP_400_BAD_REQUEST)
        return Response(CoverageSerializer(answer).data)


# -- a subscriber's ledger --------------------------------------------------------------------

SUBSCRIBER_PARAMETER = OpenApiParameter(
    "subscriber_pk", OpenApiTypes.INT, OpenApiParameter.PATH, description="The subscriber's id."
)


class ChargeSerializer(serializers.ModelSerializer):
    service = serializers.CharField(source="service.name", read_only=True)
    tariff = serializers.CharField(source="tariff.name", read_only=True, allow_null=True)

    class Meta:
        model = Charge
        fields = ["period", "service", "tariff", "amount"]
        read_only_fields = fields


class PaymentSerializer(serializers.ModelSerializer):
    class Meta:
        model = Payment
        fields = ["paid_at", "month", "amount", "method"]
        read_only_fields = fields


class LedgerViewSet(mixins.ListModelMixin, viewsets.GenericViewSet):
    """Rows of one subscriber (in the URL) of the user's branches; 404 for any other."""

    permission_classes = [ModelPermission]

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):  # drf-spectacular reading the view
            return self.queryset.none()
        visible = scoped(Subscriber.objects.all(), self.request.user)
        subscriber = visible.filter(pk=self.kwargs["subscriber_pk"]).values_list("pk", flat=True)
        return self.queryset.filter(subscriber_id__in=subscriber)


@extend_schema_view(list=extend_schema(parameters=[SUBSCRIBER_PARAMETER]))
class ChargeViewSet(LedgerViewSet):
    """A subscriber's charges, newest month first."""

    queryset = Charge.objects.select_related("service", "tariff")
    serializer_class = ChargeSerializer
    # (period, service) is unique within a subscriber; the cursor's offset covers the services
    # charged in one month.
    cursor_ordering = "-period"


@extend_schema_view(list=extend_schema(parameters=[SUBSCRIBER_PARAMETER]))
class PaymentViewSet(LedgerViewSet):
    """A subscriber's payments, newest first."""

    queryset = Payment.objects.all()
    serializer_class = PaymentSerializer
    cursor_ordering = "-paid_at"


# -- the billing import -----------------------------------------------------------------------


class ImportJobSerializer(serializers.ModelSerializer):
    created_by = serializers.CharField(
        source="created_by.username", read_only=True, allow_null=True
    )
    files = serializers.SerializerMethodField()
    mapping = serializers.SerializerMethodField()
    page_url = serializers.SerializerMethodField()

    class Meta:
        model = Job
        fields = [
            "id",
            "status",
            "stage",
            "progress",
            "files",
            "mapping",
            "result",
            "created_by",
            "created_at",
            "started_at",
            "finished_at",
            "page_url",
        ]
        read_only_fields = fields

    def get_files(self, job) -> list[str]:
        return [PurePath(p).name for p in (job.params or {}).get("paths") or []]

    def get_mapping(self, job) -> str | None:
        return (job.params or {}).get("mapping")

    def get_page_url(self, job) -> str:
        return reverse("job_detail", args=[job.pk])

    def to_representation(self, job):
        return super().to_representation(job_live(job))


class ImportUploadSerializer(serializers.Serializer):
    """For the schema only: the upload is checked by the page's own form."""

    files = serializers.ListField(child=serializers.FileField())
    mapping = serializers.CharField(required=False, help_text="An import mapping's code.")


IMPORT_STARTED = inline_serializer(
    "ImportStarted",
    {
        "id": serializers.IntegerField(),
        "status": serializers.CharField(),
        "status_url": serializers.URLField(),
        "page_url": serializers.CharField(),
    },
)


@extend_schema_view(
    create=extend_schema(
        request={"multipart/form-data": ImportUploadSerializer},
        responses={
            201: IMPORT_STARTED,
            400: OpenApiResponse(description="What is wrong with each field, by field name."),
        },
    )
)
class ImportJobViewSet(
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    viewsets.GenericViewSet,
):
    """Billing-import jobs, newest first; POST files (multipart, `files` repeated, optional
    `mapping`) to start one, as the import page does. Reading needs the permission to view
    import batches, uploading the permission to add them."""

    queryset = Job.objects.filter(kind=Job.Kind.BILLING_IMPORT).select_related("created_by")
    serializer_class = ImportJobSerializer
    permission_classes = [ModelPermission]
    permission_model = ImportBatch
    parser_classes = [MultiPartParser, FormParser]
    cursor_ordering = "-pk"

    def create(self, request, *args, **kwargs):
        form = ImportUploadForm(request.data, request.FILES)
        if not form.is_valid():
            return Response(
                {field: [e["message"] for e in errors] for field, errors in _errors(form)},
                status=status.HTTP_400_BAD_REQUEST,
            )
        try:
            job = services.import_job_start(
                files=form.cleaned_data["files"],
                mapping=form.cleaned_data["mapping"],
                user=request.user,
            )
        except services.UploadNotSaved:
            return Response(
                {"non_field_errors": [_("The files could not be saved on the server; try again.")]},
                status=status.HTTP_503_SERVICE_UNAVAILABLE,
            )
        job.refresh_from_db()
        status_url = request.build_absolute_uri(reverse("api:import-detail", args=[job.pk]))
        return Response(
            {
                "id": job.pk,
                "status": job.status,
                "status_url": status_url,
                "page_url": reverse("job_detail", args=[job.pk]),
            },
            status=status.HTTP_201_CREATED,
            headers={"Location": status_url},
        )


def _errors(form):
    """(field, [{"message": …}, …]) of a bound form; form-wide errors as non_field_errors."""
    for field, errors in form.errors.get_json_data().items():
        yield ("non_field_errors" if field == "__all__" else field), errors
