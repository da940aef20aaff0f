from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CommsConfig(AppConfig):
    name = "comms"
    verbose_name = _("Communications")

    def ready(self):
        from subscribers.importing.columns import ColumnHandler
        from subscribers.importing.columns import register as import_column_register

        from .consent import IMPORT_COLUMNS, import_consents

        # The billing's consent_sms/_email/_call columns, written by SQL in the import's
        # transaction (subscribers must not import comms).
        import_column_register(ColumnHandler(tuple(IMPORT_COLUMNS), import_consents))
        from subscribers.signals import batch_imported

        # The event messages of a billing import, in the background once it has committed.
        batch_imported.connect(_batch_imported, dispatch_uid="comms.triggers")
        from core import registry
        from subscribers.card import Tab, register_tab

        from .card import tab_context
        from .registries import (
            CALL_LIST_ENTRIES,
            CALL_LISTS,
            CALLS,
            CAMPAIGNS,
            CONTACT_REFUSALS,
            MESSAGE_TEMPLATES,
            MESSAGES,
            SCRIPTS,
        )
        from .views.messaging import new_campaign_action, new_template_action
        from .views.scripts import new_script_action

        MESSAGE_TEMPLATES.actions.append(new_template_action)
        registry.register(MESSAGE_TEMPLATES)
        registry.register(CONTACT_REFUSALS)
        registry.register(MESSAGES)
        CAMPAIGNS.actions.append(new_campaign_action)
        registry.register(CAMPAIGNS)
        from .registries import SURVEYS
        from .surveys import tasks as _survey_tasks  # noqa: F401 (the workers learn the task)
        from .views.surveys import new_survey_action

        SURVEYS.actions.append(new_survey_action)
        registry.register(SURVEYS)
        registry.register(CALLS)
        registry.register(CALL_LISTS)
        registry.register(CALL_LIST_ENTRIES)
        SCRIPTS.actions.append(new_script_action)
        registry.register(SCRIPTS)
        from .registries import OUTAGES
        from .views.outages import new_outage_action

        OUTAGES.actions.append(new_outage_action)
        registry.register(OUTAGES)
        from core.myday import Widget
        from core.myday import register as widget_register

        from .calllists import my_calls

        widget_register(
            Widget(
                "comms.calls",
                _("Calls to make"),
                "comms/widgets/calls.html",
                context=lambda request: my_calls(request.user),
                permission="comms.add_call",
                order=20,
                width="half",
            )
        )
        register_tab(
            Tab(
                "comms",
                _("Communications"),
                "comms/tabs/communications.html",
                context=tab_context,
                permission="comms.view_contactpolicy",
                order=50,
            )
        )


def _batch_imported(sender, batch, **kwargs):
    from core.jobs import run_in_background

    from .tasks import triggers_import_task

    run_in_background(triggers_import_task, batch.pk)
