"""Segments in the REST API: the segments with each one's live count for the caller, and a
segment's members (masked and branch-scoped like /api/subscribers/)."""

from django.core.exceptions import ValidationError as DjangoValidationError
from django.shortcuts import get_object_or_404
from django.urls import reverse
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import (
    OpenApiParameter,
    OpenApiResponse,
    extend_schema,
    extend_schema_view,
)
from rest_framework import mixins, serializers, viewsets
from rest_framework.permissions import BasePermission

from core.api import ModelPermission
from subscribers import privacy
from subscribers.api import SubscriberSerializer
from subscribers.models import Subscriber

from . import services
from .models import Segment


def _drf_error(error: DjangoValidationError) -> serializers.ValidationError:
    if hasattr(error, "error_dict"):
        return serializers.ValidationError(error.message_dict)
    return serializers.ValidationError(error.messages)


class SegmentSerializer(serializers.ModelSerializer):
    query = serializers.CharField(
        required=False,
        allow_blank=True,
        max_length=4000,
        help_text=(
            "The subscriber registry's filter as a query string, e.g. "
            "`status=active&technology=GPON&arpu_from=1000`: the filters of /api/subscribers/ "
            "and `q`. Sort, page and column parameters are dropped; a wrong value is a 400."
        ),
    )
    count = serializers.SerializerMethodField(
        help_text="How many subscribers of the caller's branches the segment holds now."
    )
    created_by = serializers.CharField(
        source="created_by.username", read_only=True, allow_null=True
    )
    subscribers_url = serializers.SerializerMethodField()

    class Meta:
        model = Segment
        fields = [
            "id",
            "name",
            "code",
            "description",
            "query",
            "count",
            "created_by",
            "created_at",
            "updated_at",
            "subscribers_url",
        ]
        read_only_fields = ["id", "code", "created_at", "updated_at"]

    def _user(self):
        return self.context["request"].user

    def _pk(self) -> int | None:
        return self.instance.pk if isinstance(self.instance, Segment) else None

    def get_count(self, segment) -> int:
        return services.count(segment, self._user())

    def get_subscribers_url(self, segment) -> str:
        return self.context["request"].build_absolute_uri(
            reverse("api:segment-member-list", kwargs={"segment_pk": segment.pk})
        )

    def validate_name(self, value: str) -> str:
        try:
            return services.name_clean(value, exclude=self._pk())
        except DjangoValidationError as error:
            raise _drf_error(error) from None

    def validate_query(self, value: str) -> str:
        try:
            return services.query_clean(value, self._user(), exclude=self._pk())
        except DjangoValidationError as error:
            raise _drf_error(error) from None

    def create(self, validated):
        try:
            return services.segment_create(
                name=validated["name"],
                query=validated.get("query", ""),
                description=validated.get("description", ""),
                by=self._user(),
            )
        except DjangoValidationError as error:
            raise _drf_error(error) from None

    def update(self, segment, validated):
        try:
            return services.segment_update(
                segment=segment,
                by=self._user(),
                name=validated.get("name", segment.name),
                query=validated.get("query", segment.query),
                description=validated.get("description", segment.description),
            )
        except DjangoValidationError as error:
            raise _drf_error(error) from None


BAD_SEGMENT = OpenApiResponse(
    description="What is wrong, by field name: a name taken, a filter value refused."
)


@extend_schema_view(
    create=extend_schema(responses={201: SegmentSerializer, 400: BAD_SEGMENT}),
    update=extend_schema(responses={200: SegmentSerializer, 400: BAD_SEGMENT}),
    partial_update=extend_schema(responses={200: SegmentSerializer, 400: BAD_SEGMENT}),
)
class SegmentViewSet(viewsets.ModelViewSet):
    """Segments of the subscriber base, shared by the department, by name; each with its count
    of the caller's branches (cached for up to two minutes). Creating, changing and deleting
    need the `add_`, `change_` and `delete_segment` permissions."""

    queryset = Segment.objects.select_related("created_by").order_by("pk")
    serializer_class = SegmentSerializer
    permission_classes = [ModelPermission]
    cursor_ordering = "pk"

    def perform_destroy(self, segment):
        services.segment_delete(segment=segment, by=self.request.user)


class MaySeeSegments(BasePermission):
    def has_permission(self, request, view) -> bool:
        return request.user.has_perm("segments.view_segment")


SEGMENT_PARAMETER = OpenApiParameter(
    "segment_pk", OpenApiTypes.INT, OpenApiParameter.PATH, description="The segment's id."
)


@extend_schema_view(list=extend_schema(parameters=[SEGMENT_PARAMETER]))
class SegmentMemberViewSet(mixins.ListModelMixin, viewsets.GenericViewSet):
    """The subscribers of a segment in the caller's branches, as /api/subscribers/ gives them
    (personal data masked unless the caller may see it); 404 for an unknown segment. Needs
    `segments.view_segment` and `subscribers.view_subscriber`."""

    queryset = Subscriber.objects.none()
    serializer_class = SubscriberSerializer
    permission_classes = [ModelPermission, MaySeeSegments]
    permission_model = Subscriber
    cursor_ordering = "pk"

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):  # drf-spectacular reading the view
            return Subscriber.objects.none()
        segment = get_object_or_404(Segment, pk=self.kwargs["segment_pk"])
        return services.members(segment, self.request.user).select_related(
            "branch", "tariff", "building__street__city"
        )

    def get_serializer_context(self):
        context = super().get_serializer_context()
        context["personal_data"] = privacy.may_see(self.request.user)
        return context
