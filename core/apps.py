from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CoreConfig(AppConfig):
    name = "core"
    verbose_name = _("Core")

    def ready(self):
        from django.contrib.auth.signals import user_logged_in
        from django.db.backends.signals import connection_created

        from . import myday, registry

        connection_created.connect(_sqlite_functions, dispatch_uid="abonent_sqlite_functions")
        # A login is not a change of the user: record its time without a history record.
        user_logged_in.disconnect(dispatch_uid="update_last_login")
        user_logged_in.connect(_last_login_quietly, dispatch_uid="update_last_login")
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


def _last_login_quietly(sender, user, **kwargs) -> None:
    from django.utils import timezone

    user.last_login = timezone.now()
    type(user)._default_manager.filter(pk=user.pk).update(last_login=user.last_login)


def _sqlite_functions(sender, connection, **kwargs) -> None:
    """Functions our SQL uses that SQLite lacks (see core.sql)."""
    if connection.vendor == "sqlite":
        from .sql import FOLD, fold

        connection.connection.create_function(FOLD, 1, fold, deterministic=True)


def _staff_context(request) -> dict:
    from django.contrib.auth import get_user_model

    from .models import Branch

    return {
        "active": get_user_model().objects.filter(is_active=True).count(),
        "branches": Branch.objects.count(),
    }
