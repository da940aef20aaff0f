"""Pages of the surveys engine: a survey's results with charts and XLSX downloads, inviting a
subscriber, a segment or a list, answering on a subscriber's behalf (web), the public page of
a survey link (/s/<token>/), which needs no login: the signed token is the permission, and the
editor of a survey and its questions."""

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import permission_required
from django.core.exceptions import ValidationError
from django.db.models import Exists, OuterRef
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from core.access import scoped
from core.forms import add_errors
from core.registry import Action
from subscribers.models import Subscriber

from ..models import Answer, Invitation, Question, Survey, SurveyChannel
from ..surveys import charts, editing, editor_forms, export, queries, services
from ..surveys.editor_forms import SurveyForm
from ..surveys.forms import AccountForm, InviteForm, ResultsFilter, answers_from, question_fields
from ..surveys.tokens import token_read

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _filters(request) -> tuple[ResultsFilter, dict]:
    form = ResultsFilter(request.GET or None)
    chosen = form.cleaned_data if form.is_valid() else {}
    return form, {
        "since": chosen.get("since"),
        "until": chosen.get("until"),
        "segment": chosen.get("segment"),
    }


def _may_see_segment(user) -> bool:
    return user.has_perm("segments.view_segment") and user.has_perm("subscribers.view_subscriber")


@permission_required(["comms.view_survey", "comms.view_response"], raise_exception=True)
@require_safe
def survey_results(request, pk: int):
    survey = get_object_or_404(Survey.objects.select_related("template"), pk=pk)
    form, chosen = _filters(request)
    if not _may_see_segment(request.user):
        del form.fields["segment"]
        chosen["segment"] = None
    results = queries.survey_results(survey, request.user, **chosen)
    if "segment" in form.fields and not any(q.role == "nps" for q in results.questions):
        del form.fields["segment"]  # a segment is compared by NPS only
    figures = []
    if results.nps is not None:
        figures.append((charts.scores(results), True))
        for _key, title, groups in results.breakdowns:
            figures.append((charts.nps_groups(title, groups), True))
    figures += [(html, True) for html in charts.channels(results)]
    query = request.GET.urlencode()
    return render(
        request,
        "comms/surveys/results.html",
        {
            "survey": survey,
            "form": form,
            "results": results,
            "charts": figures,
            "query": query,
            "invite_form": AccountForm(),
        },
    )


@permission_required(["comms.view_survey", "comms.view_response"], raise_exception=True)
@require_safe
def survey_export(request, pk: int, what: str):
    survey = get_object_or_404(Survey, pk=pk)
    _form, chosen = _filters(request)
    if not _may_see_segment(request.user):
        chosen["segment"] = None
    if what == "results":
        content = export.results_xlsx(queries.survey_results(survey, request.user, **chosen))
    elif what == "responses":
        rows = queries.responses_of(
            survey, request.user, since=chosen["since"], until=chosen["until"]
        )
        content = export.responses_xlsx(rows, list(survey.questions.all()))
    else:
        return HttpResponse(status=404)
    response = HttpResponse(content, content_type=XLSX)
    response["Content-Disposition"] = f'attachment; filename="survey-{survey.pk}-{what}.xlsx"'
    return response


def _subscriber_of(request, account: str) -> Subscriber | None:
    return (
        scoped(Subscriber.objects.select_related("branch"), request.user)
        .filter(account=account.strip())
        .first()
    )


@permission_required("comms.add_invitation", raise_exception=True)
@require_POST
def survey_invite(request, pk: int):
    """Send one subscriber the survey's SMS with their link."""
    survey = get_object_or_404(Survey.objects.select_related("template"), pk=pk)
    form = AccountForm(request.POST)
    subscriber = _subscriber_of(request, form.data.get("account", "")) if form.is_valid() else None
    if subscriber is None:
        messages.error(request, _("No subscriber with this account in your branches."))
        return redirect("comms:survey", pk=pk)
    try:
        invitation = services.invitation_create(
            survey=survey, subscriber=subscriber, by=request.user
        )
    except ValidationError as e:
        for message in e.messages:
            messages.error(request, message)
    else:
        if services.invitation_refused(invitation):
            messages.warning(
                request,
                _("The contact rules refused the SMS: %(reason)s")
                % {"reason": invitation.message.error},
            )
        else:
            messages.success(
                request,
                _("The invitation to %(account)s is queued.") % {"account": subscriber.account},
            )
    return redirect("comms:survey", pk=pk)


@permission_required(["comms.view_survey", "comms.add_response"], raise_exception=True)
@require_http_methods(["GET", "POST"])
def survey_fill(request, pk: int):
    """Record the answers a subscriber gives in person or by e-mail (the web channel)."""
    survey = get_object_or_404(Survey, pk=pk, active=True)
    questions = list(survey.questions.all())
    data = request.POST if request.method == "POST" else None
    account_form = AccountForm(data or request.GET or None)
    answers = answers_from(request.POST, questions) if data is not None else {}
    errors = {}
    status = 200
    if data is not None:
        subscriber = _subscriber_of(request, data.get("account", ""))
        if subscriber is None:
            account_form.add_error(
                "account", _("No subscriber with this account in your branches.")
            )
        try:
            if subscriber is not None:
                services.response_record(
                    survey=survey,
                    answers=answers,
                    channel=SurveyChannel.WEB,
                    subscriber=subscriber,
                    by=request.user,
                )
                messages.success(request, _("The answers are recorded."))
                return redirect("comms:survey", pk=pk)
            services.answers_check(questions, answers)
        except ValidationError as e:
            errors = e.message_dict if hasattr(e, "error_dict") else {"__all__": e.messages}
        status = 400
    return render(
        request,
        "comms/surveys/fill.html",
        {
            "survey": survey,
            "account_form": account_form,
            "survey_fields": question_fields(questions, answers=answers, errors=errors),
            "general_errors": errors.get("__all__", []),
        },
        status=status,
    )


# -- the public page ------------------------------------------------------------------------
def _public(request, state: str, *, status: int = 200, **context):
    return render(
        request,
        "comms/surveys/public.html",
        {"state": state, "operator": settings.ABONENT_OPERATOR_NAME, **context},
        status=status,
    )


@require_http_methods(["GET", "POST"])
def survey_public(request, token: str):
    """A survey link's page: the questions, and once answered, thanks; a link not signed by
    us, one expired or one answered already gets a page that says so and records nothing."""
    found = token_read(token)
    invitation = None
    if found is not None:
        invitation = (
            Invitation.objects.select_related("survey").filter(pk=found[0], nonce=found[1]).first()
        )
    if invitation is None:
        return _public(request, "invalid", status=404)
    survey = invitation.survey
    if invitation.answered_at is not None:
        if request.method == "GET" and request.GET.get("done"):
            return _public(request, "thanks", survey=survey)  # just answered
        return _public(
            request, "answered", survey=survey, status=409 if request.method == "POST" else 200
        )
    if not survey.active:
        return _public(request, "closed", survey=survey, status=410)
    if invitation.expires_at <= timezone.now():
        return _public(request, "expired", survey=survey, status=410)
    questions = list(survey.questions.all())
    answers, errors = {}, {}
    if request.method == "POST":
        answers = answers_from(request.POST, questions)
        try:
            services.response_record(
                survey=survey,
                answers=answers,
                channel=invitation.channel,
                invitation=invitation,
            )
        except services.InvitationClosed as e:
            return _public(request, e.reason, survey=survey, status=409)
        except ValidationError as e:
            errors = e.message_dict if hasattr(e, "error_dict") else {"__all__": e.messages}
        else:
            return redirect(reverse("survey_public", kwargs={"token": token}) + "?done=1")
    return _public(
        request,
        "form",
        survey=survey,
        survey_fields=question_fields(questions, answers=answers, errors=errors),
        general_errors=errors.get("__all__", []),
        errors=bool(errors),
        status=400 if errors else 200,
    )


# -- the editor ------------------------------------------------------------------------------
def new_survey_action(request, query: str) -> Action | None:
    """The survey registry's header button."""
    if not request.user.has_perm("comms.add_survey"):
        return None
    return Action(gettext_lazy("New survey"), reverse("comms:survey_new"), name="new-survey")


def _editor_url(survey: Survey, question: Question | None = None) -> str:
    url = reverse("comms:survey_edit", kwargs={"pk": survey.pk})
    return f"{url}#question-{question.pk}" if question is not None else url


def _errors_to_messages(request, error: ValidationError) -> None:
    for message in error.messages:
        messages.error(request, message)


def _survey_page(request, survey: Survey | None):
    """The survey's properties and, once it exists, its questions."""
    form = SurveyForm(request.POST or None, instance=survey, user=request.user)
    if request.method == "POST" and form.is_valid():
        try:
            saved = form.save()
        except ValidationError as e:  # the same name saved meanwhile (a form sent twice)
            add_errors(form, e)
        else:
            if survey is None:
                messages.success(request, _("The survey is made: add its questions."))
            else:
                messages.success(request, _("The survey is saved."))
            return redirect(_editor_url(saved))
    questions, responses = [], 0
    if survey is not None:
        questions = list(
            survey.questions.annotate(
                answered=Exists(Answer.objects.filter(question=OuterRef("pk")))
            )
        )
        responses = survey.responses.count()
    return render(
        request,
        "comms/surveys/edit.html",
        {
            "survey": survey,
            "form": form,
            "questions": questions,
            "responses": responses,
            "kinds": Question.Kind.choices,
        },
        status=400 if request.method == "POST" else 200,
    )


@permission_required("comms.add_survey", raise_exception=True)
@require_http_methods(["GET", "POST"])
def survey_new(request):
    return _survey_page(request, None)


@permission_required(["comms.view_survey", "comms.change_survey"], raise_exception=True)
@require_http_methods(["GET", "POST"])
def survey_edit(request, pk: int):
    return _survey_page(
        request, get_object_or_404(Survey.objects.select_related("template"), pk=pk)
    )


@permission_required(["comms.add_survey", "comms.add_question"], raise_exception=True)
@require_POST
def survey_copy(request, pk: int):
    survey = get_object_or_404(Survey, pk=pk)
    copy = editing.survey_copy(survey=survey, by=request.user)
    messages.success(
        request,
        _("“%(name)s” is made, inactive: change it, then make it active.") % {"name": copy.name},
    )
    return redirect(_editor_url(copy))


def _question_page(request, survey: Survey, question: Question | None):
    data = request.POST if request.method == "POST" else None
    more = data is not None and request.GET.get("more") in ("options", "rows")
    if more:
        data = editor_forms.more_rows(data, request.GET["more"])
    initial = {}
    if question is not None:
        initial = {
            "kind": question.kind,
            "text": question.text,
            "help": question.help,
            "required": question.required,
            "nps": question.role == Question.Role.NPS,
            "scale_min": question.scale_min,
            "scale_max": question.scale_max,
        }
    if more:  # the values as they were typed, not judged yet
        fields = editor_forms.QuestionForm.base_fields
        initial = {name: data.get(name) for name in fields if name in data}
        form = editor_forms.QuestionForm(initial=initial)
    else:
        form = editor_forms.QuestionForm(data, initial=initial)
    formsets = {
        name: editor_forms.ItemFormSet(
            # Bound, no initial: a row left as it was is still a row (not an "unchanged" extra).
            data,
            prefix=name,
            initial=getattr(question, name) if question and data is None else None,
        )
        for name in ("options", "rows")
    }
    if data is not None and not more:
        valid = form.is_valid()
        valid = all([f.is_valid() for f in formsets.values()]) and valid
        if valid:
            try:
                saved = editing.question_save(
                    survey=survey,
                    question=question,
                    by=request.user,
                    **form.values(),
                    options=editor_forms.items_of(formsets["options"]),
                    rows=editor_forms.items_of(formsets["rows"]),
                )
            except ValidationError as e:
                editor_forms.question_errors(form, formsets, e)
            else:
                messages.success(request, _("The question is saved."))
                return redirect(_editor_url(survey, saved))
    return render(
        request,
        "comms/surveys/question_form.html",
        {
            "survey": survey,
            "question": question,
            "form": form,
            "options": formsets["options"],
            "rows": formsets["rows"],
            "answered": question is not None and question.answers.exists(),
        },
        status=400 if data is not None and not more else 200,
    )


@permission_required(["comms.change_survey", "comms.add_question"], raise_exception=True)
@require_http_methods(["GET", "POST"])
def question_new(request, pk: int):
    return _question_page(request, get_object_or_404(Survey, pk=pk), None)


@permission_required(["comms.change_survey", "comms.change_question"], raise_exception=True)
@require_http_methods(["GET", "POST"])
def question_edit(request, pk: int, question: int):
    found = get_object_or_404(Question.objects.select_related("survey"), pk=question, survey=pk)
    return _question_page(request, found.survey, found)


# Deleting a question is editing its survey: SURVEYS_EDIT has no delete_question of its own.
@permission_required(["comms.change_survey", "comms.change_question"], raise_exception=True)
@require_POST
def question_delete(request, pk: int, question: int):
    survey = get_object_or_404(Survey, pk=pk)
    found = Question.objects.filter(pk=question, survey=survey).first()
    if found is not None:
        try:
            editing.question_delete(question=found, by=request.user)
        except ValidationError as e:
            _errors_to_messages(request, e)
            return redirect(_editor_url(survey, found))
    messages.success(request, _("The question is deleted."))
    return redirect(_editor_url(survey))


@permission_required(["comms.change_survey", "comms.change_question"], raise_exception=True)
@require_POST
def question_move(request, pk: int, question: int):
    found = get_object_or_404(Question.objects.select_related("survey"), pk=question, survey=pk)
    offset = {"up": -1, "down": 1}.get(request.POST.get("to", ""))
    if offset is None:
        messages.error(request, _("Say whether the question moves up or down."))
    else:
        try:
            editing.question_move(question=found, offset=offset, by=request.user)
        except ValidationError as e:
            _errors_to_messages(request, e)
    return redirect(_editor_url(found.survey, found))


# -- inviting a segment or a list ------------------------------------------------------------
def _invite_form(request, survey: Survey, data=None) -> InviteForm:
    return InviteForm(data, survey=survey, may_use_segments=_may_see_segment(request.user))


def _invite_values(form: InviteForm) -> dict:
    data = form.cleaned_data
    return {
        "template": data["template"],
        "segment": data.get("segment"),
        "accounts": (data.get("accounts") or "").strip(),
    }


@permission_required(["comms.view_survey", "comms.add_invitation"], raise_exception=True)
@require_http_methods(["GET", "POST"])
def survey_invitations(request, pk: int):
    """Whom to invite, and (POST) what sending would do, before anything is sent."""
    survey = get_object_or_404(Survey.objects.select_related("template"), pk=pk)
    form = _invite_form(request, survey, request.POST if request.method == "POST" else None)
    preview = None
    if request.method == "POST" and form.is_valid():
        values = _invite_values(form)
        campaign = queries.invite_campaign(survey, by=request.user, **values)
        preview = queries.invite_preview(campaign, survey, request.user)
    return render(
        request,
        "comms/surveys/invite.html",
        {"survey": survey, "form": form, "preview": preview},
        status=400 if request.method == "POST" and not form.is_valid() else 200,
    )


@permission_required(["comms.view_survey", "comms.add_invitation"], raise_exception=True)
@require_POST
def survey_invitations_send(request, pk: int):
    survey = get_object_or_404(Survey, pk=pk)
    form = _invite_form(request, survey, request.POST)
    if not form.is_valid():
        return render(
            request,
            "comms/surveys/invite.html",
            {"survey": survey, "form": form, "preview": None},
            status=400,
        )
    try:
        services.survey_invite_start(survey=survey, by=request.user, **_invite_values(form))
    except ValidationError as e:
        _errors_to_messages(request, e)
        return redirect("comms:survey", pk=pk)
    messages.success(request, _("The invitations are being sent."))
    return redirect(reverse("comms:survey", kwargs={"pk": pk}) + "#invite-progress")


@permission_required(["comms.view_survey", "comms.view_invitation"], raise_exception=True)
@require_safe
def survey_invitations_progress(request, pk: int):
    """The line of the survey's page on its invitations; polled while a sending runs."""
    survey = get_object_or_404(Survey, pk=pk)
    return render(
        request,
        "comms/surveys/_invite_progress.html",
        {"survey": survey, "progress": queries.invite_progress(survey)},
    )
