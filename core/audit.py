"""Recording who looked at what (core.AuditEvent)."""

from .models import AuditEvent


def record(request, action: str, obj, *, branch=None) -> AuditEvent:
    return AuditEvent.objects.create(
        user=request.user if request.user.is_authenticated else None,
        action=action,
        object_type=obj._meta.label_lower,
        object_id=str(obj.pk),
        object_repr=str(obj)[:200],
        branch=branch,
        address=request.META.get("REMOTE_ADDR") or None,
    )
