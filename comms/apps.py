from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CommsConfig(AppConfig):
    name = "comms"
    verbose_name = _("Communications")

    def ready(self):
        from core import registry

        from .registries import MESSAGE_TEMPLATES
        from .views import new_template_action

        MESSAGE_TEMPLATES.actions.append(new_template_action)
        registry.register(MESSAGE_TEMPLATES)
