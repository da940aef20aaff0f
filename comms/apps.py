from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CommsConfig(AppConfig):
    name = "comms"
    verbose_name = _("Communications")

    def ready(self):
        from core import registry
        from subscribers.card import Tab, register_tab

        from .card import tab_context
        from .registries import CAMPAIGNS, CONTACT_REFUSALS, MESSAGE_TEMPLATES, MESSAGES
        from .views.messaging import new_campaign_action, new_template_action

        MESSAGE_TEMPLATES.actions.append(new_template_action)
        registry.register(MESSAGE_TEMPLATES)
        registry.register(CONTACT_REFUSALS)
        registry.register(MESSAGES)
        CAMPAIGNS.actions.append(new_campaign_action)
        registry.register(CAMPAIGNS)
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
