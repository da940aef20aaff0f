"""The REST API (docs/api.md): one router for every block's viewsets, the OpenAPI schema and
its docs page."""

from django.urls import path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerView
from rest_framework.routers import DefaultRouter

from segments import api as segments_api
from subscribers import api as subscribers_api

app_name = "api"

router = DefaultRouter()
# No ".json" suffix routes: the format is negotiated by the Accept header (or ?format=).
router.include_format_suffixes = False
router.register("subscribers", subscribers_api.SubscriberViewSet, basename="subscriber")
router.register(
    r"subscribers/(?P<subscriber_pk>[0-9]+)/charges",
    subscribers_api.ChargeViewSet,
    basename="charge",
)
router.register(
    r"subscribers/(?P<subscriber_pk>[0-9]+)/payments",
    subscribers_api.PaymentViewSet,
    basename="payment",
)
router.register("buildings", subscribers_api.BuildingViewSet, basename="building")
router.register("tariffs", subscribers_api.TariffViewSet, basename="tariff")
router.register("imports", subscribers_api.ImportJobViewSet, basename="import")
router.register("segments", segments_api.SegmentViewSet, basename="segment")
router.register(
    r"segments/(?P<segment_pk>[0-9]+)/subscribers",
    segments_api.SegmentMemberViewSet,
    basename="segment-member",
)

urlpatterns = [
    path("schema/", SpectacularAPIView.as_view(), name="schema"),
    path("docs/", SpectacularSwaggerView.as_view(url_name="api:schema"), name="docs"),
    path("coverage/", subscribers_api.CoverageView.as_view(), name="coverage"),
    *router.urls,
]
