"""Top-level URLs: one include per department block."""

from django.conf import settings
from django.conf.urls.static import static
from django.contrib import admin
from django.urls import include, path

from comms.views.surveys import survey_public
from sales.views import public as sales_public

urlpatterns = [
    path("admin/", admin.site.urls),
    path("i18n/", include("django.conf.urls.i18n")),
    path("", include("core.urls")),
    path("subscribers/", include("subscribers.urls")),
    path("segments/", include("segments.urls")),
    path("analytics/", include("analytics.urls")),
    path("comms/", include("comms.urls")),
    path("sales/", include("sales.urls")),
    # The public application form of the operator's site, embeddable (sales.views.public).
    path("apply/", sales_public.apply, name="apply"),
    path("apply/thanks/", sales_public.apply_thanks, name="apply_thanks"),
    # A survey link sent by SMS: short, public (comms.views.surveys.survey_public).
    path("s/<str:token>/", survey_public, name="survey_public"),
    path("api/", include("abonent.api_urls")),
] + static(settings.MEDIA_URL, document_root=settings.MEDIA_ROOT)
