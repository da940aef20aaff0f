"""The field agent's form on a phone (/sales/field/): the application is credited to the
agent who takes it; a live coverage hint as the address is typed; duplicates are shown before
saving, to save anyway or link to the application already open."""

from django.contrib import messages
from django.contrib.auth.decorators import permission_required
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_safe

from core.forms import add_errors
from core.money import user_currency
from subscribers import coverage

from ..field_forms import FieldForm
from ..intake import candidate_chosen
from ..services import application_check, application_create

ADD = "sales.add_application"


@permission_required(ADD, raise_exception=True)
@require_safe
def field_coverage(request):
    """The coverage hint under the address field (HTMX): served or not, or which building."""
    text = request.GET.get("address", "").strip()
    answer = error = None
    if len(text) >= 3:
        try:
            answer = coverage.check(request.user, text)
        except coverage.AddressError as problem:
            error = str(problem)
    return render(request, "sales/_field_coverage.html", {"answer": answer, "error": error})


@permission_required(ADD, raise_exception=True)
@require_http_methods(["GET", "POST"])
def field_form(request):
    if request.method == "GET":
        # The next one from the same place: the door-to-door or promo-stand toggle is kept.
        source = request.GET.get("source")
        initial = (
            {"source": source} if source in dict(FieldForm.base_fields["source"].choices) else {}
        )
        form = FieldForm(initial=initial, currency=user_currency(request.user))
        return render(request, "sales/field.html", {"form": form})
    form = FieldForm(request.POST, currency=user_currency(request.user))
    context = {"form": form}
    if not form.is_valid():
        return render(request, "sales/field.html", context, status=400)
    fields = form.cleaned_data
    try:
        check = application_check(
            user=request.user, phone=fields["phone"], address=fields["address"], flat=fields["flat"]
        )
    except ValidationError as e:
        add_errors(form, e)
        return render(request, "sales/field.html", context, status=400)
    building = None
    if check.coverage.status == coverage.AMBIGUOUS:
        building = candidate_chosen(check.coverage, fields.get("building"))
        if building is None:
            form.add_error("address", _("Several buildings match: tap the right one."))
            context["answer"] = check.coverage
            return render(request, "sales/field.html", context, status=400)
    decision = request.POST.get("decision", "")
    duplicate_of = None
    if request.POST.get("link_to"):
        duplicate_of = next(
            (a for a in check.applications if str(a.pk) == request.POST["link_to"]), None
        )
        decision = "link" if duplicate_of is not None else ""  # no longer open: ask again
    if check.duplicates and decision not in ("save", "link"):
        context.update(check=check, answer=check.coverage)
        return render(request, "sales/field.html", context)
    try:
        application = application_create(
            by=request.user,
            source=fields["source"],
            full_name=fields["full_name"],
            phone=fields["phone"],
            address=fields["address"],
            flat=fields["flat"],
            tariff=fields["tariff"],
            agent=request.user,
            paid=fields["paid"],
            building=building,
            duplicate_of=duplicate_of,
            referral_code=fields["referral_code"],
        )
    except ValidationError as e:
        add_errors(form, e)
        return render(request, "sales/field.html", context, status=400)
    if application.state == application.State.NO_COVERAGE:
        text = _("Application %(number)s is saved: the address is not covered yet, it waits for "
                 "coverage in the demand registry.")  # fmt: skip
    else:
        text = _("Application %(number)s is saved.")
    messages.success(request, text % {"number": application.number})
    return redirect(f"{reverse('sales:field')}?{urlencode({'source': fields['source']})}")
