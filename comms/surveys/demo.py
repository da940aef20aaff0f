"""Answered surveys for the demo, so the results pages have something to show: a few hundred
NPS responses and TV channel ratings spread over the branches, written in bulk."""

import random
from datetime import timedelta

from django.db import transaction
from django.utils import timezone

from subscribers.models import Status, Subscriber

from ..models import Answer, Response, Survey, SurveyChannel
from .services import tenure_months

# How technology moves the score: fibre pleases, old copper does not.
TECHNOLOGY_LIFT = {"GPON": 1.0, "FTTB": 0.5, "DOCSIS": -0.3, "ADSL": -1.5, "WIRELESS": -1.0}
# Channel popularity: (mean rating, share of viewers who would miss it).
CHANNEL_TASTE = {
    "channel_one": (3.9, 0.45),
    "russia_1": (3.8, 0.42),
    "ntv": (3.6, 0.3),
    "channel_5": (3.4, 0.15),
    "russia_k": (4.1, 0.18),
    "match_tv": (4.0, 0.35),
    "sts": (3.7, 0.22),
    "tnt": (3.6, 0.25),
    "ren_tv": (3.3, 0.12),
    "zvezda": (3.2, 0.1),
    "karusel": (4.2, 0.28),
    "local": (3.5, 0.2),
}
COMMENTS = [
    "Вечером падает скорость, особенно в выходные.",
    "Всё устраивает, спасибо мастеру за быстрое подключение.",
    "Дорого по сравнению с конкурентами.",
    "Поддержка долго не отвечает по телефону.",
    "Хотелось бы оплату через приложение банка без комиссии.",
    "Интернет стабильный, рекомендую.",
    "Часто пропадает связь после дождя.",
    "Добавьте больше спортивных каналов.",
]


def _score(rng: random.Random, technology: str, tenure: int | None) -> int:
    mean = 7.6 + TECHNOLOGY_LIFT.get(technology, 0.0)
    if tenure is not None and tenure < 6:
        mean += 0.6  # the honeymoon of a new connection
    elif tenure is not None and tenure > 36:
        mean -= 0.4
    return max(0, min(10, round(rng.gauss(mean, 2.1))))


def _answers_nps(rng, questions, score) -> list[Answer]:
    q = questions
    out = [Answer(question=q["recommend"], value=score)]
    if rng.random() < 0.85:
        weights = [4, 2, 2, 1, 1, 1, 1] if score <= 6 else [3, 1, 2, 1, 2, 1, 1]
        reason = rng.choices([o["code"] for o in q["reason"].options], weights)[0]
        out.append(Answer(question=q["reason"], option=reason))
    speed = ["excellent", "good", "fair", "poor"]
    pick = min(3, max(0, round(rng.gauss((10 - score) / 3, 0.8))))
    out.append(Answer(question=q["speed"], option=speed[pick]))
    support = rng.choices(["first_time", "later", "no", "not_contacted"], [3, 2, 1, 4])[0]
    out.append(Answer(question=q["support"], option=support))
    price = rng.choices(["good", "high", "too_high"], [5, 3, 1] if score >= 7 else [2, 4, 3])[0]
    out.append(Answer(question=q["price"], option=price))
    improve = [o["code"] for o in q["improve"].options]
    for code in rng.sample(improve, rng.randint(0, 2)):
        out.append(Answer(question=q["improve"], option=code))
    if rng.random() < 0.15:
        out.append(Answer(question=q["comment"], text=rng.choice(COMMENTS)))
    return out


def _answers_tv(rng, questions) -> list[Answer]:
    q = questions
    out = []
    channels = [row["code"] for row in q["ratings"].rows]
    watched = rng.sample(channels, rng.randint(3, min(9, len(channels))))
    for code in sorted(watched, key=channels.index):
        mean, _miss = CHANNEL_TASTE.get(code, (3.5, 0.2))
        rating = max(1, min(5, round(rng.gauss(mean, 0.9))))
        out.append(Answer(question=q["ratings"], row=code, value=rating))
    for code in watched:
        if rng.random() < CHANNEL_TASTE.get(code, (3.5, 0.2))[1] * 1.6:
            out.append(Answer(question=q["miss"], option=code))
    genres = [o["code"] for o in q["genres"].options]
    for code in rng.sample(genres, rng.randint(1, 3)):
        out.append(Answer(question=q["genres"], option=code))
    hours = rng.choices(["lt1", "1_3", "3_5", "gt5"], [2, 5, 3, 1])[0]
    out.append(Answer(question=q["hours"], option=hours))
    return out


@transaction.atomic
def demo_responses_seed(*, nps: int = 400, tv: int = 250, seed: int = 7) -> int:
    """Responses to the shipped surveys that have none yet; the number written."""
    rng = random.Random(seed)
    people = list(
        Subscriber.objects.filter(status=Status.ACTIVE).values_list(
            "pk", "branch_id", "technology", "connected_on"
        )[:50_000]
    )
    if not people:
        return 0
    now = timezone.now()
    written = 0
    for code, count in (("nps", nps), ("tv_channels", tv)):
        survey = Survey.objects.filter(code=code).first()
        if survey is None or Response.objects.filter(survey=survey).exists():
            continue
        questions = {q.code: q for q in survey.questions.all()}
        if code == "nps" and not {
            "recommend",
            "reason",
            "speed",
            "support",
            "price",
            "improve",
            "comment",
        } <= set(questions):
            continue  # edited beyond what the demo knows how to answer
        if code == "tv_channels" and not {"ratings", "miss", "genres", "hours"} <= set(questions):
            continue
        responses, answers = [], []
        for pk, branch_id, technology, connected_on in rng.sample(people, min(count, len(people))):
            answered_at = now - timedelta(days=rng.uniform(0, 120))
            tenure = tenure_months(connected_on, answered_at.date())
            if code == "nps":
                score = _score(rng, technology, tenure)
                rows = _answers_nps(rng, questions, score)
            else:
                score = None
                rows = _answers_tv(rng, questions)
            responses.append(
                Response(
                    survey=survey,
                    subscriber_id=pk,
                    channel=rng.choices(
                        [SurveyChannel.SMS, SurveyChannel.CALL, SurveyChannel.WEB], [6, 3, 1]
                    )[0],
                    answered_at=answered_at,
                    branch_id=branch_id,
                    technology=technology,
                    tenure_months=tenure,
                    score=score,
                )
            )
            answers.append(rows)
        Response.objects.bulk_create(responses, batch_size=500)
        for response, rows in zip(responses, answers, strict=True):
            for row in rows:
                row.response = response
        Answer.objects.bulk_create([a for rows in answers for a in rows], batch_size=1000)
        written += len(responses)
    return written
