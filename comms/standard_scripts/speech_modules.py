"""The speech modules 2.4.1–2.4.4 as shipped: short outbound calls other blocks start (sales,
receivables, people, quality)."""

from ..models import Purpose
from .nodes import (
    CALL_BACK,
    NO,
    WILL_THINK,
    YES,
    ask,
    callback,
    convenient,
    dispute_logged,
    end,
    identify,
    message_left,
    not_reached,
    opt_out,
    payment_search,
    say,
    script,
    survey_declined,
    wrong_number,
)

INSTALLATION_REMINDER = script(
    "installation-reminder",
    "2.4.1",
    Purpose.SERVICE,
    ("Напоминание о подключении", "Installation visit reminder"),
    (
        "Накануне визита монтажника: подтвердить время, перенести его или снять сомнения.",
        "The day before the installer's visit: confirm the time, move it, or settle second "
        "thoughts.",
    ),
    identify(yes="reminder", other="relative"),
    ask(
        "relative",
        ("Ответил другой человек", "Someone else answered"),
        (
            "Подскажите, пожалуйста, кто-то будет дома {slot}? В это время приедет мастер "
            "подключать интернет по адресу {address}.",
            "Will someone be at home on {slot}? That's when our technician is coming to connect "
            "the internet at {address}.",
        ),
        [
            (("Да, встретят мастера", "Yes, someone will be in"), "ready"),
            (("Не знает, передаст", "Doesn't know, will pass it on"), "message-left"),
        ],
    ),
    end(
        "message-left",
        ("Передано родственнику", "Message left"),
        (
            "Спасибо! Передайте, пожалуйста, что звонили из {operator} насчёт подключения. "
            "Если время не подходит, позвоните нам: {support_phone}.",
            "Thank you! Please pass on that {operator} called about the installation. If the "
            "time doesn't suit, they can call us on {support_phone}.",
        ),
        "message-left",
        False,
        message="installation_reminder",
    ),
    ask(
        "reminder",
        ("Напоминание", "Reminder"),
        (
            "Звоню напомнить: {slot} к вам приедет мастер подключать интернет по адресу "
            "{address}. Время по-прежнему удобно?",
            "I'm calling to remind you that our technician is coming on {slot} to connect your "
            "internet at {address}. Does that time still work for you?",
        ),
        [
            (("Да, удобно", "Yes, that's fine"), "ready"),
            (("Нужно перенести", "Needs another time"), "reschedule"),
            (("Передумал(а) подключаться", "Has changed their mind"), "doubts"),
        ],
    ),
    say(
        "ready",
        ("Подготовка к приезду", "Getting ready"),
        (
            "Отлично. Мастер позвонит примерно за час до приезда. Пожалуйста, пусть дома будет "
            "взрослый с паспортом — договор оформим на месте. И подумайте, где будет стоять "
            "роутер: лучше ближе к центру квартиры.",
            "Great. The technician will ring about an hour before arriving. Please make sure an "
            "adult is in with photo ID — we sign the contract on the spot. And have a think "
            "about where the router should go: somewhere central works best.",
        ),
        "confirmed",
        objections=["drilling-walls", "router-purchase", "installation-fee", "no-personal-data"],
    ),
    end(
        "confirmed",
        ("Визит подтверждён", "Visit confirmed"),
        (
            "Спасибо! Ждите мастера {slot}, напоминание придёт в SMS. Хорошего дня!",
            "Thank you! The technician will see you on {slot}, and we'll text you a reminder. "
            "Have a good day!",
        ),
        "confirmed",
        True,
        action="sales.visit_confirmed",
        message="installation_reminder",
    ),
    ask(
        "reschedule",
        ("Перенос визита", "Another time"),
        (
            "Конечно, подберём другое время. Какой день и время вам удобны? Могу предложить "
            "ближайшие свободные окна.",
            "Of course, let's find another time. Which day and time suit you? I can offer the "
            "nearest free slots.",
        ),
        [
            (("Выбрали новое время", "New time agreed"), "rescheduled"),
            (("Пока не знает, когда удобно", "Not sure yet"), "time-open"),
        ],
    ),
    end(
        "rescheduled",
        ("Визит перенесён", "Visit moved"),
        (
            "Записываю вас на новое время — подтверждение придёт в SMS. Спасибо, до встречи!",
            "You're booked in for the new time — a confirmation will follow by text. Thank "
            "you, see you then!",
        ),
        "rescheduled",
        True,
        message="slot_changed",
    ),
    end(
        "time-open",
        ("Время согласуем позже", "Time to be agreed"),
        (
            "Хорошо, заявка сохраняется. Мы перезвоним, чтобы согласовать время, или "
            "позвоните нам сами: {support_phone}.",
            "No problem, your application stays open. We'll call you to agree a time, or you "
            "can ring us on {support_phone}.",
        ),
        "time-open",
        False,
    ),
    ask(
        "doubts",
        ("Сомнения", "Second thoughts"),
        (
            "Жаль это слышать. Подскажите, что изменилось? Возможно, я смогу помочь.",
            "I'm sorry to hear that. May I ask what's changed? Perhaps I can help.",
        ),
        [
            (("Сомнения сняты", "Doubts resolved"), "ready"),
            (("Нужно подумать", "Needs time to think"), "time-open"),
            (("Отказывается от подключения", "Cancels"), "cancelled"),
        ],
        objections=[
            "too-expensive",
            "competitor-cheaper",
            "competitor-offer",
            "landlord-permission",
            "drilling-walls",
            "installation-fee",
            "will-think",
            "consult-family",
        ],
    ),
    end(
        "cancelled",
        ("Отказ от подключения", "Installation cancelled"),
        (
            "Понимаю. Отменяю визит мастера. Если передумаете, позвоните {support_phone} — "
            "подключим быстро. Всего доброго!",
            "I understand. I'll cancel the technician's visit. If you change your mind, call "
            "{support_phone} and we'll connect you quickly. All the best!",
        ),
        "cancelled",
        False,
    ),
    wrong_number(),
)

PAYMENT_REMINDER = script(
    "payment-reminder",
    "2.4.2",
    Purpose.DEBT,
    ("Напоминание об оплате", "Payment reminder"),
    (
        "За несколько дней до списания абонентской платы, когда баланса не хватает: получить "
        "обещание оплаты.",
        "A few days before the monthly fee is charged, when the balance falls short: get a "
        "promise to pay.",
    ),
    identify(yes="convenient", other="someone-else"),
    convenient(
        text=(
            "Вам удобно сейчас говорить? Это займёт одну минуту.",
            "Is now a good time to talk? It'll only take a minute.",
        ),
        yes="reminder",
    ),
    ask(
        "reminder",
        ("Напоминание об оплате", "Payment reminder"),
        (
            "Звоню напомнить об оплате по лицевому счёту {account}: {due_date} спишется "
            "абонентская плата {fee}, а на балансе сейчас {balance} — когда вам удобно "
            "пополнить счёт?",
            "I'm calling about account {account}: the monthly fee of {fee} is due on "
            "{due_date}, and the balance is currently {balance}. When would it suit you to top "
            "up?",
        ),
        [
            (("Оплатит до срока", "Will pay by the due date"), "how-to-pay"),
            (("Уже оплатил(а)", "Has already paid"), "already-paid"),
            (("Сейчас нет денег", "No money right now"), "no-money"),
            (("Не согласен(на) с начислением", "Disputes the charge"), "dispute"),
            (("Хочет отказаться от услуг", "Wants to cancel the service"), "wants-to-leave"),
        ],
        objections=[
            "no-money-now",
            "already-paid",
            "price-went-up",
            "debt-disagree-amount",
            "payment-inconvenient",
            "barely-use",
        ],
    ),
    say(
        "how-to-pay",
        ("Способы оплаты", "How to pay"),
        (
            "Спасибо! Оплатить можно в приложении банка по номеру счёта {account}, картой в "
            "личном кабинете или в терминале. Удобнее всего автоплатёж — плата будет "
            "списываться сама.",
            "Thank you! You can pay in your banking app with account number {account}, by card "
            "in your online account, or at a payment terminal. Autopay is easiest — the fee is "
            "then paid automatically.",
        ),
        "promise",
        objections=["payment-inconvenient"],
    ),
    end(
        "promise",
        ("Обещал(а) оплатить", "Promised to pay"),
        (
            "Отправляю вам SMS с суммой и датой списания. Спасибо, что вы с нами, хорошего дня!",
            "I'm sending you a text with the amount and the due date. Thank you for being with "
            "us — have a good day!",
        ),
        "promise",
        True,
        message="payment_due",
    ),
    ask(
        "already-paid",
        ("Уже оплачено", "Already paid"),
        (
            "Спасибо! Платёж мог ещё не дойти: обычно он зачисляется в течение суток. Когда вы "
            "платили?",
            "Thank you! It may not have reached us yet — payments usually take up to a day. "
            "When did you pay?",
        ),
        [
            (("Сегодня или вчера", "Today or yesterday"), "paid"),
            (("Больше двух дней назад", "More than two days ago"), "payment-search"),
        ],
        objections=["already-paid"],
    ),
    end(
        "paid",
        ("Платёж в пути", "Payment on its way"),
        (
            "Тогда всё в порядке, платёж скоро зачислится. Извините за беспокойство и спасибо!",
            "Then all is well — it'll be credited shortly. Sorry to trouble you, and thank you!",
        ),
        "paid",
        True,
    ),
    payment_search(),
    ask(
        "no-money",
        ("Нет денег", "Can't pay now"),
        (
            "Понимаю, так бывает. Когда сможете внести платёж? Можно оплатить и часть — тогда "
            "доступ не прервётся.",
            "I understand, it happens. When could you pay? Even a part payment keeps the "
            "service running.",
        ),
        [
            (("Назвал(а) дату", "Named a date"), "how-to-pay"),
            (("Не знает, когда сможет", "Can't say when"), "no-promise"),
        ],
        objections=["no-money-now", "will-pay-later"],
    ),
    end(
        "no-promise",
        ("Без обещания", "No promise"),
        (
            "Хорошо. Если на балансе не хватит денег, доступ приостановится, а после оплаты "
            "включится автоматически. Понадобится помощь — звоните {support_phone}.",
            "All right. If the balance runs short, the service is paused, and it comes back on "
            "its own once you pay. If you need help, call {support_phone}.",
        ),
        "no-promise",
        False,
        message="low_balance",
    ),
    say(
        "dispute",
        ("Спор о начислении", "Charge dispute"),
        (
            "Давайте разберёмся. Ваш тариф «{tariff}», {fee} в месяц. Если сумма не "
            "сходится с вашими расчётами, я передам обращение на сверку — ответ придёт в "
            "течение нескольких рабочих дней.",
            "Let's look into it. Your tariff is {tariff} at {fee} a month. If that doesn't "
            "match your figures, I'll send a billing review request — you'll hear back within "
            "a few working days.",
        ),
        "dispute-logged",
        objections=["debt-disagree-amount", "price-went-up"],
    ),
    dispute_logged(),
    end(
        "wants-to-leave",
        ("Хочет расторгнуть договор", "Wants to leave"),
        (
            "Жаль это слышать. Я передам ваш запрос специалисту — он позвонит и расскажет, как "
            "расторгнуть договор или подобрать тариф дешевле.",
            "I'm sorry to hear that. I'll pass your request to a specialist, who'll call you "
            "about ending the contract or finding a cheaper tariff.",
        ),
        "wants-to-leave",
        False,
        objections=["too-expensive", "competitor-cheaper", "moving-away"],
    ),
    message_left(),
    callback(),
    wrong_number(),
)

INTERVIEW_INVITATION = script(
    "interview-invitation",
    "2.4.3",
    Purpose.SERVICE,
    ("Приглашение на собеседование", "Interview invitation"),
    (
        "Кандидату, откликнувшемуся на вакансию: рассказать о работе и назначить собеседование.",
        "To a candidate who applied for a vacancy: tell them about the job and book an interview.",
    ),
    ask(
        "greeting",
        ("Приветствие", "Greeting"),
        (
            "Здравствуйте! Меня зовут {agent}, я из отдела персонала компании {operator}. "
            "Вы откликались на нашу вакансию. Удобно сейчас поговорить пару минут?",
            "Hello! My name is {agent}, from the HR team at {operator}. You applied for one "
            "of our vacancies — do you have a couple of minutes to talk?",
        ),
        [
            (YES, "still-looking"),
            (CALL_BACK, "callback"),
            (("Не откликался(ась)", "Didn't apply"), "wrong-number"),
        ],
        objections=["scam-suspicion", "no-time"],
    ),
    ask(
        "still-looking",
        ("Поиск работы", "Still looking?"),
        (
            "Вы ещё рассматриваете предложения о работе?",
            "Are you still looking for a job?",
        ),
        [(YES, "about-job"), (("Уже нашёл(ла) работу", "Has found a job"), "found-job")],
        objections=["job-found"],
    ),
    say(
        "about-job",
        ("О работе", "About the job"),
        (
            "Коротко о работе: подробности о должности расскажем на собеседовании. Мы обучаем "
            "с нуля, обучение оплачивается, оформление официальное, доход — оклад плюс премия "
            "за результат.",
            "A few words about us: we'll go through the role in detail at the interview. We "
            "train you from scratch and pay you while you learn; it's a proper employment "
            "contract, with base pay plus a performance bonus.",
        ),
        "questions",
    ),
    ask(
        "questions",
        ("Вопросы кандидата", "Candidate's questions"),
        (
            "Есть ли у вас вопросы? Если нет, давайте договоримся о собеседовании.",
            "Do you have any questions? If not, let's arrange an interview.",
        ),
        [
            (("Готов(а) прийти", "Ready to come in"), "time"),
            (("Есть сомнения", "Has doubts"), "doubts"),
            (("Не интересно", "Not interested"), "declined"),
        ],
        objections=["job-salary", "job-far", "job-schedule"],
    ),
    ask(
        "doubts",
        ("Сомнения", "Doubts"),
        ("Что вас смущает? Расскажу подробнее.", "What's holding you back? I'm happy to explain."),
        [
            (("Сомнения сняты", "Doubts resolved"), "time"),
            (("Хочет подумать", "Wants to think it over"), "thinking"),
            (("Отказывается", "Declines"), "declined"),
        ],
        objections=["job-salary", "job-far", "job-schedule", "will-think"],
    ),
    ask(
        "time",
        ("Время собеседования", "Interview time"),
        (
            "Собеседование проходит в нашем офисе и занимает около 40 минут. Могу предложить "
            "{when}. Вам удобно?",
            "The interview is at our office and takes about 40 minutes. I can offer {when}. "
            "Does that suit you?",
        ),
        [
            (("Удобно", "That suits"), "what-to-bring"),
            (("Нужно другое время", "Needs another time"), "other-time"),
        ],
        objections=["job-schedule", "job-far"],
    ),
    ask(
        "other-time",
        ("Другое время", "Another time"),
        (
            "Какой день и время вам подойдут? Можем встретиться и вечером, и в субботу.",
            "Which day and time would work for you? We can also meet in the evening or on a "
            "Saturday.",
        ),
        [
            (("Договорились о времени", "Time agreed"), "what-to-bring"),
            (("В ближайшие дни не может", "Can't make it soon"), "thinking"),
        ],
    ),
    say(
        "what-to-bring",
        ("Что взять с собой", "What to bring"),
        (
            "Отлично, записываю вас. Возьмите, пожалуйста, паспорт и, если есть, резюме. Адрес "
            "офиса и как пройти я пришлю в сообщении.",
            "Great, you're booked in. Please bring your passport and, if you have one, your CV. "
            "I'll send you the address and directions in a message.",
        ),
        "invited",
    ),
    end(
        "invited",
        ("Приглашён(а)", "Invited"),
        (
            "Будем ждать вас. Если планы изменятся, пожалуйста, предупредите нас. До встречи!",
            "We look forward to meeting you. If your plans change, please let us know. See you "
            "soon!",
        ),
        "invited",
        True,
    ),
    end(
        "found-job",
        ("Уже работает", "Found a job"),
        (
            "Поздравляю с новой работой! Если что-то изменится, будем рады вашему звонку. "
            "Всего доброго!",
            "Congratulations on the new job! If anything changes, we'd be glad to hear from "
            "you. All the best!",
        ),
        "found-job",
        False,
    ),
    end(
        "thinking",
        ("Думает", "Thinking it over"),
        (
            "Конечно, подумайте. Мы перезвоним через пару дней, или позвоните нам сами. Всего "
            "доброго!",
            "Of course, take your time. We'll call you in a couple of days, or feel free to "
            "ring us. All the best!",
        ),
        "thinking",
        False,
    ),
    end(
        "declined",
        ("Отказ", "Declined"),
        (
            "Спасибо за откровенность и за ваше время. Удачи в поиске!",
            "Thank you for being honest, and for your time. Good luck with your search!",
        ),
        "declined",
        False,
    ),
    callback(),
    wrong_number(),
)

QC_UPSELL = script(
    "qc-upsell",
    "2.4.4",
    Purpose.SURVEY,
    ("Контроль качества и повышение ARPU", "Quality check with an upgrade offer"),
    (
        "Абонентам без долгов: короткий опрос о качестве услуг, затем предложение тарифа "
        "выше или дополнительной услуги.",
        "Subscribers in good standing: a short quality survey, then an offer of a better "
        "tariff or an extra service.",
    ),
    identify(yes="convenient", other="someone-else"),
    ask(
        "convenient",
        ("Удобно говорить?", "Convenient to talk?"),
        (
            "Мы проводим короткий опрос о качестве наших услуг — всего два вопроса. Вам удобно?",
            "We're running a short survey on the quality of our service — just two questions. "
            "Is now a good time?",
        ),
        [
            (YES, "rate"),
            (CALL_BACK, "callback"),
            (("Не хочет участвовать", "Doesn't want to take part"), "survey-declined"),
        ],
        objections=["no-time", "at-work", "not-interested"],
    ),
    ask(
        "rate",
        ("Оценка интернета", "Internet rating"),
        (
            "Как вы оцените работу интернета по шкале от 1 до 5, где 5 — отлично?",
            "How would you rate your internet on a scale of 1 to 5, where 5 is excellent?",
        ),
        [(("4–5", "4–5"), "support"), (("1–3", "1–3"), "problem")],
    ),
    ask(
        "support",
        ("Оценка поддержки", "Support rating"),
        (
            "Спасибо! А если вы обращались в поддержку — вопрос решили быстро?",
            "Thank you! And if you've contacted our support, was your question sorted quickly?",
        ),
        [
            (("Да, или не обращался(ась)", "Yes, or never needed to"), "offer"),
            (("Нет, были трудности", "No, it was difficult"), "support-note"),
        ],
        objections=["support-unreachable"],
    ),
    say(
        "support-note",
        ("Замечание о поддержке", "Support feedback"),
        (
            "Извините за это. Я передам ваш отзыв руководителю поддержки. Спасибо, что рассказали.",
            "I'm sorry about that. I'll pass your feedback to the head of support. Thank you "
            "for telling us.",
        ),
        "offer",
    ),
    ask(
        "problem",
        ("Что не так", "What's wrong"),
        (
            "Расскажите, пожалуйста, что именно не устраивает: скорость, обрывы, Wi-Fi?",
            "Could you tell me what's wrong exactly — the speed, dropouts, the Wi-Fi?",
        ),
        [
            (("Проблема есть сейчас", "There's a problem now"), "ticket"),
            (("Было раньше, сейчас в порядке", "It was before, fine now"), "offer"),
            (("Wi-Fi не добивает до комнат", "Wi-Fi doesn't reach every room"), "offer"),
        ],
        objections=["slow-speed", "frequent-outages", "wifi-weak", "issue-not-fixed"],
    ),
    end(
        "ticket",
        ("Заявка в поддержку", "Support ticket"),
        (
            "Я оформляю заявку в техподдержку — специалист свяжется с вами в течение дня. "
            "Спасибо, что помогаете нам стать лучше!",
            "I'm opening a ticket with technical support — a specialist will contact you "
            "within the day. Thank you for helping us improve!",
        ),
        "ticket",
        False,
    ),
    ask(
        "offer",
        ("Предложение", "Offer"),
        (
            "Спасибо! У вас тариф «{tariff}» за {fee} в месяц. Сейчас для вас есть "
            "предложение: {offer}. Рассказать подробнее?",
            "Thank you! You're on {tariff} at {fee} a month, and right now we have an offer "
            "for you: {offer}. Shall I tell you more?",
        ),
        [
            (YES, "offer-details"),
            (("Нет, всё устраивает", "No, happy as it is"), "declined"),
            (("Просит больше не предлагать", "Asks for no more offers"), "opt-out"),
        ],
        objections=["everything-fine", "not-interested", "too-expensive"],
    ),
    ask(
        "offer-details",
        ("Детали предложения", "Offer details"),
        (
            "Условия простые: {offer}, без визита мастера и доплат за подключение. Изменения "
            "вступят в силу с нового расчётного периода. Оформляем?",
            "It's simple: {offer}, with no technician visit and no connection charge. It "
            "starts from your next billing period. Shall I set it up?",
        ),
        [
            (("Да, оформить", "Yes, set it up"), "upgraded"),
            (WILL_THINK, "thinking"),
            (NO, "declined"),
        ],
        objections=["too-expensive", "hidden-fees", "will-think", "consult-family", "barely-use"],
    ),
    end(
        "upgraded",
        ("Согласился", "Accepted"),
        (
            "Отлично, оформляю. Условия придут вам в SMS. Спасибо, что вы с нами!",
            "Great, I'm setting it up. You'll get the details by text. Thank you for being with "
            "us!",
        ),
        "upgraded",
        True,
        message="speed_upgrade",
    ),
    end(
        "thinking",
        ("Думает", "Thinking it over"),
        (
            "Конечно. Отправлю условия в SMS, чтобы вы могли спокойно решить. Спасибо за ответы!",
            "Of course. I'll text you the details so you can decide in your own time. Thank "
            "you for your answers!",
        ),
        "thinking",
        False,
        message="speed_upgrade",
    ),
    end(
        "declined",
        ("Отказ от предложения", "Declined the offer"),
        (
            "Хорошо, спасибо за ваши ответы! Если захотите что-то изменить, звоните "
            "{support_phone}. Хорошего дня!",
            "All right — thank you for your answers! If you ever want a change, call "
            "{support_phone}. Have a good day!",
        ),
        "declined",
        False,
    ),
    opt_out(),
    survey_declined(),
    not_reached(),
    callback(),
    wrong_number(),
)

SPEECH_MODULES = [INSTALLATION_REMINDER, PAYMENT_REMINDER, INTERVIEW_INVITATION, QC_UPSELL]
