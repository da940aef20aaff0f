"""The coordination block's settings: the SLA clocks, the refer-a-friend rules and the lists of
reasons, each with its history."""

from django.contrib import messages
from django.contrib.auth.decorators import permission_required
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from core.history import changes

from ..models import Reason, ReasonKind, ReferralProgramme, SlaPolicy
from ..referrals import programme_rules
from ..services import sla_policy
from ..settings_forms import ReasonForm, ReferralProgrammeForm, SlaPolicyForm


def _may_read(user) -> bool:
    return user.has_perm("sales.view_reason") or user.has_perm("sales.change_slapolicy")


def _page(request, *, sla_form=None, referral_form=None, status=200):
    if not _may_read(request.user):
        raise PermissionDenied
    reasons = list(Reason.objects.order_by("kind", "order", "name"))
    lists = [
        (kind, label, [r for r in reasons if r.kind == kind]) for kind, label in ReasonKind.choices
    ]
    policy, rules = sla_policy(), programme_rules()
    kinds = dict(ReasonKind.choices)
    context = {
        "sla_form": sla_form or SlaPolicyForm(instance=policy),
        "referral_form": referral_form or ReferralProgrammeForm(instance=rules),
        "rules_saved": rules.pk is not None,
        "lists": lists,
        "may_sla": request.user.has_perm("sales.change_slapolicy"),
        "may_referral": request.user.has_perm("sales.change_referralprogramme"),
        "may_add_reason": request.user.has_perm("sales.add_reason"),
        "may_change_reason": request.user.has_perm("sales.change_reason"),
        "sla_history": changes(SlaPolicy.history.all(), SlaPolicy, limit=20),
        "referral_history": changes(ReferralProgramme.history.all(), ReferralProgramme, limit=20),
        "reason_history": changes(
            Reason.history.all(),
            Reason,
            limit=30,
            label=lambda r: f"{kinds.get(r.kind, r.kind)} · {r.name}",
        ),
    }
    return render(request, "sales/settings.html", context, status=status)


@require_http_methods(["GET", "HEAD"])
def settings_page(request):
    return _page(request)


@permission_required("sales.change_slapolicy", raise_exception=True)
@require_POST
@transaction.atomic
def sla_save(request):
    current = SlaPolicy.objects.select_for_update().order_by("pk").first()
    form = SlaPolicyForm(request.POST, instance=current or SlaPolicy())
    if not form.is_valid():
        return _page(request, sla_form=form, status=400)
    if form.has_changed() or current is None:
        form.save()
    messages.success(request, _("The SLA times are saved; they apply to applications from now."))
    return redirect("sales:settings")


@permission_required("sales.change_referralprogramme", raise_exception=True)
@require_POST
@transaction.atomic
def referral_rules_save(request):
    current = ReferralProgramme.objects.select_for_update().order_by("pk").first()
    form = ReferralProgrammeForm(request.POST, instance=current or programme_rules())
    if not form.is_valid():
        return _page(request, referral_form=form, status=400)
    if form.has_changed() or current is None:
        form.save()
    messages.success(request, _("The refer-a-friend rules are saved."))
    return redirect("sales:settings")


@require_http_methods(["GET", "POST"])
def reason_edit(request, pk: int | None = None):
    """Add a reason to a list, or rename, reorder or switch off one (a reason is never deleted:
    the steps taken with it keep it)."""
    reason = get_object_or_404(Reason, pk=pk) if pk else Reason()
    if not request.user.has_perm("sales.change_reason" if pk else "sales.add_reason"):
        raise PermissionDenied
    if pk is None:
        kind = request.GET.get("kind") or request.POST.get("kind") or ReasonKind.REJECTED
        if kind not in ReasonKind.values:
            raise Http404
        reason.kind = kind
    form = ReasonForm(request.POST or None, instance=reason, initial={"kind": reason.kind})
    if request.method == "POST" and form.is_valid():
        with transaction.atomic():
            saved = form.save(commit=False)
            if saved.pk is None:
                from core.text import code_from

                taken = Reason.objects.filter(kind=saved.kind).values_list("code", flat=True)
                saved.code = code_from(saved.name, taken, fallback="reason")
            saved.save()
        messages.success(request, _("The reason “%(name)s” is saved.") % {"name": saved.name})
        return redirect("sales:settings")
    status = 400 if request.method == "POST" else 200
    return render(
        request, "sales/reason_form.html", {"form": form, "reason": reason}, status=status
    )
