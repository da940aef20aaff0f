from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AnalyticsConfig(AppConfig):
    name = "analytics"
    verbose_name = _("Analytics")

    def ready(self):
        from core.myday import Widget, register

        register(
            Widget(
                "analytics.reports",
                _("Reports"),
                "analytics/widgets/reports.html",
                context=_reports_context,
                permission="subscribers.view_monthlyfact",
                order=50,
            )
        )


def _reports_context(request) -> dict:
    return {
        "reports": [
            (
                "churn_inflow",
                _("Churn and inflow"),
                _("Who came and who left, month by month, by branch and tariff."),
            ),
            (
                "base",
                _("Base analysis"),
                _("Active, suspended and terminated subscribers; debtors and debt."),
            ),
            (
                "tariffs",
                _("Tariffs"),
                _("How subscribers are spread over tariffs; revenue per subscriber."),
            ),
        ],
    }
