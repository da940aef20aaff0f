"""Surveys (questionnaires 2.5.6 NPS and 3.2.14 TV channels, and the operator's own): the
questions, the invitations sent by SMS with a signed link, and the responses given on that
link, on an operator's call or on the web, one answer row per value so the reports are plain
SQL aggregates."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from .calls import Call
from .messaging import Message, MessageTemplate


class SurveyChannel(models.TextChoices):
    """How a survey reached the subscriber."""

    SMS = "sms", _("SMS link")
    WEB = "web", _("Web")
    CALL = "call", _("Call")


class Survey(models.Model):
    # Set on the shipped surveys (comms/surveys/standard.py): installing them again finds
    # them after the operator has edited them.
    code = models.SlugField(_("code"), max_length=64, unique=True, null=True, blank=True)
    name = models.CharField(_("name"), max_length=120, unique=True)
    intro = models.TextField(_("introduction"), blank=True)
    thanks = models.TextField(_("thanks"), blank=True)
    # The SMS that invites to it; its text has a {link} placeholder.
    template = models.ForeignKey(
        MessageTemplate,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("invitation SMS"),
    )
    valid_days = models.PositiveSmallIntegerField(_("link valid for, days"), default=7)
    active = models.BooleanField(_("active"), default=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)
    history = HistoricalRecords(excluded_fields=["updated_at"])

    class Meta:
        verbose_name = _("survey")
        verbose_name_plural = _("surveys")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class Question(models.Model):
    class Kind(models.TextChoices):
        SCALE10 = "scale10", _("Scale 0–10")
        SINGLE = "single", _("Single choice")
        MULTIPLE = "multiple", _("Multiple choice")
        GRID = "grid", _("Rating grid")
        TEXT = "text", _("Free text")

    class Role(models.TextChoices):
        """What the reports read a question as."""

        NONE = "", _("—")
        NPS = "nps", _("Likelihood to recommend (NPS)")
        CHANNELS = "channels", _("Rating of TV channels")
        MISS = "miss", _("Channels one would miss")

    survey = models.ForeignKey(
        Survey, on_delete=models.CASCADE, related_name="questions", verbose_name=_("survey")
    )
    code = models.SlugField(_("code"), max_length=64)
    order = models.PositiveSmallIntegerField(_("order"), default=0)
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices)
    text = models.CharField(_("question"), max_length=300)
    help = models.CharField(_("hint"), max_length=300, blank=True)
    # [{"code": ..., "label": ...}]: the choices, or a grid's rows (e.g. channels).
    options = models.JSONField(_("options"), default=list, blank=True)
    rows = models.JSONField(_("rows"), default=list, blank=True)
    scale_min = models.SmallIntegerField(_("scale from"), default=1)
    scale_max = models.SmallIntegerField(_("scale to"), default=5)
    required = models.BooleanField(_("required"), default=False)
    role = models.CharField(_("role"), max_length=10, choices=Role.choices, blank=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("question")
        verbose_name_plural = _("questions")
        ordering = ["survey", "order", "id"]
        constraints = [
            models.UniqueConstraint(fields=["survey", "code"], name="question_code_unique"),
        ]

    def __str__(self) -> str:
        return self.text

    def labels(self, field: str = "options") -> dict[str, str]:
        return {item["code"]: item["label"] for item in getattr(self, field)}


class Invitation(models.Model):
    """A subscriber asked to answer, with the nonce their signed link carries."""

    survey = models.ForeignKey(
        Survey, on_delete=models.CASCADE, related_name="invitations", verbose_name=_("survey")
    )
    subscriber = models.ForeignKey(
        "subscribers.Subscriber",
        on_delete=models.CASCADE,
        related_name="+",
        verbose_name=_("subscriber"),
    )
    channel = models.CharField(
        _("channel"), max_length=8, choices=SurveyChannel.choices, default=SurveyChannel.SMS
    )
    nonce = models.CharField(max_length=16)
    created_at = models.DateTimeField(_("invited"), auto_now_add=True)
    expires_at = models.DateTimeField(_("expires"))
    answered_at = models.DateTimeField(_("answered"), null=True, blank=True)
    message = models.ForeignKey(
        Message,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("message"),
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        verbose_name = _("survey invitation")
        verbose_name_plural = _("survey invitations")
        indexes = [models.Index(fields=["survey", "created_at"], name="invitation_survey")]

    def __str__(self) -> str:
        return f"{self.survey} → {self.subscriber_id}"


class Response(models.Model):
    """One subscriber's answers to a survey. What the breakdowns need is copied at the moment
    of answering (branch, technology, tenure), so the reports neither join the base nor change
    when the subscriber later moves or leaves."""

    survey = models.ForeignKey(
        Survey,
        on_delete=models.PROTECT,
        related_name="responses",
        verbose_name=_("survey"),
        db_index=False,  # response_survey (survey, answered_at) serves it
    )
    subscriber = models.ForeignKey(
        "subscribers.Subscriber",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("subscriber"),
        db_index=False,  # response_subscriber (subscriber, answered_at) serves it
    )
    # One response per invitation: the database refuses a second, whatever the race.
    invitation = models.OneToOneField(
        Invitation,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="response",
        verbose_name=_("invitation"),
    )
    channel = models.CharField(_("channel"), max_length=8, choices=SurveyChannel.choices)
    call = models.ForeignKey(
        Call,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="survey_responses",
        verbose_name=_("call"),
    )
    answered_at = models.DateTimeField(_("answered"))
    branch = models.ForeignKey(
        "core.Branch",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("branch"),
    )
    technology = models.CharField(_("technology"), max_length=10, blank=True)
    tenure_months = models.PositiveSmallIntegerField(_("tenure, months"), null=True, blank=True)
    # The answer to the survey's NPS question (0–10), kept here for the NPS aggregates.
    score = models.PositiveSmallIntegerField(_("score"), null=True, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("recorded by"),
    )

    class Meta:
        verbose_name = _("survey response")
        verbose_name_plural = _("survey responses")
        indexes = [
            models.Index(fields=["survey", "answered_at"], name="response_survey"),
            models.Index(fields=["subscriber", "answered_at"], name="response_subscriber"),
        ]
        constraints = [
            models.CheckConstraint(condition=Q(score__lte=10), name="response_score_0_10"),
        ]

    def __str__(self) -> str:
        return f"{self.survey} #{self.pk}"


class Answer(models.Model):
    """One value of a response: a scale's number, a chosen option (one row per option of a
    multiple choice), a grid row's rating (`row`), or a text."""

    response = models.ForeignKey(
        Response, on_delete=models.CASCADE, related_name="answers", verbose_name=_("response")
    )
    question = models.ForeignKey(
        Question,
        on_delete=models.PROTECT,
        related_name="answers",
        verbose_name=_("question"),
        db_index=False,  # answer_question (question, row, option) serves it
    )
    row = models.CharField(_("row"), max_length=64, blank=True)
    option = models.CharField(_("option"), max_length=64, blank=True)
    value = models.SmallIntegerField(_("value"), null=True, blank=True)
    text = models.TextField(_("text"), blank=True)

    class Meta:
        verbose_name = _("answer")
        verbose_name_plural = _("answers")
        indexes = [
            models.Index(fields=["question", "row", "option"], name="answer_question"),
        ]


class TvChannel(models.Model):
    """A channel of the operator's own line-up, which the TV-channel survey (3.2.14) asks
    about: edited on its page or imported from a file; paid packages included."""

    code = models.SlugField(_("code"), max_length=64, unique=True)
    name = models.CharField(_("name"), max_length=120, unique=True)
    package = models.CharField(_("package"), max_length=80, blank=True)
    paid = models.BooleanField(_("paid package"), default=False)
    number = models.PositiveSmallIntegerField(_("number in the line-up"), null=True, blank=True)
    active = models.BooleanField(_("on air"), default=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("TV channel")
        verbose_name_plural = _("TV channels")
        ordering = ["number", "name"]

    def __str__(self) -> str:
        return self.name
