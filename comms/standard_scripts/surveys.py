"""The survey by phone: the NPS questionnaire 2.5.6 put by an operator (comms.graph `survey`
step), its answers recorded as the survey's response by call."""

from ..models import Purpose
from .nodes import ask, callback, convenient, end, identify, say, script, survey, wrong_number

NPS_CALL = script(
    "nps-call",
    "2.5.6",
    Purpose.SURVEY,
    ("Опрос NPS по телефону", "NPS survey by phone"),
    (
        "Звонок абоненту с анкетой NPS: два-три вопроса о том, порекомендует ли он нас, и что "
        "улучшить. Ответы попадают в отчёт NPS.",
        "A call to a subscriber with the NPS questionnaire: would they recommend us, and what "
        "to improve. The answers go to the NPS report.",
    ),
    identify(yes="convenient", other="someone-else"),
    convenient(
        text=(
            "Мы проводим короткий опрос о качестве наших услуг — он займёт не больше двух "
            "минут. Вам удобно сейчас ответить?",
            "We are running a short survey about our service: it takes two minutes at most. "
            "Is now a good time?",
        ),
        yes="intro",
    ),
    say(
        "intro",
        ("Вступление", "Introduction"),
        (
            "Спасибо! Ваши ответы помогают нам работать лучше. Отвечайте, пожалуйста, как есть.",
            "Thank you! Your answers help us do better, so please answer just as you see it.",
        ),
        "questions",
    ),
    survey(
        "questions",
        ("Вопросы анкеты", "The questionnaire"),
        (
            "Задайте вопросы анкеты по порядку и отметьте ответы абонента.",
            "Ask the questionnaire's questions in order and mark the subscriber's answers.",
        ),
        "nps",
        "anything-else",
    ),
    ask(
        "anything-else",
        ("Что-то ещё?", "Anything else?"),
        (
            "Спасибо за ответы! Может быть, сейчас есть вопрос или проблема, с которой мы можем "
            "помочь?",
            "Thank you for your answers! Is there a question or a problem we could help you "
            "with right now?",
        ),
        [
            (("Нет, всё хорошо", "No, all is well"), "thanks"),
            (("Есть проблема", "There is a problem"), "problem"),
        ],
        objections=["slow-speed", "frequent-outages"],
    ),
    end(
        "thanks",
        ("Опрос пройден", "Survey answered"),
        (
            "Спасибо, что уделили время! Хорошего дня.",
            "Thank you for your time! Have a good day.",
        ),
        "answered",
        True,
    ),
    end(
        "problem",
        ("Опрос пройден, есть проблема", "Answered, with a problem"),
        (
            "Спасибо! Я передам вашу заявку в техническую поддержку, с вами свяжутся сегодня же.",
            "Thank you! I will pass your request to technical support; they will call you back "
            "today.",
        ),
        "answered-problem",
        True,
    ),
    end(
        "someone-else",
        ("Ответил другой человек", "Someone else answered"),
        (
            "Извините, перезвоним позже. Всего доброго!",
            "Sorry, we will call back later. Goodbye!",
        ),
        "someone-else",
        False,
    ),
    wrong_number(),
    callback(),
)
SURVEY_SCRIPTS = [NPS_CALL]
