"""The scenarios 3.3.1–3.3.7 as shipped: calling debtors, the offers made to an inbound caller
once their own question is solved, a prospective subscriber's call, and the QC call after a
technician's visit."""

from ..models import Purpose
from .nodes import (
    CALL_BACK,
    NO,
    WILL_THINK,
    YES,
    ask,
    callback,
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

NAMES_DATE = ("Назвал(а) сумму и дату", "Named an amount and a date")
REFUSES = ("Отказывается платить", "Refuses to pay")
DISPUTES = ("Не согласен(на) с долгом", "Disputes the debt")

ACTIVE_DEBTORS = script(
    "active-debtors",
    "3.3.1",
    Purpose.DEBT,
    ("Прозвон активных должников", "Calling active debtors"),
    (
        "Абонентам с долгом, которые ещё подключены: обещание оплаты, частичная оплата, спор "
        "о начислениях.",
        "Subscribers in debt who are still connected: a promise to pay, a part payment, a "
        "charge dispute.",
    ),
    identify(yes="purpose", other="someone-else"),
    ask(
        "purpose",
        ("Цель звонка", "Why we call"),
        (
            "Звоню по лицевому счёту {account}: по нему задолженность {debt} — подскажите, "
            "когда вы планируете её оплатить?",
            "I'm calling about account {account}, which has {debt} outstanding. When are you "
            "planning to pay it?",
        ),
        [
            (("Оплатит в ближайшие дни", "Will pay in the next few days"), "promise-date"),
            (("Уже оплатил(а)", "Has already paid"), "check-payment"),
            (("Сейчас нет денег", "No money right now"), "hardship"),
            (DISPUTES, "dispute"),
            (REFUSES, "consequences"),
        ],
        objections=[
            "already-paid",
            "debt-disagree-amount",
            "no-money-now",
            "will-pay-later",
            "scam-suspicion",
            "call-recorded",
        ],
    ),
    ask(
        "promise-date",
        ("Дата и сумма", "Date and amount"),
        (
            "Назовите, пожалуйста, дату и сумму — я запишу обещание. Полная сумма долга: {debt}",
            "Please tell me the date and the amount, and I'll record your promise. The full "
            "amount owed is {debt}.",
        ),
        [
            (("Вся сумма", "The full amount"), "promise"),
            (("Часть суммы", "Part of it"), "partial-promise"),
        ],
        objections=["payment-inconvenient"],
    ),
    end(
        "promise",
        ("Обещание оплатить", "Promise to pay"),
        (
            "Спасибо! Записываю обещание, накануне пришлём напоминание в SMS. Оплатить можно "
            "в приложении банка по номеру счёта {account} или в личном кабинете.",
            "Thank you! Your promise is recorded and we'll text you a reminder the day before. "
            "You can pay in your banking app with account number {account} or in your online "
            "account.",
        ),
        "promise",
        True,
        message="promise_reminder",
    ),
    end(
        "partial-promise",
        ("Обещание частичной оплаты", "Part payment promised"),
        (
            "Спасибо, записываю. Остаток, пожалуйста, оплатите до {due_date} — напоминание "
            "придёт в SMS.",
            "Thank you, that's noted. Please pay the rest by {due_date} — we'll send you a text "
            "reminder.",
        ),
        "partial-promise",
        True,
        message="promise_reminder",
    ),
    ask(
        "check-payment",
        ("Проверка платежа", "Payment check"),
        ("Спасибо! Когда и каким способом вы платили?", "Thank you! When and how did you pay?"),
        [
            (("В последние 1–2 дня", "In the last day or two"), "paid"),
            (
                ("Раньше, но деньги не зачислены", "Earlier, but it hasn't arrived"),
                "payment-search",
            ),
        ],
        objections=["already-paid"],
    ),
    end(
        "paid",
        ("Оплата в пути", "Payment on its way"),
        (
            "Тогда платёж скоро зачислится. Извините за беспокойство!",
            "Then it'll be credited shortly. Sorry to have troubled you!",
        ),
        "paid",
        True,
    ),
    payment_search(),
    ask(
        "hardship",
        ("Трудности с оплатой", "Trouble paying"),
        (
            "Понимаю. Чтобы доступ не приостановили, можно оплатить часть сейчас, а остаток "
            "позже. Какую сумму и когда вы сможете внести?",
            "I understand. To keep the service on, you can pay part now and the rest later. "
            "How much could you pay, and when?",
        ),
        [(NAMES_DATE, "partial-promise"), (("Не может назвать", "Can't say"), "consequences")],
        objections=["no-money-now", "will-pay-later"],
    ),
    ask(
        "consequences",
        ("Последствия", "What happens next"),
        (
            "Хочу предупредить: если долг не оплатить до {due_date}, услуги будут "
            "приостановлены, а после оплаты включатся автоматически. Давайте всё-таки выберем "
            "дату, которая для вас реальна?",
            "I should let you know that unless the debt is paid by {due_date}, the service "
            "will be suspended; it comes back automatically once you pay. Shall we find a date "
            "that works for you?",
        ),
        [(("Называет дату", "Names a date"), "promise-date"), (REFUSES, "refused")],
        objections=["will-pay-later", "stop-calling", "debt-not-mine"],
    ),
    end(
        "refused",
        ("Отказ от оплаты", "Refused to pay"),
        (
            "Хорошо. Мы пришлём SMS с суммой и сроком оплаты. Если передумаете или появятся "
            "вопросы — звоните {support_phone}.",
            "All right. We'll text you the amount and the deadline. If you change your mind or "
            "have questions, call {support_phone}.",
        ),
        "refused",
        False,
        message="debt_suspension_warning",
    ),
    say(
        "dispute",
        ("Спор о долге", "Debt dispute"),
        (
            "Давайте проверим. Долг сложился из абонентской платы за прошлые периоды по тарифу "
            "«{tariff}». Если вы не согласны, я передам обращение на сверку: ответ придёт в "
            "течение нескольких рабочих дней, а до ответа мы не будем беспокоить вас по этому "
            "долгу.",
            "Let's check. The debt is made up of monthly fees for past periods on the {tariff} "
            "tariff. If you disagree, I'll send it for a billing review — you'll hear back "
            "within a few working days, and we won't chase this debt until then.",
        ),
        "dispute-logged",
        objections=[
            "debt-disagree-amount",
            "debt-not-mine",
            "contract-terminated",
            "service-not-used",
        ],
    ),
    dispute_logged(),
    message_left(),
    wrong_number(),
)

INACTIVE_DEBTORS = script(
    "inactive-debtors",
    "3.3.2",
    Purpose.DEBT,
    ("Прозвон неактивных должников", "Calling disconnected debtors"),
    (
        "Отключённым абонентам, за которыми остался долг: закрыть долг и предложить вернуться.",
        "Disconnected subscribers who still owe: settle the debt and invite them back.",
    ),
    identify(yes="purpose", other="someone-else"),
    ask(
        "purpose",
        ("Цель звонка", "Why we call"),
        (
            "Звоню по лицевому счёту {account}: сейчас он отключён, и на нём остался долг "
            "{debt}, и я хочу помочь закрыть его, а если захотите — и вернуть интернет. "
            "Подскажите, почему вы перестали пользоваться нашими услугами?",
            "I'm calling about account {account}: it's disconnected at the moment, with {debt} "
            "still owing. I'd like to help you settle it — and get you back online, if you "
            "wish. May I ask why you stopped using our service?",
        ),
        [
            (("Переехал(а)", "Moved house"), "moved"),
            (("Ушёл(ла) к другому провайдеру", "Switched provider"), "competitor"),
            (("Были финансовые трудности", "Money troubles"), "hardship"),
            (DISPUTES, "dispute"),
        ],
        objections=[
            "moved-already",
            "service-not-used",
            "contract-terminated",
            "debt-not-mine",
            "scam-suspicion",
        ],
    ),
    ask(
        "moved",
        ("Переезд", "Moved house"),
        (
            "Куда вы переехали? Возможно, наша сеть есть и по новому адресу — тогда перенесём "
            "подключение.",
            "Where did you move to? Our network may well reach your new address — then we'll "
            "move your connection.",
        ),
        [
            (("Дом подключён, хочет интернет", "Building covered, wants service"), "return-offer"),
            (("Покрытия нет или не хочет", "No coverage, or not interested"), "settle"),
        ],
        objections=["moving-no-coverage"],
    ),
    ask(
        "competitor",
        ("Ушёл к другому провайдеру", "Went to another provider"),
        (
            "Спасибо, что сказали. Для тех, кто возвращается, у нас есть предложение: {offer}. "
            "Вам интересно?",
            "Thanks for telling me. We have an offer for returning subscribers: {offer}. Would "
            "that interest you?",
        ),
        [(YES, "return-offer"), (NO, "settle")],
        objections=["competitor-cheaper", "already-have-provider", "switching-hassle"],
    ),
    ask(
        "hardship",
        ("Финансовые трудности", "Money troubles"),
        (
            "Понимаю. Долг можно гасить частями, без спешки. Какую сумму и когда вы сможете "
            "внести?",
            "I understand. You can pay it off in instalments, no rush. How much could you pay, "
            "and when?",
        ),
        [(NAMES_DATE, "promise"), (("Пока не может", "Can't for now"), "refused")],
        objections=["no-money-now", "will-pay-later"],
    ),
    ask(
        "settle",
        ("Закрыть долг", "Settling the debt"),
        (
            "Понимаю. Долг {debt} при этом остаётся на договоре. Давайте выберем дату "
            "оплаты — так вы закроете договор без долгов.",
            "I understand. The {debt} still stands on the contract, though. Let's pick a "
            "payment date so you can close it with nothing owing.",
        ),
        [
            (("Назвал(а) дату", "Named a date"), "promise"),
            (DISPUTES, "dispute"),
            (REFUSES, "refused"),
        ],
        objections=["debt-not-mine", "service-not-used", "will-pay-later", "contract-terminated"],
    ),
    ask(
        "return-offer",
        ("Возвращение", "Coming back"),
        (
            "Чтобы вернуть интернет, достаточно оплатить долг — доступ восстановим в тот же "
            "день, и для вас действует предложение: {offer}. Оформляем?",
            "To get back online, you only need to pay off the debt — we'll restore the service "
            "the same day, and our offer applies: {offer}. Shall we go ahead?",
        ),
        [
            (("Оплатит и вернётся", "Will pay and come back"), "comeback"),
            (("Только оплатит долг", "Will only pay the debt"), "promise"),
            (WILL_THINK, "thinking"),
        ],
        objections=["too-expensive", "will-think", "long-contract"],
    ),
    end(
        "comeback",
        ("Возвращается", "Coming back"),
        (
            "Отлично! Пришлю условия в SMS. Как только платёж поступит, интернет включится. "
            "Рады, что вы возвращаетесь!",
            "Great! I'll text you the details. As soon as the payment arrives, your internet "
            "will be back on. We're glad to have you back!",
        ),
        "comeback",
        True,
        message="winback_offer",
    ),
    end(
        "promise",
        ("Обещание оплатить", "Promise to pay"),
        (
            "Спасибо, записываю дату. Накануне пришлём напоминание в SMS.",
            "Thank you, the date is noted. We'll text you a reminder the day before.",
        ),
        "promise",
        True,
        message="promise_reminder",
    ),
    end(
        "thinking",
        ("Думает", "Thinking it over"),
        (
            "Хорошо, подумайте. Условия пришлю в SMS — предложение действует ограниченное время.",
            "Sure, have a think. I'll text you the details — the offer is for a limited time.",
        ),
        "thinking",
        False,
        message="winback_offer",
    ),
    end(
        "refused",
        ("Отказ от оплаты", "Refused to pay"),
        (
            "Хорошо. Мы пришлём уведомление о сумме и сроке оплаты. Если передумаете — "
            "звоните {support_phone}.",
            "All right. We'll send you a notice of the amount and the deadline. If you change "
            "your mind, call {support_phone}.",
        ),
        "refused",
        False,
        message="debt_final_notice",
    ),
    say(
        "dispute",
        ("Спор о долге", "Debt dispute"),
        (
            "Давайте разберёмся. Если вы подавали заявление на расторжение или услуги не было "
            "по нашей вине, я передам обращение на проверку, и мы исправим начисления, если вы "
            "правы.",
            "Let's get to the bottom of it. If you filed a request to end the contract, or had "
            "no service through our fault, I'll send it for review and we'll correct the "
            "charges if you're right.",
        ),
        "dispute-logged",
        objections=[
            "contract-terminated",
            "service-not-used",
            "debt-not-mine",
            "debt-disagree-amount",
        ],
    ),
    dispute_logged(),
    message_left(),
    wrong_number(),
)

ADVANCE_PAYMENT = script(
    "advance-payment",
    "3.3.3",
    Purpose.MARKETING,
    ("Входящий звонок: оплата вперёд", "Inbound: paying in advance"),
    (
        "Когда вопрос звонящего решён: предложить оплату на несколько месяцев вперёд с бонусом.",
        "Once the caller's own question is solved: offer paying several months ahead with a bonus.",
    ),
    ask(
        "bridge",
        ("Переход к предложению", "Lead-in"),
        (
            "{addressed}, пока вы на линии: для абонентов, которые платят вперёд, у нас есть "
            "выгодное предложение. Рассказать? Это полминуты.",
            "{addressed}, while I have you: we have a good deal for subscribers who pay in "
            "advance. May I tell you about it? It takes half a minute.",
        ),
        [(YES, "offer"), (("Нет, спасибо", "No, thanks"), "declined")],
        objections=["no-time", "not-interested"],
    ),
    ask(
        "offer",
        ("Предложение", "Offer"),
        (
            "При оплате сразу за несколько месяцев вы получаете {offer}. Сейчас на счёте "
            "{balance}, абонентская плата — {fee} в месяц. Не нужно помнить об "
            "оплате, и интернет не отключится в неподходящий момент.",
            "Pay for several months at once and you get {offer}. Your balance is {balance} and "
            "the monthly fee is {fee}. No more remembering to pay, and the internet won't cut "
            "off at an awkward moment.",
        ),
        [
            (("Интересно, как оплатить?", "Interested — how to pay?"), "how-to-pay"),
            (("Сейчас нет свободных денег", "Can't spare the money now"), "one-month"),
            (("Не видит смысла", "Sees no point"), "benefits"),
            (WILL_THINK, "thinking"),
        ],
        objections=[
            "advance-no-point",
            "no-money-now",
            "moving-away",
            "temporary-rent",
            "hidden-fees",
            "will-think",
            "not-now",
        ],
    ),
    ask(
        "benefits",
        ("Выгода", "The benefits"),
        (
            "Главное — цена фиксируется на оплаченный срок, даже если тарифы изменятся, а "
            "бонус вы получаете сразу. Деньги остаются на вашем счёте и не пропадут, если "
            "что-то изменится.",
            "The main thing: the price is locked in for the period you pay for, even if "
            "tariffs change, and the bonus is yours straight away. The money stays on your "
            "account, so nothing is lost if your plans change.",
        ),
        [(("Убедили", "Convinced"), "how-to-pay"), (("Всё равно нет", "Still no"), "declined")],
        objections=["advance-no-point", "moving-away", "hidden-fees"],
    ),
    ask(
        "one-month",
        ("Хотя бы месяц", "Just next month"),
        (
            "Понимаю. Можно начать с малого: оплатить вперёд хотя бы следующий месяц — тогда "
            "доступ точно не прервётся. Вам так удобно?",
            "I understand. You could start small and pay next month in advance — then the "
            "service certainly won't be interrupted. Would that work?",
        ),
        [(YES, "next-month"), (NO, "declined")],
        objections=["no-money-now"],
    ),
    say(
        "how-to-pay",
        ("Как оплатить", "How to pay"),
        (
            "Оплатить можно в приложении банка по номеру счёта {account}, картой в личном "
            "кабинете или в нашем офисе. Бонус начислится автоматически после зачисления "
            "платежа.",
            "You can pay in your banking app with account number {account}, by card in your "
            "online account, or at our office. The bonus is added automatically once the "
            "payment arrives.",
        ),
        "pay-ahead",
        objections=["payment-inconvenient"],
    ),
    end(
        "pay-ahead",
        ("Оплатит вперёд", "Will pay in advance"),
        (
            "Спасибо, что выбираете нас! Хорошего дня.",
            "Thank you for choosing us! Have a good day.",
        ),
        "pay-ahead",
        True,
    ),
    end(
        "next-month",
        ("Оплатит следующий месяц", "Will pay next month early"),
        (
            "Отлично, спасибо! Оплатить можно в приложении банка по номеру счёта {account}. "
            "Хорошего дня!",
            "Great, thank you! You can pay in your banking app with account number {account}. "
            "Have a good day!",
        ),
        "next-month",
        True,
    ),
    end(
        "thinking",
        ("Думает", "Thinking it over"),
        (
            "Конечно. Предложение действует и дальше — просто пополните счёт на нужную сумму, "
            "когда решите. Хорошего дня!",
            "Of course. The offer stays open — just top up by the right amount whenever you "
            "decide. Have a good day!",
        ),
        "thinking",
        False,
    ),
    end(
        "declined",
        ("Отказ", "Declined"),
        (
            "Хорошо, спасибо, что выслушали. Если будут вопросы — звоните {support_phone}. "
            "Хорошего дня!",
            "No problem, thanks for hearing me out. Any questions, call {support_phone}. Have a "
            "good day!",
        ),
        "declined",
        False,
    ),
)

INBOUND_UPSELL = script(
    "inbound-upsell",
    "3.3.4",
    Purpose.MARKETING,
    ("Входящий звонок: повышение ARPU", "Inbound: upgrade offer"),
    (
        "Когда вопрос звонящего решён: выяснить потребности и предложить скорость выше или "
        "телевидение.",
        "Once the caller's own question is solved: find out their needs and offer a faster "
        "tariff or TV.",
    ),
    ask(
        "bridge",
        ("Переход к предложению", "Lead-in"),
        (
            "{addressed}, пока вы на линии: у вас тариф «{tariff}», и, кажется, можно "
            "подобрать вариант удобнее. Есть минута?",
            "{addressed}, while you're on the line: you're on {tariff}, and I think we could "
            "find you something better. Do you have a minute?",
        ),
        [
            (YES, "needs"),
            (("Нет, спасибо", "No, thanks"), "declined"),
            (("Просит больше не предлагать", "Asks for no more offers"), "opt-out"),
        ],
        objections=["no-time", "everything-fine"],
    ),
    ask(
        "needs",
        ("Потребности", "Needs"),
        (
            "Подскажите, сколько человек у вас пользуется интернетом и для чего: видео, игры, "
            "работа из дома? Смотрите ли вы телевизор?",
            "How many people at home use the internet, and what for — video, games, working "
            "from home? And do you watch TV?",
        ),
        [
            (("Много устройств, видео, игры", "Lots of devices, video, games"), "speed"),
            (("Смотрят телевизор", "They watch TV"), "tv"),
            (("Только почта и новости", "Just email and news"), "fits"),
        ],
    ),
    ask(
        "speed",
        ("Скорость выше", "A faster speed"),
        (
            "Тогда вам подойдёт {offer}. Видео и игры не будут тормозить, даже когда все дома в "
            "сети, а разница в абонентской плате небольшая.",
            "Then {offer} would suit you. Video and games won't stutter even when everyone's "
            "online, and the difference in the monthly fee is small.",
        ),
        [
            (("Подключить", "Switch me"), "upgraded"),
            (("Дорого", "Too expensive"), "value"),
            (WILL_THINK, "thinking"),
            (("Не нужно", "Not needed"), "declined"),
        ],
        objections=[
            "too-expensive",
            "everything-fine",
            "hidden-fees",
            "will-think",
            "consult-family",
            "send-info",
            "router-purchase",
        ],
    ),
    ask(
        "tv",
        ("Телевидение", "TV"),
        (
            "Можно добавить телевидение: {offer}. Смотреть можно на телевизоре, телефоне и "
            "ноутбуке, ставить передачу на паузу и пересматривать.",
            "You could add TV: {offer}. Watch on your TV, phone or laptop, and pause or rewind "
            "any programme.",
        ),
        [
            (("Подключить", "Add it"), "upgraded"),
            (WILL_THINK, "thinking"),
            (("Не нужно", "Not needed"), "declined"),
        ],
        objections=[
            "no-tv-watching",
            "free-channels-enough",
            "streaming-instead",
            "no-smart-tv",
            "channel-missing",
            "too-expensive",
        ],
    ),
    ask(
        "value",
        ("Ценность", "Value for money"),
        (
            "Если разделить разницу на 30 дней, выходит совсем немного в день, а пользуется вся "
            "семья. Попробуйте месяц: вернуть прежний тариф можно в любой момент.",
            "Spread over 30 days, the difference is very little a day — and the whole family "
            "benefits. Try it for a month: you can go back to your old tariff at any time.",
        ),
        [(("Согласен(на) попробовать", "Will give it a try"), "upgraded"), (NO, "declined")],
        objections=["too-expensive", "hidden-fees"],
    ),
    end(
        "upgraded",
        ("Подключил(а) услугу", "Upgraded"),
        (
            "Отлично, оформляю! Условия придут вам в SMS, изменения вступят в силу с нового "
            "расчётного периода. Спасибо!",
            "Great, I'm setting it up! You'll get the details by text, and the change starts "
            "from your next billing period. Thank you!",
        ),
        "upgraded",
        True,
        message="speed_upgrade",
    ),
    end(
        "thinking",
        ("Думает", "Thinking it over"),
        (
            "Конечно. Отправлю условия в SMS, чтобы вы могли спокойно решить.",
            "Of course. I'll text you the details so you can decide in your own time.",
        ),
        "thinking",
        False,
        message="speed_upgrade",
    ),
    end(
        "fits",
        ("Тариф подходит", "Current tariff fits"),
        (
            "Тогда ваш тариф вам подходит, ничего менять не нужно. Спасибо, хорошего дня!",
            "Then your tariff is just right for you — no need to change anything. Thank you, "
            "have a good day!",
        ),
        "tariff-fits",
        False,
    ),
    end(
        "declined",
        ("Отказ", "Declined"),
        (
            "Хорошо, спасибо, что выслушали! Если захотите что-то изменить — звоните "
            "{support_phone}.",
            "No problem, thanks for hearing me out! If you ever want a change, call "
            "{support_phone}.",
        ),
        "declined",
        False,
    ),
    opt_out(),
)

REFER_A_FRIEND = script(
    "refer-a-friend",
    "3.3.5",
    Purpose.MARKETING,
    ("Входящий звонок: акция «Приведи друга»", "Inbound: refer a friend"),
    (
        "Когда вопрос звонящего решён: рассказать об акции и принять контакт друга.",
        "Once the caller's own question is solved: explain the scheme and take a friend's details.",
    ),
    ask(
        "bridge",
        ("Переход к акции", "Lead-in"),
        (
            "{addressed}, вы знаете о нашей акции «Приведи друга»? За каждого друга, который "
            "подключится по вашей рекомендации, мы начислим вам {referrer_reward}. Рассказать?",
            "{addressed}, have you heard about our refer-a-friend scheme? For every friend who "
            "joins on your recommendation, we credit you {referrer_reward}. Shall I tell you "
            "more?",
        ),
        [(YES, "terms"), (("Нет, спасибо", "No, thanks"), "declined")],
        objections=["no-time", "not-interested"],
    ),
    ask(
        "terms",
        ("Условия", "How it works"),
        (
            "Всё просто: ваш личный код — {referral_code}. Друг называет его, когда оставляет "
            "заявку: нам по телефону, на сайте или нашему агенту. Когда друга подключат, мы "
            "начислим вам {referrer_reward} на лицевой счёт {account}, а друг получит "
            "{friend_bonus}. Код действует для любого числа друзей, но не для вас самих. Есть "
            "знакомые или соседи, которым нужен домашний интернет?",
            "It's simple: your personal code is {referral_code}. Your friend gives it when they "
            "apply: by phone, on our website or to our agent. Once your friend is connected, we "
            "credit {referrer_reward} to your account {account}, and your friend gets "
            "{friend_bonus}. The code works for any number of friends, but not for yourself. Do "
            "you know anyone — friends, neighbours — who needs home internet?",
        ),
        [
            (("Да, даст контакт сейчас", "Yes, will give their details now"), "friend"),
            (("Расскажет другу сам(а)", "Will tell the friend themselves"), "self-tell"),
            (("Пока некого", "Nobody right now"), "nobody"),
        ],
        objections=["hidden-fees", "scam-suspicion", "not-interested"],
    ),
    ask(
        "friend",
        ("Контакт друга", "Friend's details"),
        (
            "Отлично! Как зовут вашего знакомого, какой у него телефон и адрес? Он не против "
            "нашего звонка?",
            "Great! What's your friend's name, phone number and address? Are they happy for us "
            "to call?",
        ),
        [
            (("Друг согласен, контакт записан", "Friend agrees, details taken"), "coverage"),
            (("Не уверен(а), что друг согласен", "Not sure the friend agrees"), "self-tell"),
        ],
        objections=["no-personal-data"],
    ),
    ask(
        "coverage",
        ("Проверка адреса", "Address check"),
        (
            "Одну минуту, проверяю, подключён ли дом вашего друга.",
            "One moment, I'm checking whether your friend's building is connected.",
        ),
        [
            (("Дом подключён", "Building connected"), "referral"),
            (("Дом не подключён", "Not connected"), "no-coverage"),
        ],
    ),
    end(
        "referral",
        ("Рекомендация принята", "Referral taken"),
        (
            "Спасибо! Мы позвоним вашему другу в ближайшее время и запишем заявку с вашим кодом. "
            "Когда друга подключат, вы получите {referrer_reward}, а друг — {friend_bonus}.",
            "Thank you! We'll call your friend shortly and register the application with your "
            "code. Once your friend is connected, you get {referrer_reward} and your friend gets "
            "{friend_bonus}.",
        ),
        "referral",
        True,
    ),
    end(
        "no-coverage",
        ("Нет покрытия у друга", "Friend not covered"),
        (
            "К сожалению, в этом доме нашей сети пока нет. Я запишу адрес — сообщим, когда "
            "подключим дом. Спасибо за рекомендацию!",
            "Unfortunately our network doesn't reach that building yet. I'll note the address "
            "and let you know when it does. Thanks for the recommendation!",
        ),
        "no-coverage",
        False,
    ),
    end(
        "self-tell",
        ("Расскажет сам(а)", "Will tell the friend"),
        (
            "Тогда просто попросите друга назвать ваш код {referral_code}, когда он позвонит "
            "нам или оставит заявку на сайте. Когда друга подключат, вы получите "
            "{referrer_reward}, а друг — {friend_bonus}. Спасибо!",
            "Then just ask your friend to give your code, {referral_code}, when they call us "
            "or apply online. Once your friend is connected, you get {referrer_reward} and "
            "your friend gets {friend_bonus}. Thank you!",
        ),
        "informed",
        True,
    ),
    end(
        "nobody",
        ("Пока некого", "Nobody yet"),
        (
            "Ничего страшного — акция действует постоянно. Если кто-то спросит про интернет, "
            "вспомните о нас! Хорошего дня.",
            "No problem — the scheme is always on. If anyone asks about internet, do mention "
            "us! Have a good day.",
        ),
        "no-referral",
        False,
    ),
    end(
        "declined",
        ("Отказ", "Declined"),
        ("Хорошо, спасибо! Хорошего дня.", "All right, thank you! Have a good day."),
        "declined",
        False,
    ),
)

PROSPECTS = script(
    "prospects",
    "3.3.6",
    Purpose.MARKETING,
    ("Входящий звонок: потенциальный абонент", "Inbound: prospective subscriber"),
    (
        "Звонит тот, кто ещё не абонент: проверить адрес, подобрать тариф, принять заявку на "
        "подключение.",
        "A call from someone who isn't a subscriber yet: check the address, choose a tariff, "
        "take an application.",
    ),
    say(
        "greeting",
        ("Приветствие", "Greeting"),
        (
            "Компания {operator}, меня зовут {agent}, здравствуйте! Чем могу помочь?",
            "{operator}, {agent} speaking, hello! How can I help?",
        ),
        "need",
    ),
    ask(
        "need",
        ("Что нужно", "What they want"),
        (
            "Вы хотите подключиться или сначала узнать цены и условия?",
            "Would you like to get connected, or first hear about prices and terms?",
        ),
        [
            (("Подключить интернет или ТВ", "Get internet or TV"), "address"),
            (("Узнать цены", "Just prices"), "prices"),
        ],
    ),
    say(
        "prices",
        ("Цены", "Prices"),
        (
            "С удовольствием расскажу. Тарифы и скорость зависят от дома — назовите, "
            "пожалуйста, адрес, и я скажу точные условия.",
            "Happy to help. Tariffs and speeds depend on the building — tell me the address and "
            "I'll give you the exact terms.",
        ),
        "address",
    ),
    ask(
        "address",
        ("Адрес", "Address"),
        (
            "Назовите, пожалуйста, город, улицу, дом и квартиру.",
            "Could you give me the town, street, building and flat number?",
        ),
        [
            (("Дом подключён", "Building connected"), "needs"),
            (("Дом не подключён", "Not connected"), "no-coverage"),
            (("Частный дом", "A private house"), "private-house"),
        ],
    ),
    say(
        "needs",
        ("Подбор тарифа", "Choosing a tariff"),
        (
            "Подскажите, сколько человек и устройств будет пользоваться интернетом и нужно ли "
            "телевидение? Так я подберу подходящий тариф.",
            "How many people and devices will use it, and would you like TV as well? That way "
            "I can pick the right tariff.",
        ),
        "offer",
    ),
    ask(
        "offer",
        ("Предложение", "Offer"),
        (
            "Для вас есть предложение: {offer}. Подключаем за 1–3 дня, мастер всё настроит, "
            "роутер можно взять в аренду. Оформим заявку?",
            "We have an offer for you: {offer}. We connect within 1–3 days, the technician sets "
            "everything up, and you can rent the router. Shall I register your application?",
        ),
        [
            (("Да, оформить", "Yes, register it"), "contact"),
            (WILL_THINK, "thinking"),
            (NO, "declined"),
        ],
        objections=[
            "too-expensive",
            "competitor-cheaper",
            "already-have-provider",
            "mobile-enough",
            "installation-fee",
            "router-purchase",
            "drilling-walls",
            "landlord-permission",
            "long-contract",
            "temporary-rent",
            "early-termination",
            "will-think",
            "consult-family",
            "hidden-fees",
        ],
    ),
    ask(
        "contact",
        ("Данные для заявки", "Application details"),
        (
            "Как к вам обращаться и по какому номеру с вами связаться? Когда удобно принять "
            "мастера: в будни или в выходные, утром или вечером?",
            "What name shall I put, and which number can we reach you on? When would suit you "
            "for the technician — weekdays or weekends, morning or evening?",
        ),
        [
            (("Данные записаны", "Details taken"), "application"),
            (("Не хочет оставлять данные", "Won't give details"), "thinking"),
        ],
        objections=["no-personal-data", "landlord-permission"],
    ),
    end(
        "application",
        ("Заявка принята", "Application taken"),
        (
            "Спасибо! Заявка принята, подтверждение придёт в SMS. Мы позвоним, чтобы "
            "согласовать точное время подключения.",
            "Thank you! Your application is registered and a confirmation text is on its way. "
            "We'll call to agree the exact installation time.",
        ),
        "application",
        True,
        action="sales.qualify",
        message="application_received",
    ),
    ask(
        "private-house",
        ("Частный дом", "Private house"),
        (
            "В частные дома мы подключаем после осмотра: мастер приедет и посмотрит, как "
            "провести кабель. Оставить заявку на осмотр?",
            "For private houses we connect after a survey: a technician comes to see how to run "
            "the cable. Shall I book a survey?",
        ),
        [(YES, "contact"), (NO, "thinking")],
        objections=["installation-fee"],
    ),
    ask(
        "no-coverage",
        ("Нет покрытия", "No coverage"),
        (
            "К сожалению, в вашем доме нашей сети пока нет. Мы расширяем сеть туда, где больше "
            "заявок. Записать ваш номер, чтобы сообщить, когда подключим дом?",
            "I'm sorry, our network doesn't reach your building yet. We expand where we get the "
            "most requests. May I take your number and let you know when we connect it?",
        ),
        [(YES, "waitlist"), (NO, "not-covered")],
    ),
    end(
        "waitlist",
        ("Лист ожидания", "Waiting list"),
        (
            "Записываю. Как только дом будет подключён, мы вам позвоним. Спасибо за звонок!",
            "Done. We'll call you as soon as the building is connected. Thank you for calling!",
        ),
        "waitlist",
        False,
    ),
    end(
        "not-covered",
        ("Нет покрытия", "Not covered"),
        (
            "Понимаю. Спасибо за звонок, будем рады видеть вас среди абонентов!",
            "I understand. Thank you for calling — we'd be glad to have you one day!",
        ),
        "no-coverage",
        False,
    ),
    end(
        "thinking",
        ("Думает", "Thinking it over"),
        (
            "Конечно. Когда решите, звоните {support_phone} — заявку оформим за пару минут. "
            "Спасибо за звонок!",
            "Of course. Whenever you're ready, call {support_phone} — it takes a couple of "
            "minutes. Thanks for calling!",
        ),
        "thinking",
        False,
    ),
    end(
        "declined",
        ("Отказ", "Declined"),
        (
            "Хорошо, спасибо за звонок! Будем рады помочь, если понадобится.",
            "All right, thanks for calling! We're here if you ever need us.",
        ),
        "declined",
        False,
    ),
)

TECHNICIAN_QC = script(
    "technician-qc",
    "3.3.7",
    Purpose.SURVEY,
    ("Контроль качества работы мастера", "Technician visit quality check"),
    (
        "Через 1–2 дня после подключения или ремонта: ответы заполняют реестр контроля качества.",
        "One or two days after an installation or a repair: the answers fill the quality "
        "control registry.",
    ),
    identify(yes="convenient", other="someone-else"),
    ask(
        "convenient",
        ("Удобно говорить?", "Convenient to talk?"),
        (
            "Недавно у вас был наш мастер. Можно задать четыре коротких вопроса о его работе? "
            "Это займёт две минуты.",
            "One of our technicians visited you recently. May I ask four quick questions about "
            "the visit? It'll take two minutes.",
        ),
        [
            (YES, "on-time"),
            (CALL_BACK, "callback"),
            (("Не хочет отвечать", "Doesn't want to answer"), "survey-declined"),
        ],
        objections=["no-time", "at-work"],
    ),
    ask(
        "on-time",
        ("Пунктуальность", "Punctuality"),
        (
            "Мастер пришёл в согласованное время?",
            "Did the technician arrive at the agreed time?",
        ),
        [
            (("Да, вовремя", "Yes, on time"), "polite"),
            (("Опоздал, но предупредил", "Late, but rang ahead"), "polite"),
            (("Опоздал без предупреждения", "Late without warning"), "polite"),
            (("Мастер не приходил", "Never came"), "no-show"),
        ],
        objections=["technician-late"],
    ),
    ask(
        "polite",
        ("Вежливость", "Manners"),
        (
            "Мастер был вежлив, объяснял, что делает?",
            "Was the technician polite, and did they explain what they were doing?",
        ),
        [(YES, "tidy"), (NO, "tidy")],
        objections=["technician-rude"],
    ),
    ask(
        "tidy",
        ("Аккуратность", "Tidiness"),
        (
            "После работы было чисто, кабель уложен аккуратно?",
            "Was everything left clean, with the cable laid neatly?",
        ),
        [(YES, "works"), (NO, "works")],
        objections=["technician-rude", "drilling-walls"],
    ),
    ask(
        "works",
        ("Результат", "Result"),
        (
            "Интернет и телевидение сейчас работают как надо?",
            "Are the internet and TV working properly now?",
        ),
        [(YES, "score"), (("Есть проблемы", "There are problems"), "revisit")],
        objections=["slow-speed", "wifi-weak", "issue-not-fixed", "frequent-outages"],
    ),
    ask(
        "score",
        ("Оценка мастера", "Score"),
        (
            "Оцените, пожалуйста, работу мастера от 1 до 5.",
            "How would you score the technician's work, from 1 to 5?",
        ),
        [(("5", "5"), "thanks"), (("4", "4"), "thanks"), (("1–3", "1–3"), "complaint")],
    ),
    end(
        "thanks",
        ("Доволен", "Satisfied"),
        (
            "Спасибо за ответы! Передадим мастеру вашу оценку. Хорошего дня!",
            "Thank you for your answers! We'll pass your score on to the technician. Have a "
            "good day!",
        ),
        "satisfied",
        True,
    ),
    say(
        "complaint",
        ("Что не понравилось", "What went wrong"),
        (
            "Спасибо за честность. Расскажите, пожалуйста, что именно не понравилось? Я "
            "передам это руководителю монтажной службы.",
            "Thank you for being honest. Could you tell me what you weren't happy with? I'll "
            "pass it on to the head of the installation team.",
        ),
        "complaint-logged",
        objections=["technician-rude", "technician-late"],
    ),
    end(
        "complaint-logged",
        ("Жалоба", "Complaint"),
        (
            "Ваш отзыв записан: руководитель разберётся и при необходимости свяжется с вами. "
            "Спасибо, что помогаете нам стать лучше.",
            "Your feedback is recorded; the manager will look into it and get back to you if "
            "needed. Thank you for helping us improve.",
        ),
        "complaint",
        False,
    ),
    end(
        "revisit",
        ("Повторный выезд", "Return visit"),
        (
            "Сожалею об этом. Оформляю повторный выезд мастера — он бесплатный, мы позвоним, "
            "чтобы согласовать время.",
            "I'm sorry about that. I'm booking a return visit, free of charge — we'll call you "
            "to agree a time.",
        ),
        "revisit",
        False,
    ),
    end(
        "no-show",
        ("Мастер не пришёл", "Technician didn't come"),
        (
            "Приношу извинения. Сразу передаю это руководителю монтажной службы, и мы "
            "перезвоним, чтобы согласовать новое время.",
            "I do apologise. I'm passing this straight to the head of the installation team, "
            "and we'll call you to arrange a new time.",
        ),
        "no-show",
        False,
    ),
    survey_declined(),
    not_reached(),
    callback(),
    wrong_number(),
)

SCENARIOS = [
    ACTIVE_DEBTORS,
    INACTIVE_DEBTORS,
    ADVANCE_PAYMENT,
    INBOUND_UPSELL,
    REFER_A_FRIEND,
    PROSPECTS,
    TECHNICIAN_QC,
]
