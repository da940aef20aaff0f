from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CoreConfig(AppConfig):
    name = "core"
    verbose_name = _("Core")

    def ready(self):
        from . import myday, registry
        from .filtersets import AuditFilter
        from .models import AuditEvent

        registry.register(
            registry.Registry(
                name="audit",
                model=AuditEvent,
                title=_("Who looked at what"),
                description=_(
                    "Subscriber cards opened and personal data revealed, by whom and when."
                ),
                permission="core.view_auditevent",
                filterset=AuditFilter,
                columns=[
                    registry.Column("at", _("When")),
                    registry.Column("user", _("User"), value=lambda e: e.user or "—"),
                    registry.Column("action", _("Action"), value=lambda e: e.get_action_display()),
                    registry.Column("object_repr", _("Object")),
                    registry.Column("branch", _("Branch"), value=lambda e: e.branch or "—"),
                    registry.Column("address", _("IP address"), default=False),
                ],
                sorts={"at": ("at",)},
                default_sort="-at",
                branch_field="branch",
                select_related=("user", "branch"),
            )
        )

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
