"""The surveys shipped with the product, in Russian and English, written for Abonent: the NPS
questionnaire (2.5.6) and the TV channel opinion survey (3.2.14). Installing them again
(demo_setup, or comms.surveys.services.surveys_install after an upgrade) only adds those
missing, found by code; the operator edits them like any other survey."""

from django.conf import settings

SCALE10, SINGLE, MULTIPLE, GRID, TEXT = "scale10", "single", "multiple", "grid", "text"


def _options(pairs) -> dict[str, list[dict]]:
    """[(code, ru, en), …] → {language: [{code, label}, …]}."""
    return {
        language: [{"code": code, "label": labels[i]} for code, *labels in pairs]
        for i, language in enumerate(("ru", "en"))
    }


# The default TV line-up (comms.TvChannel), installed when the operator has none: code, the
# name in Russian and English, the package, whether it is paid, its number. The TV survey's
# channel questions list the line-up's channels on air (comms.surveys.channels).
BASIC = ("Базовый", "Basic")
FILMS, KIDS, SPORT = ("Кино", "Films"), ("Детский", "Kids"), ("Спорт", "Sport")
LINEUP = [
    ("channel_one", "Первый канал", "Channel One", BASIC, False, 1),
    ("russia_1", "Россия 1", "Russia-1", BASIC, False, 2),
    ("match_tv", "Матч ТВ", "Match TV", BASIC, False, 3),
    ("ntv", "НТВ", "NTV", BASIC, False, 4),
    ("channel_5", "Пятый канал", "Channel 5", BASIC, False, 5),
    ("russia_k", "Россия К", "Russia-K (Culture)", BASIC, False, 6),
    ("karusel", "Карусель", "Karusel (kids)", BASIC, False, 7),
    ("ren_tv", "РЕН ТВ", "REN TV", BASIC, False, 10),
    ("sts", "СТС", "STS", BASIC, False, 11),
    ("tnt", "ТНТ", "TNT", BASIC, False, 16),
    ("zvezda", "Звезда", "Zvezda", BASIC, False, 17),
    ("local", "Местный канал", "Local channel", BASIC, False, 21),
    ("dom_kino", "Дом кино", "Dom Kino", FILMS, True, 101),
    ("kinohit", "Кинохит", "Kinohit", FILMS, True, 102),
    ("kinopremiera", "Кинопремьера", "Kinopremiera", FILMS, True, 103),
    ("multilandia", "Мультиландия", "Multilandia", KIDS, True, 201),
    ("o_tv", "О!", "O!", KIDS, True, 202),
    ("match_premier", "Матч Премьер", "Match Premier", SPORT, True, 301),
    ("match_football_1", "Матч! Футбол 1", "Match! Football 1", SPORT, True, 302),
    ("khl_tv", "КХЛ", "KHL TV", SPORT, True, 303),
]
# How a question names a channel of a paid package: «Матч Премьер (Спорт, платный)».
PAID_LABELS = {
    "ru": ("{name} ({package}, платный)", "{name} (платный)"),
    "en": ("{name} ({package}, paid)", "{name} (paid)"),
}


def _language(language: str | None) -> str:
    language = (language or settings.LANGUAGE_CODE)[:2]
    return language if language in ("ru", "en") else "en"


def channel_label(name: str, package: str, paid: bool, language: str | None = None) -> str:
    """A channel as a survey question lists it, a paid package's labelled with the package."""
    if not paid:
        return name
    with_package, alone = PAID_LABELS[_language(language)]
    return (with_package if package else alone).format(name=name, package=package)


def standard_lineup(language: str | None = None) -> list[dict]:
    """The default line-up in `language`, as the fields of comms.TvChannel."""
    i = ("ru", "en").index(_language(language))
    return [
        {"code": code, "name": names[i], "package": package[i], "paid": paid, "number": number}
        for code, *names, package, paid, number in LINEUP
    ]


CHANNELS = {
    language: [
        {"code": c["code"], "label": channel_label(c["name"], c["package"], c["paid"], language)}
        for c in standard_lineup(language)
    ]
    for language in ("ru", "en")
}
ASPECTS = _options(
    [
        ("speed", "Скорость и стабильность интернета", "Internet speed and stability"),
        ("price", "Цена", "Price"),
        ("support", "Работа поддержки", "Support"),
        ("tv", "Телевидение", "Television"),
        ("installation", "Подключение и монтажники", "Installation and technicians"),
        ("billing", "Оплата и начисления", "Payments and charges"),
        ("other", "Другое", "Something else"),
    ]
)

# Each survey: code, the SMS template's code, days a link is valid, {language: (name, intro,
# thanks)}, then its questions: code, kind, role, required, {language: (text, hint)}, options
# by language, rows by language, (scale from, to).
# fmt: off
SURVEYS = [
    {
        "code": "nps",
        "template": "nps_invitation",
        "valid_days": 7,
        "texts": {
            "ru": (
                "Опрос NPS",
                "Помогите нам стать лучше: ответы займут пару минут.",
                "Спасибо! Ваши ответы помогут нам работать лучше.",
            ),
            "en": (
                "NPS survey",
                "Help us get better: it takes a couple of minutes.",
                "Thank you! Your answers help us work better.",
            ),
        },
        "questions": [
            ("recommend", SCALE10, "nps", True, {
                "ru": ("Насколько вероятно, что вы порекомендуете нас друзьям или знакомым?",
                       "0 — точно не порекомендую, 10 — обязательно порекомендую"),
                "en": ("How likely are you to recommend us to a friend or colleague?",
                       "0 — not at all likely, 10 — extremely likely"),
            }, None, None, None),
            ("reason", SINGLE, "", False, {
                "ru": ("Что больше всего повлияло на вашу оценку?", ""),
                "en": ("What influenced your score the most?", ""),
            }, ASPECTS, None, None),
            ("speed", SINGLE, "", False, {
                "ru": ("Как вы оцениваете скорость и стабильность интернета?", ""),
                "en": ("How do you rate the speed and stability of the Internet?", ""),
            }, _options([
                ("excellent", "Отлично", "Excellent"),
                ("good", "Хорошо", "Good"),
                ("fair", "Удовлетворительно", "Fair"),
                ("poor", "Плохо", "Poor"),
            ]), None, None),
            ("support", SINGLE, "", False, {
                "ru": ("Если вы обращались в поддержку за последние 3 месяца, решили ли ваш "
                       "вопрос?", ""),
                "en": ("If you contacted support in the last 3 months, was your question "
                       "solved?", ""),
            }, _options([
                ("first_time", "Да, с первого обращения", "Yes, the first time"),
                ("later", "Да, но не сразу", "Yes, but not at once"),
                ("no", "Нет", "No"),
                ("not_contacted", "Не обращался(-ась)", "I did not contact support"),
            ]), None, None),
            ("price", SINGLE, "", False, {
                "ru": ("Как вы оцениваете соотношение цены и качества?", ""),
                "en": ("How do you rate the value for money?", ""),
            }, _options([
                ("good", "Цена соответствует качеству", "Fair for what I get"),
                ("high", "Дороговато", "A bit expensive"),
                ("too_high", "Слишком дорого", "Too expensive"),
            ]), None, None),
            ("improve", MULTIPLE, "", False, {
                "ru": ("Что нам улучшить в первую очередь?", "Можно выбрать несколько"),
                "en": ("What should we improve first?", "Choose any number"),
            }, _options([
                ("speed", "Скорость интернета", "Internet speed"),
                ("stability", "Стабильность, меньше обрывов", "Stability, fewer outages"),
                ("price", "Цены и тарифы", "Prices and tariffs"),
                ("support", "Поддержку", "Support"),
                ("tv", "Телевидение и каналы", "Television and channels"),
                ("account", "Личный кабинет и оплату", "The personal account and payments"),
            ]), None, None),
            ("comment", TEXT, "", False, {
                "ru": ("Что ещё вы хотели бы нам сказать?", ""),
                "en": ("Anything else you would like to tell us?", ""),
            }, None, None, None),
        ],
    },
    {
        "code": "tv_channels",
        "template": "tv_survey_invitation",
        "valid_days": 14,
        "texts": {
            "ru": (
                "Опрос о телеканалах",
                "Мы обновляем пакеты каналов и хотим знать, что вы смотрите.",
                "Спасибо! Мы учтём ваше мнение при обновлении пакетов.",
            ),
            "en": (
                "TV channel survey",
                "We are renewing the channel packages and want to know what you watch.",
                "Thank you! We will take your opinion into account.",
            ),
        },
        "questions": [
            ("ratings", GRID, "channels", False, {
                "ru": ("Оцените каналы, которые вы смотрите",
                       "1 — плохо, 5 — отлично; каналы, которые вы не смотрите, пропустите"),
                "en": ("Rate the channels you watch",
                       "1 — poor, 5 — excellent; skip the channels you do not watch"),
            }, None, CHANNELS, (1, 5)),
            ("miss", MULTIPLE, "miss", False, {
                "ru": ("Без каких каналов вам было бы трудно обойтись?",
                       "Можно выбрать несколько"),
                "en": ("Which channels would you miss if they were gone?", "Choose any number"),
            }, CHANNELS, None, None),
            ("genres", MULTIPLE, "", False, {
                "ru": ("Какие передачи вы смотрите чаще всего?", "Можно выбрать несколько"),
                "en": ("What do you watch most often?", "Choose any number"),
            }, _options([
                ("news", "Новости", "News"),
                ("films", "Фильмы", "Films"),
                ("series", "Сериалы", "Series"),
                ("sport", "Спорт", "Sport"),
                ("kids", "Детские", "Children's"),
                ("documentary", "Документальные", "Documentaries"),
                ("entertainment", "Развлекательные шоу", "Entertainment shows"),
                ("music", "Музыка", "Music"),
            ]), None, None),
            ("hours", SINGLE, "", True, {
                "ru": ("Сколько времени в день вы смотрите телевизор?", ""),
                "en": ("How much time a day do you watch TV?", ""),
            }, _options([
                ("lt1", "Меньше часа", "Under an hour"),
                ("1_3", "1–3 часа", "1–3 hours"),
                ("3_5", "3–5 часов", "3–5 hours"),
                ("gt5", "Больше 5 часов", "Over 5 hours"),
            ]), None, None),
            ("wish", TEXT, "", False, {
                "ru": ("Какие каналы вы хотели бы добавить?", ""),
                "en": ("Which channels would you like us to add?", ""),
            }, None, None, None),
        ],
    },
]
# fmt: on


def standard_surveys(language: str | None = None) -> list[dict]:
    """The surveys in `language` (ru or en; the site's language by default), each with its
    questions as the keyword arguments of comms.Question."""
    language = _language(language)
    out = []
    for survey in SURVEYS:
        name, intro, thanks = survey["texts"][language]
        questions = []
        for order, (code, kind, role, required, texts, options, rows, scale) in enumerate(
            survey["questions"], start=1
        ):
            text, hint = texts[language]
            questions.append(
                {
                    "code": code,
                    "order": order,
                    "kind": kind,
                    "role": role,
                    "required": required,
                    "text": text,
                    "help": hint,
                    "options": options[language] if options else [],
                    "rows": rows[language] if rows else [],
                    "scale_min": scale[0] if scale else 1,
                    "scale_max": scale[1] if scale else 5,
                }
            )
        out.append(
            {
                "code": survey["code"],
                "template_code": survey["template"],
                "valid_days": survey["valid_days"],
                "name": name,
                "intro": intro,
                "thanks": thanks,
                "questions": questions,
            }
        )
    return out
