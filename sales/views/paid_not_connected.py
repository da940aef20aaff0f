"""The memo on applications paid but not connected (2.2.1), as DOCX or PDF, from the rows of the
registry "paid_not_connected" with the filters of the page it was asked from."""

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse
from django.utils import timezone
from django.views.decorators.http import require_safe

from core import documents, registry
from core.registry import Action
from subscribers.privacy import may_see

from .. import memo
from ..services import sla_policy

TYPES = {"docx": documents.DOCX_TYPE, "pdf": "application/pdf"}


@login_required
@require_safe
def paid_not_connected_memo(request, fmt: str):
    if fmt not in TYPES:
        raise Http404(fmt)
    chosen = registry.get("paid_not_connected")
    if not request.user.has_perm(chosen.permission):
        raise PermissionDenied
    filterset, rows = registry.filtered(chosen, request, request.GET)
    rows, _fields, _desc = registry.ordered(
        chosen, rows, request.GET.get("sort") or chosen.default_sort
    )
    days = filterset.form.cleaned_data.get("days") if filterset.is_valid() else None
    days = int(days) if days is not None else sla_policy().paid_not_connected_days
    context = memo.memo_context(
        rows, user=request.user, days=days, shown_personal=may_see(request.user)
    )
    render = documents.render_pdf if fmt == "pdf" else documents.render_docx
    content = render(memo.CODE, context)
    response = HttpResponse(content, content_type=TYPES[fmt])
    stamp = timezone.localdate().isoformat()
    response["Content-Disposition"] = f'attachment; filename="paid-not-connected-{stamp}.{fmt}"'
    return response


def memo_action(fmt: str, label):
    """A header button of the registry: the memo of the rows filtered on the page."""
    from django.urls import reverse

    def make(request, query: str) -> Action | None:
        url = reverse("sales:paid_not_connected_memo", kwargs={"fmt": fmt})
        return Action(label, f"{url}?{query}" if query else url, name=f"memo-{fmt}")

    return make
