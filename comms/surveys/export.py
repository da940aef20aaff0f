"""XLSX downloads of a survey: its results (the tables of the page) and its raw responses,
one row each, one column per question (per line of a grid)."""

import io

from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _
from openpyxl import Workbook

from ..models import Answer, Question, Response
from .channels import CHANNEL_ROLES, answered_codes, gone_rows
from .queries import Results

CHUNK = 2000


def _round(value, places: int = 1):
    return None if value is None else round(value, places)


def _joined(values: list | None):
    """One cell: a number as a number, several choices joined."""
    if not values:
        return None
    if len(values) == 1:
        return values[0]
    return "; ".join(str(v) for v in values)


def results_xlsx(results: Results) -> bytes:
    book = Workbook(write_only=True)
    if results.nps is not None:
        sheet = book.create_sheet("NPS")
        sheet.append(
            [
                _("Breakdown"),
                _("Group"),
                _("Responses"),
                _("Promoters"),
                _("Passives"),
                _("Detractors"),
                "NPS",
                _("95% interval, from"),
                _("95% interval, to"),
            ]
        )
        groups = [(_("All"), [("", results.nps)])] + [
            (title, [(g.label, g.nps) for g in groups])
            for _key, title, groups in results.breakdowns
        ]
        for title, rows in groups:
            for label, nps in rows:
                sheet.append(
                    [
                        str(title),
                        label,
                        nps.n,
                        nps.promoters,
                        nps.passives,
                        nps.detractors,
                        _round(nps.score),
                        _round(nps.low),
                        _round(nps.high),
                    ]
                )
        sheet = book.create_sheet(_("Scores")[:31])
        sheet.append([_("Score"), _("Responses")])
        for score, n in enumerate(results.scores):
            sheet.append([score, n])
    if results.channels:
        sheet = book.create_sheet(_("Channels")[:31])
        sheet.append(
            [_("Channel"), _("Rated by"), _("Mean rating"), _("Would miss it"), _("Share, %")]
        )
        for c in results.channels:
            sheet.append([c.label, c.rated, _round(c.mean, 2), c.miss, _round(c.miss_share)])
    if results.choices:
        sheet = book.create_sheet(_("Questions")[:31])
        sheet.append([_("Question"), _("Answer"), _("Responses"), _("Share, %")])
        for summary in results.choices:
            for option in summary.options:
                sheet.append([summary.question.text, option.label, option.n, _round(option.share)])
    if not book.worksheets:
        book.create_sheet(_("Results")[:31]).append([_("No responses yet.")])
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def responses_xlsx(rows: QuerySet[Response], questions: list[Question]) -> bytes:
    """Every response of `rows`, read CHUNK at a time with their answers."""
    columns: list[tuple[int, str]] = []  # (question id, grid row code)
    header = [
        _("Answered"),
        _("Channel"),
        _("Account"),
        _("Branch"),
        _("Technology"),
        _("Tenure, months"),
    ]
    labels = {}
    for q in questions:
        # A channel switched off since keeps its column and label: its answers stay.
        gone = gone_rows(q, answered_codes(q)) if q.role in CHANNEL_ROLES else []
        if q.kind == Question.Kind.GRID:
            for row in q.rows + gone:
                columns.append((q.pk, row["code"]))
                header.append(f"{q.text}: {row['label']}")
        else:
            columns.append((q.pk, ""))
            header.append(q.text)
        labels[q.pk] = {**q.labels(), **{item["code"]: item["label"] for item in gone}}
    book = Workbook(write_only=True)
    sheet = book.create_sheet(_("Responses")[:31])
    sheet.append(header)
    channels = dict(Response._meta.get_field("channel").choices)
    ordered = rows.order_by("pk").values_list(
        "pk",
        "answered_at",
        "channel",
        "subscriber__account",
        "branch__name",
        "technology",
        "tenure_months",
    )
    after = 0
    while True:
        chunk = list(ordered.filter(pk__gt=after)[:CHUNK])
        if not chunk:
            break
        after = chunk[-1][0]
        cells: dict[int, dict[tuple[int, str], list]] = {}
        for response_id, question_id, row, option, value, text in Answer.objects.filter(
            response_id__in=[r[0] for r in chunk]
        ).values_list("response_id", "question_id", "row", "option", "value", "text"):
            shown = labels[question_id].get(option, option) if option else value
            if text:
                shown = text
            cells.setdefault(response_id, {}).setdefault((question_id, row), []).append(shown)
        for pk, answered_at, channel, account, branch, technology, tenure in chunk:
            answers = cells.get(pk, {})
            sheet.append(
                [
                    timezone.localtime(answered_at).replace(tzinfo=None),
                    str(channels.get(channel, channel)),
                    account,
                    branch,
                    technology,
                    tenure,
                ]
                + [_joined(answers.get(key)) for key in columns]
            )
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()
