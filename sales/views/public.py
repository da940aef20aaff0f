"""The public application form (/apply/, no login): a prospect on the operator's site asks to
be connected. Also embeddable in an iframe (/apply/?embed=1). Spam is kept out by a honeypot,
a signed stamp of when the form was shown and rate limits per IP address and per phone."""

from django.conf import settings
from django.core import signing
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods, require_safe

from core.auth import client_ip
from core.forms import add_errors
from subscribers import coverage

from ..intake import RateLimit, branch_guess, candidate_chosen, limit_message
from ..models import Source
from ..public_forms import ApplyForm, stamp_make
from ..services import application_create

THANKS_SALT = "sales.apply.thanks"


def _limits() -> tuple[RateLimit, RateLimit]:
    ip_limit, ip_seconds = getattr(settings, "ABONENT_APPLY_LIMIT_PER_IP", (5, 60 * 60))
    phone_limit, phone_seconds = getattr(
        settings, "ABONENT_APPLY_LIMIT_PER_PHONE", (3, 24 * 60 * 60)
    )
    return RateLimit("apply-ip", ip_limit, ip_seconds), RateLimit(
        "apply-phone", phone_limit, phone_seconds
    )


def _framed(request, response):
    """The embedded variant may be shown in a frame of the sites in
    ABONENT_APPLY_FRAME_ANCESTORS (a CSP source list; "'self'" unless the operator sets it);
    every other page, the plain form included, keeps X-Frame-Options: DENY."""
    if request.GET.get("embed") == "1":
        ancestors = getattr(settings, "ABONENT_APPLY_FRAME_ANCESTORS", "'self'")
        response.xframe_options_exempt = True
        response["Content-Security-Policy"] = f"frame-ancestors {ancestors}"
    return response


def _page(request, template: str, context: dict, status: int = 200):
    embed = request.GET.get("embed") == "1"
    context = {
        "embed": embed,
        "operator": settings.ABONENT_OPERATOR_NAME,
        "query": "?embed=1" if embed else "",
        **context,
    }
    return _framed(request, render(request, template, context, status=status))


def _thanks_url(request, token: str = "") -> str:
    query = {"t": token} if token else {}
    if request.GET.get("embed") == "1":
        query["embed"] = "1"
    url = reverse("apply_thanks")
    return f"{url}?{urlencode(query)}" if query else url


# Anonymous, acting for no one, and embedded on another site where the CSRF cookie does not
# reach the frame (SameSite, third-party cookie blocking): the signed stamp is the form's token.
@csrf_exempt
@require_http_methods(["GET", "POST"])
def apply(request):
    if request.method == "GET":
        # A friend's link (/apply/?ref=CODE) fills the referral code in.
        initial = {"referral_code": request.GET.get("ref", "")[:20]}
        return _page(request, "sales/apply.html", {"form": ApplyForm(initial=initial)})
    data = request.POST.copy()
    form = ApplyForm(data)
    if data.get("website"):
        return redirect(_thanks_url(request))  # the honeypot: pretend; nothing is written
    # A person who sent it half-filled sees what is missing, however fast they were.
    if not form.is_valid():
        return _page(request, "sales/apply.html", {"form": form}, status=400)
    if form.is_bot:
        return redirect(_thanks_url(request))
    if form.is_stale:
        data["stamp"] = stamp_make()
        form = ApplyForm(data)
        form.is_valid()
        form.add_error(None, _("The page was open too long. Check the details and send again."))
        return _page(request, "sales/apply.html", {"form": form}, status=400)
    by_ip, by_phone = _limits()
    ip = client_ip(request) or "unknown"
    phone = form.cleaned_data["phone"]
    for limit, key, kind in ((by_ip, ip, "ip"), (by_phone, phone, "phone")):
        if limit.exceeded(key):
            form.add_error(None, limit_message(kind))
            return _page(request, "sales/apply.html", {"form": form, "limited": True}, status=429)
    fields = form.cleaned_data
    building = branch = None
    candidates = ()
    try:
        answer = coverage.check(None, fields["address"])
    except coverage.AddressError as e:
        form.add_error("address", str(e))
        return _page(request, "sales/apply.html", {"form": form}, status=400)
    if answer.status == coverage.AMBIGUOUS:
        building = candidate_chosen(answer, fields.get("building"))
        if building is None:
            candidates = answer.candidates
            form.add_error("address", _("Several buildings match this address: choose yours."))
            return _page(
                request, "sales/apply.html", {"form": form, "candidates": candidates}, status=400
            )
    elif answer.status == coverage.UNKNOWN:
        branch = branch_guess(answer)
    try:
        application = application_create(
            by=None,
            coverage_user=None,
            source=Source.WEB_FORM,
            full_name=fields["full_name"],
            phone=phone,
            address=fields["address"],
            flat=fields["flat"],
            tariff=fields["tariff"],
            building=building,
            branch=branch,
            referral_code=fields["referral_code"],
        )
    except ValidationError as e:
        add_errors(form, e)
        return _page(request, "sales/apply.html", {"form": form}, status=400)
    by_ip.hit(ip)
    by_phone.hit(phone)
    token = signing.dumps(
        {"n": application.number, "c": application.state != application.State.NO_COVERAGE},
        salt=THANKS_SALT,
    )
    return redirect(_thanks_url(request, token))


@require_safe
def apply_thanks(request):
    """The result: the number, and whether we will call to connect or when coverage comes."""
    try:
        result = signing.loads(request.GET.get("t", ""), salt=THANKS_SALT, max_age=24 * 60 * 60)
    except signing.BadSignature:
        result = None
    return _page(request, "sales/apply_thanks.html", {"result": result})
