"""The TV line-up page (/comms/tv-channels/): the operator's channels by package, which the
TV-channel survey 3.2.14 asks about; a channel added, edited, switched off or on, and a line-up
imported from a file, each followed by the survey's channel questions refreshed."""

from dataclasses import dataclass, field

from django.contrib import messages
from django.contrib.auth.decorators import permission_required
from django.core.exceptions import ValidationError
from django.http import HttpResponseBadRequest
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from core.forms import add_errors
from core.history import changes

from ..models import TvChannel
from ..surveys.channel_forms import LineupImportForm, TvChannelForm
from ..surveys.channels import channel_set_active, channels_import, lineup_on_air

READ, ADD, CHANGE = "comms.view_tvchannel", "comms.add_tvchannel", "comms.change_tvchannel"


@dataclass
class Package:
    name: str
    paid: bool
    channels: list[TvChannel] = field(default_factory=list)


def _packages() -> list[Package]:
    """The line-up grouped by package in the order of their first channel; those off air
    last in their package."""
    on_air = list(lineup_on_air())
    off_air = list(TvChannel.objects.filter(active=False).order_by("name"))
    packages: dict[tuple[str, bool], Package] = {}
    for channel in on_air + off_air:
        key = (channel.package, channel.paid)
        packages.setdefault(key, Package(channel.package, channel.paid)).channels.append(channel)
    return list(packages.values())


def _page(request, *, import_form=None, status=200):
    packages = _packages()
    return render(
        request,
        "comms/surveys/tv_channels.html",
        {
            "packages": packages,
            "on_air": sum(c.active for p in packages for c in p.channels),
            "total": sum(len(p.channels) for p in packages),
            "import_form": import_form or LineupImportForm(),
            "may_import": request.user.has_perms([ADD, CHANGE]),
        },
        status=status,
    )


@permission_required(READ, raise_exception=True)
@require_safe
def tv_channels(request):
    return _page(request)


def _form_page(request, channel: TvChannel | None):
    form = TvChannelForm(request.POST or None, instance=channel, user=request.user)
    if request.method == "POST" and form.is_valid():
        try:
            saved = form.save()
        except ValidationError as e:  # the same name saved meanwhile (a form sent twice)
            add_errors(form, e)
        else:
            messages.success(request, _("The channel is saved; the TV survey lists it so."))
            return redirect(reverse("comms:tv_channels") + f"#channel-{saved.code}")
    return render(
        request,
        "comms/surveys/tv_channel_form.html",
        {
            "form": form,
            "channel": channel,
            "history": changes(channel.history.all(), TvChannel) if channel else [],
        },
        status=400 if request.method == "POST" else 200,
    )


@permission_required(ADD, raise_exception=True)
@require_http_methods(["GET", "POST"])
def tv_channel_new(request):
    return _form_page(request, None)


@permission_required(CHANGE, raise_exception=True)
@require_http_methods(["GET", "POST"])
def tv_channel_edit(request, pk: int):
    return _form_page(request, get_object_or_404(TvChannel, pk=pk))


@permission_required(CHANGE, raise_exception=True)
@require_POST
def tv_channel_active(request, pk: int):
    """Switch the channel off (active=0) or put it back on air (active=1)."""
    channel = get_object_or_404(TvChannel, pk=pk)
    wanted = request.POST.get("active")
    if wanted not in ("0", "1"):
        return HttpResponseBadRequest(_("Say whether the channel is on air (1) or not (0)."))
    channel_set_active(channel=channel, active=wanted == "1", by=request.user)
    if wanted == "1":
        messages.success(request, _("The channel is on air: the TV survey asks about it."))
    else:
        messages.success(
            request, _("The channel is off air: the TV survey no longer asks about it.")
        )
    return redirect(reverse("comms:tv_channels") + f"#channel-{channel.code}")


@permission_required([ADD, CHANGE], raise_exception=True)
@require_POST
def tv_channels_upload(request):
    form = LineupImportForm(request.POST, request.FILES)
    if form.is_valid():
        upload = form.cleaned_data["file"]
        try:
            added, updated = channels_import(
                name=upload.name, content=upload.read(), by=request.user
            )
        except ValidationError as e:
            add_errors(form, e, fallback="file")
        else:
            messages.success(
                request,
                _("Line-up imported: %(added)s channels added, %(updated)s updated.")
                % {"added": added, "updated": updated},
            )
            return redirect("comms:tv_channels")
    return _page(request, import_form=form, status=400)
