"""Reads of the surveys engine: a survey's results for a user's branches — NPS with its 95%
confidence interval, overall and by segment, branch, technology and tenure; the answers to
each choice question; the TV channels' ratings and "would miss it" shares. Each breakdown is
one grouped SQL query over the responses."""

from __future__ import annotations

import copy
import math
from dataclasses import dataclass, field
from datetime import date, datetime, time
from decimal import Decimal
from types import SimpleNamespace

from django.db.models import Avg, Case, Count, IntegerField, Max, Q, QuerySet, Value, When
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from core.access import scoped

from ..campaigns import accounts_of, campaign_plan
from ..models import Answer, Campaign, Invitation, Message, Question, Response, Survey
from ..placeholders import TextError
from ..queries import part_price
from ..sms import segments
from .channels import gone_rows
from .tokens import link_of

Z95 = 1.959964  # the normal quantile of a two-sided 95% interval
TEXTS = 12  # the latest comments shown
PROMOTER, DETRACTOR = 9, 6  # 9–10 promote, 0–6 detract, 7–8 are passive
TENURE_BANDS = (
    (6, gettext_lazy("under 6 months")),
    (12, gettext_lazy("6–12 months")),
    (24, gettext_lazy("1–2 years")),
    (None, gettext_lazy("2 years and more")),
)


@dataclass(frozen=True)
class Nps:
    """Net Promoter Score of n scores: % promoters − % detractors, from −100 to 100, with the
    normal-approximation 95% interval, var = (p₊ + p₋ − (p₊ − p₋)²) / n."""

    promoters: int
    passives: int
    detractors: int

    @property
    def n(self) -> int:
        return self.promoters + self.passives + self.detractors

    @property
    def score(self) -> float | None:
        if not self.n:
            return None
        return 100 * (self.promoters - self.detractors) / self.n

    @property
    def margin(self) -> float | None:
        """Half the 95% interval, in NPS points."""
        if not self.n:
            return None
        pro, det = self.promoters / self.n, self.detractors / self.n
        variance = max(pro + det - (pro - det) ** 2, 0.0)
        return 100 * Z95 * math.sqrt(variance / self.n)

    @property
    def low(self) -> float | None:
        return None if self.score is None else max(-100.0, self.score - self.margin)

    @property
    def high(self) -> float | None:
        return None if self.score is None else min(100.0, self.score + self.margin)

    def share(self, part: int) -> float | None:
        return 100 * part / self.n if self.n else None


def nps_of(scores) -> Nps:
    """The NPS of a list of 0–10 scores (what the SQL aggregates compute, for tests)."""
    scores = list(scores)
    pro = sum(1 for s in scores if s >= PROMOTER)
    det = sum(1 for s in scores if s <= DETRACTOR)
    return Nps(pro, len(scores) - pro - det, det)


@dataclass(frozen=True)
class Group:
    label: str
    nps: Nps


@dataclass(frozen=True)
class OptionCount:
    code: str
    label: str
    n: int
    share: float | None  # of the responses that answered the question, %


@dataclass
class ChoiceSummary:
    question: Question
    answered: int
    options: list[OptionCount]


@dataclass(frozen=True)
class ChannelRow:
    code: str
    label: str
    rated: int  # responses that rated it
    mean: float | None
    miss: int  # responses that would miss it
    miss_share: float | None  # of all responses, %


@dataclass(frozen=True)
class TextAnswer:
    answered_at: datetime
    question: str
    text: str


@dataclass
class Results:
    survey: Survey
    responses: int
    questions: list[Question] = field(default_factory=list)
    nps: Nps | None = None
    scores: list[int] = field(default_factory=list)  # how many gave 0, 1, …, 10
    by_segment: list[Group] = field(default_factory=list)
    by_branch: list[Group] = field(default_factory=list)
    by_technology: list[Group] = field(default_factory=list)
    by_tenure: list[Group] = field(default_factory=list)
    choices: list[ChoiceSummary] = field(default_factory=list)
    channels: list[ChannelRow] = field(default_factory=list)
    texts: list[TextAnswer] = field(default_factory=list)

    @property
    def breakdowns(self) -> list[tuple[str, str, list[Group]]]:
        return [
            (key, title, groups)
            for key, title, groups in (
                ("segment", _("By segment"), self.by_segment),
                ("branch", _("By branch"), self.by_branch),
                ("technology", _("By technology"), self.by_technology),
                ("tenure", _("By tenure"), self.by_tenure),
            )
            if groups
        ]


def responses_of(
    survey: Survey, user, *, since: date | None = None, until: date | None = None
) -> QuerySet[Response]:
    """The survey's responses from the user's branches, answered between the dates."""
    rows = scoped(Response.objects.filter(survey=survey), user)
    zone = timezone.get_current_timezone()
    if since:
        rows = rows.filter(answered_at__gte=datetime.combine(since, time.min, zone))
    if until:
        rows = rows.filter(answered_at__lt=datetime.combine(until, time.max, zone))
    return rows


def _counts():
    return {
        "pro": Count("id", filter=Q(score__gte=PROMOTER)),
        "det": Count("id", filter=Q(score__lte=DETRACTOR)),
        "n": Count("id"),
    }


def _nps(row) -> Nps:
    return Nps(row["pro"], row["n"] - row["pro"] - row["det"], row["det"])


def _tenure_band():
    whens = [
        When(tenure_months__lt=limit, then=Value(i))
        for i, (limit, _label) in enumerate(TENURE_BANDS)
        if limit is not None
    ]
    return Case(
        When(tenure_months=None, then=Value(len(TENURE_BANDS))),
        *whens,
        default=Value(len(TENURE_BANDS) - 1),
        output_field=IntegerField(),
    )


def nps_groups(rows: QuerySet[Response], by: str, *, segment=None, user=None) -> list[Group]:
    """NPS per branch, technology, tenure band, or in and out of a segment."""
    scored = rows.filter(score__isnull=False)
    if by == "branch":
        found = scored.values("branch__name").annotate(**_counts()).order_by("branch__name")
        return [Group(r["branch__name"] or _("no branch"), _nps(r)) for r in found]
    if by == "technology":
        found = scored.values("technology").annotate(**_counts()).order_by("technology")
        return [Group(r["technology"] or _("unknown"), _nps(r)) for r in found]
    if by == "tenure":
        found = (
            scored.annotate(band=_tenure_band())
            .values("band")
            .annotate(**_counts())
            .order_by("band")
        )
        labels = [str(label) for _limit, label in TENURE_BANDS] + [_("unknown")]
        return [Group(labels[r["band"]], _nps(r)) for r in found]
    if by == "segment":
        from segments.services import members

        inside = Q(subscriber__in=members(segment, user).order_by().values("pk"))
        found = (
            scored.annotate(inside=Case(When(inside, then=Value(1)), default=Value(0)))
            .values("inside")
            .annotate(**_counts())
            .order_by("-inside")
        )
        names = {1: segment.name, 0: _("the others")}
        return [Group(names[r["inside"]], _nps(r)) for r in found]
    raise ValueError(by)


def survey_results(
    survey: Survey,
    user,
    *,
    since: date | None = None,
    until: date | None = None,
    segment=None,
) -> Results:
    rows = responses_of(survey, user, since=since, until=until)
    questions = list(survey.questions.all())
    roles = {q.role: q for q in questions if q.role}
    results = Results(survey=survey, responses=rows.count(), questions=questions)
    if not results.responses:
        return results

    if Question.Role.NPS in roles:
        spread = dict(
            rows.filter(score__isnull=False).values_list("score").annotate(n=Count("id")).order_by()
        )
        results.scores = [spread.get(n, 0) for n in range(11)]
        results.nps = Nps(
            promoters=sum(results.scores[PROMOTER:]),
            passives=sum(results.scores[DETRACTOR + 1 : PROMOTER]),
            detractors=sum(results.scores[: DETRACTOR + 1]),
        )
        if segment is not None:
            results.by_segment = nps_groups(rows, "segment", segment=segment, user=user)
        results.by_branch = nps_groups(rows, "branch")
        results.by_technology = nps_groups(rows, "technology")
        results.by_tenure = nps_groups(rows, "tenure")

    # Every choice question's options counted, and how many answered each: two queries.
    chosen = [q for q in questions if q.kind in (Question.Kind.SINGLE, Question.Kind.MULTIPLE)]
    answers = Answer.objects.filter(response__in=rows.values("pk"))
    if chosen:
        counts: dict[int, dict[str, int]] = {}
        for question_id, option, n in (
            answers.filter(question__in=chosen)
            .values_list("question_id", "option")
            .annotate(n=Count("id"))
            .order_by()
        ):
            counts.setdefault(question_id, {})[option] = n
        answered = dict(
            answers.filter(question__in=chosen)
            .values_list("question_id")
            .annotate(n=Count("response_id", distinct=True))
            .order_by()
        )
        for question in chosen:
            total = answered.get(question.pk, 0)
            results.choices.append(
                ChoiceSummary(
                    question,
                    total,
                    [
                        OptionCount(
                            o["code"],
                            o["label"],
                            counts.get(question.pk, {}).get(o["code"], 0),
                            100 * counts.get(question.pk, {}).get(o["code"], 0) / total
                            if total
                            else None,
                        )
                        # a channel switched off since: gone from the question, not the results
                        for o in question.options + gone_rows(question, counts.get(question.pk, {}))
                    ],
                )
            )

    grid = roles.get(Question.Role.CHANNELS)
    if grid is not None:
        rated = {
            r["row"]: r
            for r in answers.filter(question=grid)
            .values("row")
            .annotate(n=Count("id"), mean=Avg("value"))
            .order_by()
        }
        miss_question = roles.get(Question.Role.MISS)
        missed = {}
        if miss_question is not None:
            missed = next(
                (c.options for c in results.choices if c.question.pk == miss_question.pk), []
            )
            missed = {o.code: o.n for o in missed}
        for row in grid.rows + gone_rows(grid, set(rated) | set(missed)):
            found = rated.get(row["code"], {})
            miss = missed.get(row["code"], 0)
            results.channels.append(
                ChannelRow(
                    row["code"],
                    row["label"],
                    found.get("n", 0),
                    float(found["mean"]) if found.get("mean") is not None else None,
                    miss,
                    100 * miss / results.responses,
                )
            )

    texts = [q for q in questions if q.kind == Question.Kind.TEXT]
    if texts:
        results.texts = [
            TextAnswer(answered_at, question, text)
            for answered_at, question, text in answers.filter(question__in=texts)
            .exclude(text="")
            .order_by("-response__answered_at", "-id")
            .values_list("response__answered_at", "question__text", "text")[:TEXTS]
        ]
    return results


# -- inviting a segment or a list ------------------------------------------------------------
# Where each message's own link goes: the plan is rendered once with it, then each body gets
# its invitation's link (comms.surveys.services.survey_invite_send).
LINK_MARK = "\x00link\x00"


def invite_campaign(survey: Survey, *, template, segment=None, accounts: str = "", by=None):
    """The (unsaved) campaign that carries a survey's invitations to a segment or a list: its
    messages, pause and cancel are the campaigns' own; `values["survey"]` ties it back."""
    if segment is not None:
        whom = segment.name
    else:
        n = len(accounts_of(accounts))
        whom = ngettext("%(n)s account", "%(n)s accounts", n) % {"n": n}
    name = _("Survey “%(survey)s”: %(whom)s") % {"survey": survey.name, "whom": whom}
    return Campaign(
        name=name[:120],
        template=template,
        segment=segment,
        accounts="" if segment is not None else accounts,
        values={"survey": survey.pk},
        created_by=by if getattr(by, "is_authenticated", False) else None,
    )


@dataclass
class InvitePlan:
    """The campaign's plan without those already invited: one Planned per invitation to write
    (comms.campaigns.Planned, its body with LINK_MARK where the link goes)."""

    going: list
    recipients: int  # on the list, in the user's branches
    no_phone: int
    already: int  # invited to the survey before, the link still valid: skipped

    def counts(self) -> dict[str, int]:
        sent = [p for p in self.going if p.at is not None]
        deferred = sum(p.reason != "" for p in sent)
        return {
            "recipients": self.recipients,
            "no_phone": self.no_phone,
            "already": self.already,
            "invited": len(self.going),
            "queued": len(sent) - deferred,
            "deferred": deferred,
            "refused": len(self.going) - len(sent),
            "parts": sum(p.parts for p in sent),
        }


def still_invited(survey: Survey, now: datetime) -> QuerySet:
    """The subscribers whose invitation to the survey is still valid (answered or not)."""
    return Invitation.objects.filter(survey=survey, expires_at__gt=now).values("subscriber")


def invite_plan(campaign, survey: Survey, user, *, now: datetime) -> InvitePlan:
    """Each recipient's invitation SMS and its moment by the contact rules (no write):
    comms.campaigns.campaign_plan, without those already invited. placeholders.TextError for
    a template that cannot be filled."""
    marked = copy.copy(campaign)
    marked.values = {**campaign.values, "link": LINK_MARK}
    plan = campaign_plan(marked, user, now=now)
    invited = set(still_invited(survey, now).values_list("subscriber", flat=True))
    going = [p for p in plan.messages if p.subscriber.pk not in invited]
    return InvitePlan(
        going=going,
        recipients=len(plan.messages) + plan.no_address,
        no_phone=plan.no_address,
        already=len(plan.messages) - len(going),
    )


def with_link(planned, link: str) -> tuple[str, int]:
    """The planned body with its link, and its SMS parts."""
    body = planned.body.replace(LINK_MARK, link)
    return body, segments(body).parts


@dataclass(frozen=True)
class InvitePreview:
    counts: dict[str, int] = field(default_factory=dict)
    cost: Decimal | None = None
    sample: str = ""  # the first recipient's SMS, with a link of the length theirs will have
    error: str = ""


def invite_preview(campaign, survey: Survey, user) -> InvitePreview:
    """What sending would do: recipients, without a phone, already invited, queued, deferred
    and refused by the contact rules, the SMS parts (each with its link) and their cost."""
    try:
        plan = invite_plan(campaign, survey, user, now=timezone.now())
    except TextError as e:
        return InvitePreview(error=str(e))
    # The links to come are about as long as one for the invitation numbered last.
    last = (Invitation.objects.aggregate(last=Max("pk"))["last"] or 0) + len(plan.going)
    link = link_of(SimpleNamespace(pk=last, nonce="x" * 8))
    sample = ""
    for planned in plan.going:
        body, planned.parts = with_link(planned, link)
        sample = sample or body
    counts = plan.counts()
    price = part_price(campaign.template.channel)
    return InvitePreview(
        counts=counts,
        cost=None if price is None else price * counts["parts"],
        sample=sample,
    )


@dataclass(frozen=True)
class InviteProgress:
    """A survey's invitations so far, by what became of their SMS, and the answers."""

    invited: int
    waiting: int  # queued, deferred, being handed over
    deferred: int
    sent: int  # sent or delivered
    refused: int  # by the contact rules
    failed: int  # failed otherwise, expired, cancelled
    answered: int
    campaign: object = None  # the latest sending to a segment or a list

    @property
    def reached(self) -> int:
        return self.invited - self.refused - self.failed

    @property
    def rate(self) -> float | None:
        """Response rate, % of the invitations whose link went (or may still go)."""
        return 100 * self.answered / self.reached if self.reached else None


def invite_progress(survey: Survey) -> InviteProgress:
    """Two queries: the invitations by their message's status, and the latest sending."""
    Status = Message.Status
    rows = (
        Invitation.objects.filter(survey=survey)
        .values_list("message__status")
        .annotate(
            n=Count("id"),
            answered=Count("id", filter=Q(answered_at__isnull=False)),
            refused=Count("id", filter=Q(message__error__startswith="contact rules")),
        )
        .order_by()
    )
    by_status: dict[str | None, int] = {}
    answered = refused = 0
    for status, n, yes, no in rows:
        by_status[status] = n
        answered += yes
        refused += no
    waiting = sum(by_status.get(s, 0) for s in (Status.QUEUED, Status.DEFERRED, Status.SENDING))
    ended = sum(by_status.get(s, 0) for s in (Status.FAILED, Status.EXPIRED, Status.CANCELLED))
    return InviteProgress(
        invited=sum(by_status.values()),
        waiting=waiting,
        deferred=by_status.get(Status.DEFERRED, 0),
        sent=by_status.get(Status.SENT, 0) + by_status.get(Status.DELIVERED, 0),
        refused=refused,
        failed=ended - refused,
        answered=answered,
        campaign=Campaign.objects.filter(values__survey=survey.pk).order_by("-pk").first(),
    )
