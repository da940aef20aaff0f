"""Pages of the communications block (its lists are registries, comms.registries): message
templates with their live preview, the contact rules and the calendar, the card's opt-out,
campaigns and their progress, and the two addresses Kannel calls (delivery reports, messages
from subscribers)."""

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import permission_required
from django.core import signing
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse, HttpResponseBadRequest
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from core.access import branches_of, scoped
from core.registry import Action
from subscribers.models import Subscriber
from subscribers.privacy import mask_flat, may_see

from .. import campaigns, outbox, placeholders, queries, services
from ..consent import consent_give, consent_withdraw
from ..consent_forms import ConsentForm
from ..forms import CalendarDayForm, CampaignForm, ContactPolicyForm, MessageTemplateForm
from ..models import CalendarDay, Campaign, Channel, Consent, MessageTemplate, OptOut
from ..policies import DEFAULTS, policies, policy_for


def new_template_action(request, query: str) -> Action | None:
    """The template registry's header button."""
    if not request.user.has_perm("comms.add_messagetemplate"):
        return None
    return Action(gettext_lazy("New template"), reverse("comms:template_new"), name="new-template")


def _subscriber(request, account: str) -> tuple[Subscriber | None, str]:
    """The subscriber a preview is made for, among the user's branches, or why there is none.
    A user without the right to personal data sees the flat masked in the address."""
    account = account.strip()
    if not account or not request.user.has_perm("subscribers.view_subscriber"):
        return None, ""
    rows = scoped(Subscriber.objects.select_related("tariff", "building__street"), request.user)
    subscriber = rows.filter(account=account).first()
    if subscriber is None:
        return None, _("No subscriber with account %(account)s in your branches.") % {
            "account": account
        }
    if not may_see(request.user):
        subscriber.flat = mask_flat(subscriber.flat)
    return subscriber, ""


def _preview_context(request, *, channel, subject, body, account) -> dict:
    subscriber, missing = _subscriber(request, account)
    return {
        "preview": queries.preview(
            channel=channel, subject=subject, body=body, subscriber=subscriber
        ),
        "subscriber": subscriber,
        "missing": missing,
        "account": account,
        "is_sms": channel == Channel.SMS,
    }


@permission_required("comms.view_messagetemplate", raise_exception=True)
@require_safe
def template_detail(request, pk: int):
    template = get_object_or_404(MessageTemplate, pk=pk)
    context = _preview_context(
        request,
        channel=template.channel,
        subject=template.subject,
        body=template.body,
        account=request.GET.get("account", ""),
    )
    branches = list(branches_of(request.user))
    context["branches"] = branches
    context["triggers"] = queries.triggers_of_template(template, branches)
    return render(request, "comms/template.html", {"template": template, **context})


def _form_page(request, template: MessageTemplate | None):
    form = MessageTemplateForm(request.POST or None, instance=template, user=request.user)
    if request.method == "POST" and form.is_valid():
        saved = form.save()
        messages.success(request, _("The template is saved."))
        return redirect("comms:template", pk=saved.pk)
    if request.method == "POST":
        text = {name: request.POST.get(name, "") for name in ("channel", "subject", "body")}
    else:
        shown = template or MessageTemplate(channel=Channel.SMS)
        text = {"channel": shown.channel, "subject": shown.subject, "body": shown.body}
    context = _preview_context(request, **text, account=request.GET.get("account", ""))
    return render(
        request,
        "comms/template_form.html",
        {"form": form, "template": template, "placeholders": placeholders.registered(), **context},
        status=400 if request.method == "POST" else 200,
    )


@permission_required("comms.add_messagetemplate", raise_exception=True)
@require_http_methods(["GET", "POST"])
def template_new(request):
    return _form_page(request, None)


@permission_required("comms.change_messagetemplate", raise_exception=True)
@require_http_methods(["GET", "POST"])
def template_edit(request, pk: int):
    return _form_page(request, get_object_or_404(MessageTemplate, pk=pk))


@permission_required("comms.view_messagetemplate", raise_exception=True)
@require_POST
def template_preview(request):
    """The preview fragment for the text being written (the form posts it as it changes)."""
    context = _preview_context(
        request,
        channel=request.POST.get("channel", Channel.SMS),
        subject=request.POST.get("subject", ""),
        body=request.POST.get("body", ""),
        account=request.POST.get("account", ""),
    )
    return render(request, "comms/_preview.html", context)


# -- contact rules ---------------------------------------------------------------------------
@permission_required("comms.change_optout", raise_exception=True)
@require_POST
def opt_out(request, pk: int):
    """Set or clear the subscriber's marketing opt-out from the card's Communications tab."""
    subscriber = get_object_or_404(scoped(Subscriber.objects.all(), request.user), pk=pk)
    wanted = request.POST.get("opt_out")
    if wanted not in ("0", "1"):
        return HttpResponseBadRequest(_("Say whether the subscriber opts out (1) or not (0)."))
    if wanted == "1":
        services.opt_out_set(subscriber=subscriber, source=OptOut.Source.CARD, by=request.user)
        messages.success(request, _("Marketing to this subscriber is stopped."))
    else:
        services.opt_out_clear(subscriber=subscriber, by=request.user)
        messages.success(request, _("Marketing to this subscriber is allowed again."))
    return redirect(reverse("subscribers:card", kwargs={"pk": pk}) + "#tab-comms")


@permission_required("comms.change_consent", raise_exception=True)
@require_POST
def consent(request, pk: int):
    """Give or withdraw the subscriber's consent to advertising on a channel, from the card's
    Communications tab; sent twice, the second changes nothing."""
    subscriber = get_object_or_404(scoped(Subscriber.objects.all(), request.user), pk=pk)
    form = ConsentForm(request.POST)
    back = reverse("subscribers:card", kwargs={"pk": pk}) + "#tab-comms"
    if not form.is_valid():
        for errors in form.errors.values():
            for error in errors:
                messages.error(request, error)
        return redirect(back)
    data = form.cleaned_data
    label = Consent.Channel(data["channel"]).label
    if data["action"] == "give":
        consent_give(
            subscriber=subscriber,
            channel=data["channel"],
            source=data["source"],
            note=data["note"],
            by=request.user,
        )
        messages.success(
            request, _("Consent to advertising (%(channel)s) is recorded.") % {"channel": label}
        )
    else:
        consent_withdraw(
            subscriber=subscriber,
            channel=data["channel"],
            withdrawal=Consent.Withdrawal.CARD,
            by=request.user,
        )
        messages.success(
            request, _("Consent to advertising (%(channel)s) is withdrawn.") % {"channel": label}
        )
    return redirect(back)


@permission_required("comms.view_contactpolicy", raise_exception=True)
@require_safe
def contact_rules(request):
    return render(
        request,
        "comms/rules.html",
        {
            "policies": list(policies().values()),
            "calendar": CalendarDay.objects.filter(date__gte=timezone.localdate()),
            "country": settings.ABONENT_COUNTRY,
        },
    )


@permission_required("comms.change_contactpolicy", raise_exception=True)
@require_http_methods(["GET", "POST"])
def contact_rule_edit(request, purpose: str, kind: str):
    if (purpose, kind) not in DEFAULTS:
        raise Http404
    policy = policy_for(purpose, kind)
    form = ContactPolicyForm(request.POST or None, instance=policy)
    if request.method == "POST" and form.is_valid():
        services.contact_policy_save(policy=form.instance, by=request.user)
        messages.success(request, _("The contact rule is saved."))
        return redirect("comms:rules")
    return render(
        request,
        "comms/rule_form.html",
        {"form": form, "policy": policy},
        status=400 if request.method == "POST" else 200,
    )


@permission_required("comms.change_contactpolicy", raise_exception=True)
@require_POST
def calendar_day_add(request):
    form = CalendarDayForm(request.POST)
    if form.is_valid():
        form.save()
        messages.success(request, _("The day is added to the calendar."))
    else:
        for errors in form.errors.values():
            for error in errors:
                messages.error(request, error)
    return redirect(reverse("comms:rules") + "#calendar")


@permission_required("comms.change_contactpolicy", raise_exception=True)
@require_POST
def calendar_day_delete(request, pk: int):
    get_object_or_404(CalendarDay, pk=pk).delete()
    return redirect(reverse("comms:rules") + "#calendar")


@require_safe  # Kannel calls with GET: no CSRF token is needed or exempted
def dlr(request, token: str):
    """A delivery report from Kannel (public: the gateway has no session; the signed token
    names the message, so nobody else can report on it)."""
    try:
        message_id = signing.loads(token, salt=outbox.DLR_SALT)
        kind = int(request.GET.get("type", ""))
    except (signing.BadSignature, ValueError):
        return HttpResponseBadRequest("bad report")
    outbox.dlr_record(message_id, kind)
    return HttpResponse("ok")


@require_safe  # Kannel's sms-service calls with GET
def mo(request, token: str):
    """A message a subscriber wrote, passed on by Kannel (public: the signed token in the URL
    is the one comms.outbox.mo_url gives Kannel). The empty answer sends no reply SMS."""
    try:
        if signing.loads(token, salt=outbox.MO_SALT) != "mo":
            raise signing.BadSignature
    except signing.BadSignature:
        return HttpResponseBadRequest("bad token")
    sender = request.GET.get("from", "")
    if not sender:
        return HttpResponseBadRequest("no sender")
    outbox.incoming_record(
        sender=sender, receiver=request.GET.get("to", ""), text=request.GET.get("text", "")
    )
    return HttpResponse("")


# -- campaigns -------------------------------------------------------------------------------
def new_campaign_action(request, query: str) -> Action | None:
    if not request.user.has_perm("comms.add_campaign"):
        return None
    return Action(gettext_lazy("New campaign"), reverse("comms:campaign_new"), name="new-campaign")


@permission_required("comms.add_campaign", raise_exception=True)
@require_http_methods(["GET", "POST"])
def campaign_new(request):
    form = CampaignForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        campaign = form.save(commit=False)
        campaign.created_by = request.user
        campaign.save()
        return redirect("comms:campaign", pk=campaign.pk)
    return render(
        request,
        "comms/campaign_form.html",
        {"form": form},
        status=400 if request.method == "POST" else 200,
    )


@permission_required("comms.view_campaign", raise_exception=True)
@require_safe
def campaign_detail(request, pk: int):
    campaign = get_object_or_404(Campaign.objects.select_related("template", "segment"), pk=pk)
    context = {"campaign": campaign}
    if campaign.status == Campaign.Status.DRAFT:
        if campaign.counts.get("error"):
            messages.error(request, campaign.counts["error"])
        context["preview"] = campaigns.campaign_preview(campaign, request.user)
    else:
        context["progress"] = campaigns.campaign_progress(campaign)
    return render(request, "comms/campaign.html", context)


@permission_required("comms.view_campaign", raise_exception=True)
@require_safe
def campaign_progress(request, pk: int):
    """The progress fragment the campaign's page polls while it runs."""
    campaign = get_object_or_404(Campaign, pk=pk)
    if request.GET.get("was") == "launching" and campaign.status != Campaign.Status.LAUNCHING:
        response = HttpResponse("")
        response["HX-Refresh"] = "true"  # launched (or back to a draft): the whole page anew
        return response
    context = {"campaign": campaign, "progress": campaigns.campaign_progress(campaign)}
    return render(request, "comms/_campaign_progress.html", context)


CAMPAIGN_ACTIONS = {
    "launch": (
        campaigns.campaign_launch_start,
        gettext_lazy("The campaign is being launched: its messages are being queued."),
    ),
    "pause": (campaigns.campaign_pause, gettext_lazy("The campaign is paused.")),
    "resume": (campaigns.campaign_resume, gettext_lazy("The campaign goes on.")),
    "cancel": (campaigns.campaign_cancel, gettext_lazy("The campaign is cancelled.")),
}


@permission_required("comms.change_campaign", raise_exception=True)
@require_POST
def campaign_act(request, pk: int, action: str):
    """Launch, pause, resume or cancel; an action the campaign's state does not allow (a form
    sent twice, say) is refused with the reason and changes nothing."""
    if action not in CAMPAIGN_ACTIONS:
        raise Http404
    campaign = get_object_or_404(Campaign, pk=pk)
    service, done = CAMPAIGN_ACTIONS[action]
    try:
        service(campaign=campaign, by=request.user)
    except ValidationError as e:
        for message in e.messages:
            messages.error(request, message)
    else:
        messages.success(request, done)
    return redirect("comms:campaign", pk=pk)
