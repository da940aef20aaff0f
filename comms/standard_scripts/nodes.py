"""Builders of the shipped scripts' steps. Every text is a (Russian, English) pair, so the two
languages share one graph by construction; `localized` picks a language out of the pairs."""

LANGUAGES = ("ru", "en")

Text = tuple[str, str]


def say(id: str, title: Text, text: Text, next: str, objections=()) -> dict:
    return {
        "id": id,
        "kind": "say",
        "title": title,
        "text": text,
        "next": next,
        "objections": list(objections),
    }


def ask(id: str, title: Text, text: Text, answers, objections=()) -> dict:
    """answers: (label pair, the id of the step it leads to), in the order they are shown."""
    return {
        "id": id,
        "kind": "ask",
        "title": title,
        "text": text,
        "answers": [{"label": label, "next": target} for label, target in answers],
        "objections": list(objections),
    }


def survey(id: str, title: Text, text: Text, code: str, next: str, objections=()) -> dict:
    """Put the questions of the survey `code` (comms.Survey) and go on."""
    return {
        "id": id,
        "kind": "survey",
        "title": title,
        "text": text,
        "survey": code,
        "next": next,
        "objections": list(objections),
    }


def end(
    id: str,
    title: Text,
    text: Text,
    outcome: str,
    success: bool,
    *,
    action: str = "",
    message: str = "",
    objections=(),
) -> dict:
    return {
        "id": id,
        "kind": "end",
        "title": title,
        "text": text,
        "outcome": outcome,
        "success": success,
        "action": action,
        "message": message,
        "objections": list(objections),
    }


def script(code: str, number: str, purpose: str, name: Text, description: Text, *steps) -> dict:
    """A script whose call starts with its first step."""
    return {
        "code": code,
        "number": number,
        "purpose": str(purpose),
        "name": name,
        "description": description,
        "graph": {"start": steps[0]["id"], "nodes": list(steps)},
    }


def localized(value, language: str):
    """A fresh copy of value with every (Russian, English) pair replaced by its language."""
    if isinstance(value, tuple):
        return value[LANGUAGES.index(language)]
    if isinstance(value, dict):
        return {key: localized(item, language) for key, item in value.items()}
    if isinstance(value, list):
        return [localized(item, language) for item in value]
    return value


# -- steps many scripts share ----------------------------------------------------------------
YES = ("Да", "Yes")
NO = ("Нет", "No")
CALL_BACK = ("Нет, перезвоните", "No, call back later")
WILL_THINK = ("Подумает", "Will think about it")


def identify(*, yes: str, other: str) -> dict:
    """The greeting of an outbound call to a subscriber: who calls, and is it them."""
    return ask(
        "greeting",
        ("Приветствие", "Greeting"),
        (
            "Здравствуйте! Меня зовут {agent}, компания {operator}. Подскажите, это {addressed}?",
            "Hello, this is {agent} from {operator}. Am I speaking to {addressed}?",
        ),
        [
            (YES, yes),
            (("Нет, другой человек", "No, someone else"), other),
            (("Ошиблись номером", "Wrong number"), "wrong-number"),
        ],
        objections=["how-got-number", "scam-suspicion"],
    )


def convenient(*, text: Text, yes: str, objections=("no-time", "at-work")) -> dict:
    return ask(
        "convenient",
        ("Удобно говорить?", "Convenient to talk?"),
        text,
        [(YES, yes), (CALL_BACK, "callback")],
        objections=objections,
    )


def wrong_number() -> dict:
    return end(
        "wrong-number",
        ("Ошиблись номером", "Wrong number"),
        ("Извините за беспокойство! Хорошего дня.", "Sorry to have bothered you. Have a good day!"),
        "wrong-number",
        False,
    )


def callback() -> dict:
    return end(
        "callback",
        ("Перезвонить позже", "Call back later"),
        (
            "Конечно. Когда вам будет удобно, чтобы мы перезвонили? Спасибо, до свидания!",
            "Of course. When would be a better time for us to call? Thank you, goodbye!",
        ),
        "callback",
        False,
        objections=["call-back-later"],
    )


def message_left() -> dict:
    """Someone else answered: nothing about the account is said to them (a debt least of all)."""
    return end(
        "someone-else",
        ("Ответил другой человек", "Someone else answered"),
        (
            "Пожалуйста, передайте просьбу перезвонить нам по номеру {support_phone} — звонили "
            "из компании {operator}. Спасибо, всего доброго!",
            "Could you ask them to call {operator} back on {support_phone}? Thank you, goodbye!",
        ),
        "message-left",
        False,
    )


def not_reached() -> dict:
    return end(
        "someone-else",
        ("Ответил другой человек", "Someone else answered"),
        (
            "Спасибо, тогда мы перезвоним в другой раз. Всего доброго!",
            "Thank you, we'll call back another time. Goodbye!",
        ),
        "not-reached",
        False,
    )


def payment_search() -> dict:
    return end(
        "payment-search",
        ("Поиск платежа", "Payment trace"),
        (
            "Я передаю запрос на поиск платежа. Сохраните, пожалуйста, чек: специалист может "
            "попросить его прислать и перезвонит вам, как только найдёт платёж.",
            "I'm passing on a request to trace the payment. Please keep the receipt — our "
            "specialist may ask for it and will call you back once the payment is found.",
        ),
        "payment-search",
        False,
    )


def dispute_logged() -> dict:
    return end(
        "dispute-logged",
        ("Обращение на сверку", "Billing review"),
        (
            "Обращение зарегистрировано. Спасибо за терпение — мы обязательно свяжемся с вами.",
            "Your request is logged. Thank you for your patience — we will be in touch.",
        ),
        "dispute",
        False,
    )


def opt_out() -> dict:
    return end(
        "opt-out",
        ("Больше не предлагать", "No more offers"),
        (
            "Хорошо, отмечаю: мы больше не будем предлагать вам новые услуги. Спасибо, "
            "хорошего дня!",
            "Understood — I'll note that you don't want any more offers. Thank you, have a "
            "good day!",
        ),
        "opt-out",
        False,
        action="comms.opt_out",
        objections=["stop-calling"],
    )


def survey_declined() -> dict:
    return end(
        "survey-declined",
        ("Отказ от опроса", "Declined the survey"),
        (
            "Понимаю, извините за беспокойство. Хорошего дня!",
            "I understand — sorry to bother you. Have a good day!",
        ),
        "survey-declined",
        False,
    )
