from django.apps import AppConfig
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _


class SubscribersConfig(AppConfig):
    name = "subscribers"
    verbose_name = _("Subscribers")

    def ready(self):
        post_migrate.connect(_install_mappings, sender=self)
        from core import registry
        from core.myday import Widget, register

        from .buildings import BUILDINGS
        from .registries import SUBSCRIBERS

        registry.register(SUBSCRIBERS)
        registry.register(BUILDINGS)

        register(
            Widget(
                "subscribers.overview",
                _("The base today"),
                "subscribers/widgets/overview.html",
                context=_overview_context,
                permission="subscribers.view_subscriber",
                order=10,
            )
        )
        register(
            Widget(
                "subscribers.coverage",
                _("Coverage check"),
                "subscribers/widgets/coverage.html",
                roles=frozenset(
                    {"coordinator", "sales_agent", "office_manager", "operator", "installer"}
                ),
                permission="subscribers.view_building",
                order=20,
            )
        )
        register(
            Widget(
                "subscribers.import",
                _("Billing import"),
                "subscribers/widgets/import.html",
                permission="subscribers.add_importbatch",
                order=800,
            )
        )


def _overview_context(request) -> dict:
    from core.access import branch_ids

    from .queries import base_overview

    return {
        "overview": base_overview(branches=branch_ids(request.user)),
        "can_import": request.user.has_perm("subscribers.add_importbatch"),
    }


def _install_mappings(sender, using="default", **kwargs):
    from .services import mappings_install

    mappings_install(using=using)
