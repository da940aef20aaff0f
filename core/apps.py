from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CoreConfig(AppConfig):
    name = "core"
    verbose_name = _("Core")

    def ready(self):
        from . import myday

        myday.register(
            myday.Widget(
                "core.staff",
                _("Administration"),
                "core/widgets/staff.html",
                context=_staff_context,
                permission="auth.change_user",
                order=900,
            )
        )


def _staff_context(request) -> dict:
    from django.contrib.auth import get_user_model

    from .models import Branch

    return {
        "active": get_user_model().objects.filter(is_active=True).count(),
        "branches": Branch.objects.count(),
    }
