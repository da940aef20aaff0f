from django.apps import AppConfig
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _


class SubscribersConfig(AppConfig):
    name = "subscribers"
    verbose_name = _("Subscribers")

    def ready(self):
        post_migrate.connect(_install_mappings, sender=self)


def _install_mappings(sender, using="default", **kwargs):
    from .services import mappings_install

    mappings_install(using=using)
