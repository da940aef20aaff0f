from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CommsConfig(AppConfig):
    name = "comms"
    verbose_name = _("Communications")

    def ready(self):
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
