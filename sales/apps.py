from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SalesConfig(AppConfig):
    name = "sales"
    verbose_name = _("Sales and coordination")

    def ready(self):
        from core import registry

        from . import outcomes  # noqa: F401 — registers the actions of calls' outcomes
        from .registries import APPLICATIONS

        registry.register(APPLICATIONS)
        # The installer's day, the paid-not-connected registry and its memo (items 6, 9).
        from core.myday import Widget as InstallerWidget
        from core.myday import register as installer_widget_register

        from . import memo
        from .registries import PAID_NOT_CONNECTED
        from .views.installer import widget_context as installer_widget
        from .views.paid_not_connected import memo_action

        PAID_NOT_CONNECTED.actions += [
            memo_action("docx", _("Memo (DOCX)")),
            memo_action("pdf", _("Memo (PDF)")),
        ]
        registry.register(PAID_NOT_CONNECTED)
        memo.register()
        from . import schedule  # noqa: F401 — registers the route sheet's Word template

        installer_widget_register(
            InstallerWidget(
                "sales.installer_day",
                _("Today's jobs"),
                "sales/widgets/installer_day.html",
                context=installer_widget,
                roles=frozenset({"installer"}),
                permission="sales.change_visit",
                order=10,
            )
        )
        from core.myday import Widget
        from core.myday import register as widget_register

        from .queries import queue_figures

        widget_register(
            Widget(
                "sales.applications",
                _("Applications"),
                "sales/widget_queue.html",
                context=lambda request: queue_figures(request.user),
                roles=frozenset({"head", "coordinator", "supervisor"}),
                permission="sales.view_application",
                order=15,
            )
        )
        # Refer a friend (3.3.5): the subscriber's code and the friends brought.
        from subscribers.card import Tab, register_tab

        from .referrals import card_tab_context, placeholders_register

        placeholders_register()

        register_tab(
            Tab(
                "referrals",
                _("Refer a friend"),
                "sales/referrals_tab.html",
                context=card_tab_context,
                permission="sales.view_application",
                order=60,
            )
        )
        # Relocation (1.4): the card's tab and the registry; force majeure has pages only.
        from .registries import RELOCATIONS
        from .views.relocation import card_tab_context as relocation_tab

        registry.register(RELOCATIONS)
        register_tab(
            Tab(
                "relocation",
                _("Relocation"),
                "sales/relocation_tab.html",
                context=relocation_tab,
                permission="sales.view_relocation",
                order=65,
            )
        )
