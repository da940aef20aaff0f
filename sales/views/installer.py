"""The installer's pages, made for a phone: today's jobs in order, a job with Start and Finish,
its photos (the writes are sales.installer's)."""

from django.contrib import messages
from django.contrib.auth.decorators import permission_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST, require_safe

from .. import installer as service
from ..models import Reason, ReasonKind, Visit

PERMISSION = "sales.change_visit"
MATERIAL_ROWS = 3  # empty rows the form shows; the page adds more


def _installer(request):
    found = service.installer_of(request.user)
    if found is None:
        raise PermissionDenied(_("You are not in an installation team."))
    return found


def _visit(request, pk: int) -> Visit:
    """A visit of the installer's team (any other: 403)."""
    installer = _installer(request)
    rows = Visit.objects.select_related(
        "slot__team__branch",
        "application__tariff",
        "application__building__street__city",
        "reason",
        "relocation__subscriber",
        "relocation__building__street__city",
    )
    visit = get_object_or_404(rows, pk=pk)
    if visit.slot.team_id != installer.team_id:
        raise PermissionDenied(_("This job belongs to another team."))
    return visit


def job_summary(visit: Visit) -> dict:
    """What the installer needs to find the place and the person."""
    application, relocation = visit.application, visit.relocation
    if application is not None:
        building = application.building
        return {
            "address": service.place_of(application),
            "flat": application.flat,
            "name": application.full_name,
            "phone": application.phone,
            "tariff": application.tariff.name if application.tariff_id else "",
            "technology": application.technology or (building.technology if building else ""),
            "note": application.note,
            "number": application.number,
        }
    subscriber = relocation.subscriber if relocation is not None else None
    return {
        "address": str(relocation.building) if relocation and relocation.building_id else "",
        "flat": relocation.flat if relocation else "",
        "name": subscriber.full_name if subscriber else "",
        "phone": subscriber.phone if subscriber else "",
        "tariff": "",
        "technology": "",
        "note": relocation.note if relocation else "",
        "number": subscriber.account if subscriber else "",
    }


@permission_required(PERMISSION, raise_exception=True)
@require_safe
def installer_day(request):
    installer = _installer(request)
    visits = list(service.visits_today(installer))
    return render(
        request,
        "sales/installer.html",
        {
            "installer": installer,
            "today": service.team_today(installer.team),
            "jobs": [(visit, job_summary(visit)) for visit in visits],
            "done": sum(1 for v in visits if v.state in (Visit.State.DONE, Visit.State.FAILED)),
        },
    )


def _materials(post) -> list[dict]:
    names, quantities = post.getlist("material_name"), post.getlist("material_quantity")
    return [{"name": n, "quantity": q} for n, q in zip(names, quantities, strict=False)]


def _job_context(request, visit: Visit, *, errors=None, data=None) -> dict:
    data = data or {}
    materials = data.get("materials") or visit.materials or []
    rows = list(materials) + [{"name": "", "quantity": ""}] * max(MATERIAL_ROWS - len(materials), 1)
    return {
        "visit": visit,
        "job": job_summary(visit),
        "reasons": Reason.objects.filter(kind=ReasonKind.FAILED, active=True),
        "photos": list(visit.photos.order_by("uploaded_at")),
        "errors": errors or {},
        "data": data,
        "material_rows": rows,
        "results": service.Result.choices,
    }


@permission_required(PERMISSION, raise_exception=True)
@require_safe
def installer_job(request, pk: int):
    visit = _visit(request, pk)
    return render(request, "sales/installer_job.html", _job_context(request, visit))


def _error_dict(error: ValidationError) -> dict:
    """Messages by field; those of no field under "general"."""
    if hasattr(error, "error_dict"):
        errors = {key: list(messages) for key, messages in error.message_dict.items()}
        errors["general"] = errors.pop("__all__", [])
        return errors
    return {"general": list(error.messages)}


@permission_required(PERMISSION, raise_exception=True)
@require_POST
def installer_start(request, pk: int):
    visit = _visit(request, pk)
    try:
        service.visit_start(visit=visit, by=request.user)
    except ValidationError as e:
        messages.error(request, " ".join(e.messages))
    return redirect("sales:installer_job", pk=visit.pk)


@permission_required(PERMISSION, raise_exception=True)
@require_POST
def installer_finish(request, pk: int):
    visit = _visit(request, pk)
    post = request.POST
    if visit.state in (Visit.State.DONE, Visit.State.FAILED):  # sent twice: it is closed
        messages.info(request, _("This job is closed already."))
        return redirect("sales:installer_job", pk=visit.pk)
    reason = None
    if post.get("reason", "").isdigit():
        reason = Reason.objects.filter(pk=int(post["reason"]), kind=ReasonKind.FAILED).first()
    data = {
        "result": post.get("result", ""),
        "reason": post.get("reason", ""),
        "account": post.get("account", "").strip(),
        "comment": post.get("comment", ""),
        "materials": _materials(post),
    }
    try:
        with transaction.atomic():
            service.visit_finish(
                visit=visit,
                by=request.user,
                result=data["result"],
                reason=reason,
                materials=data["materials"],
                comment=data["comment"],
                account=data["account"],
            )
            for upload in request.FILES.getlist("photos"):
                service.visit_photo_add(visit=visit, by=request.user, upload=upload)
    except ValidationError as e:
        context = _job_context(request, visit, errors=_error_dict(e), data=data)
        return render(request, "sales/installer_job.html", context, status=400)
    visit.refresh_from_db()
    if visit.state == Visit.State.DONE and visit.application_id:
        account = visit.application.subscriber.account if visit.application.subscriber else ""
        messages.success(
            request, _("Connected. The account is %(account)s.") % {"account": account}
        )
    else:
        messages.success(request, _("The job is closed."))
    return redirect("sales:installer")


@permission_required(PERMISSION, raise_exception=True)
@require_POST
def installer_photos(request, pk: int):
    visit = _visit(request, pk)
    uploads = request.FILES.getlist("photos")
    if not uploads:
        messages.error(request, _("Choose a photo."))
        return redirect("sales:installer_job", pk=visit.pk)
    try:
        with transaction.atomic():
            for upload in uploads:
                service.visit_photo_add(visit=visit, by=request.user, upload=upload)
    except ValidationError as e:
        context = _job_context(request, visit, errors=_error_dict(e))
        return render(request, "sales/installer_job.html", context, status=400)
    messages.success(request, _("Photos added: %(n)s.") % {"n": len(uploads)})
    return redirect("sales:installer_job", pk=visit.pk)


def widget_context(request) -> dict | None:
    """The start page's "today's jobs" for an installer (core.myday)."""
    installer = service.installer_of(request.user)
    if installer is None:
        return None
    states = list(service.visits_today(installer).values_list("state", flat=True))
    closed = sum(1 for s in states if s in (Visit.State.DONE, Visit.State.FAILED))
    return {"jobs": len(states), "closed": closed, "left": len(states) - closed}
