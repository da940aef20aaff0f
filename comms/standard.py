"""The message templates shipped with the product: the SMS list 3.4.16 and a few letters, in
Russian and English, written for Abonent from the ordinary practice of ISP subscriber
departments. The operator edits them like any other; installing them again (demo_setup, or
comms.services.standard_install after an upgrade) only adds those missing, found by code."""

from django.conf import settings

from .models import Channel, Purpose

SMS, EMAIL = Channel.SMS, Channel.EMAIL
SERVICE, DEBT, MARKETING, SURVEY = Purpose.SERVICE, Purpose.DEBT, Purpose.MARKETING, Purpose.SURVEY

# code, channel, purpose, then {language: (name, when it goes, subject, text)}.
# fmt: off
TEMPLATES = [
    ("application_received", SMS, SERVICE, {
        "ru": ("Заявка принята", "Заявка на подключение зарегистрирована", "",
               "{operator}: заявка принята. Мы позвоним, чтобы согласовать время "
               "подключения. Вопросы: {support_phone}"),
        "en": ("Application received", "A connection application is registered", "",
               "{operator}: your application is received. We will call you to agree on the "
               "installation time. Questions: {support_phone}"),
    }),
    ("installation_reminder", SMS, SERVICE, {
        "ru": ("Напоминание о подключении", "За день до согласованного времени подключения",
               "", "{operator}: завтра, {slot}, мастер придёт подключать интернет. "
               "Если время не подходит, позвоните {support_phone}"),
        "en": ("Installation reminder", "The day before the agreed installation time", "",
               "{operator}: tomorrow, {slot}, our technician comes to connect you. If the "
               "time does not suit you, call {support_phone}"),
    }),
    ("slot_changed", SMS, SERVICE, {
        "ru": ("Время подключения изменено", "Время подключения перенесено", "",
               "{operator}: время подключения изменено на {slot}. Если не подходит, "
               "позвоните {support_phone}"),
        "en": ("Installation time changed", "The installation is moved to another time", "",
               "{operator}: your installation is moved to {slot}. If this does not suit you, "
               "call {support_phone}"),
    }),
    ("installation_today", SMS, SERVICE, {
        "ru": ("Подключение сегодня", "Утром в день подключения", "",
               "{operator}: сегодня, {slot}, мастер придёт подключать интернет. "
               "Если время не подходит, позвоните {support_phone}"),
        "en": ("Installation today", "On the morning of the installation day", "",
               "{operator}: today, {slot}, our technician comes to connect you. If the "
               "time does not suit you, call {support_phone}"),
    }),
    ("installer_on_way", SMS, SERVICE, {
        "ru": ("Мастер выехал", "Монтажник отметил выезд к абоненту", "",
               "{operator}: мастер выехал к вам и будет в течение часа."),
        "en": ("Technician on the way", "The installer set out to the subscriber", "",
               "{operator}: our technician is on the way and will be with you within an hour."),
    }),
    ("welcome", SMS, SERVICE, {
        "ru": ("Добро пожаловать", "Абонент подключён", "",
               "{operator}: вы подключены! Лицевой счёт {account}, тариф «{tariff}», "
               "{fee} в месяц. Поддержка: {support_phone}"),
        "en": ("Welcome", "The subscriber is connected", "",
               "{operator}: you are connected! Account {account}, tariff {tariff}, {fee} a "
               "month. Support: {support_phone}"),
    }),
    ("payment_due", SMS, SERVICE, {
        "ru": ("Скоро списание абонентской платы", "За 3 дня до списания, если баланса "
               "не хватит", "", "{operator}: {due_date} спишется абонентская плата {fee}, "
               "баланс счёта {account}: {balance}"),
        "en": ("Monthly fee due soon", "3 days before the charge, when the balance will not "
               "cover it", "", "{operator}: the monthly fee of {fee} is charged on {due_date}. "
               "Balance of account {account}: {balance}."),
    }),
    ("low_balance", SMS, SERVICE, {
        "ru": ("Баланс заканчивается", "Баланса хватит меньше чем на 3 дня", "",
               "{operator}: баланс счёта {account} — {balance}, пополните его, чтобы "
               "интернет работал без перерыва."),
        "en": ("Balance running low", "The balance lasts less than 3 days", "",
               "{operator}: account {account} has {balance} left. Top it up to stay online "
               "without a break."),
    }),
    ("debt_first", SMS, DEBT, {
        "ru": ("Долг: первое напоминание", "1–5 день просрочки", "",
               "{operator}: задолженность по счёту {account} — {debt}, пожалуйста, оплатите "
               "её до {due_date}."),
        "en": ("Debt: first reminder", "Days 1–5 overdue", "",
               "{operator}: account {account} owes {debt}. Please pay by {due_date}."),
    }),
    ("debt_suspension_warning", SMS, DEBT, {
        "ru": ("Долг: предупреждение о приостановке", "6–10 день просрочки", "",
               "{operator}: долг по счёту {account} — {debt}; без оплаты до {due_date} "
               "услуги будут приостановлены. {support_phone}"),
        "en": ("Debt: suspension warning", "Days 6–10 overdue", "",
               "{operator}: account {account} owes {debt}. Unless paid by {due_date}, the "
               "service will be suspended. {support_phone}"),
    }),
    ("debt_suspended", SMS, DEBT, {
        "ru": ("Услуги приостановлены за долг", "Услуги приостановлены", "",
               "{operator}: услуги по счёту {account} приостановлены за долг {debt} и "
               "вернутся автоматически после оплаты."),
        "en": ("Service suspended for debt", "The service is suspended", "",
               "{operator}: the service of account {account} is suspended, debt {debt}. It "
               "comes back on its own once paid."),
    }),
    ("debt_final_notice", SMS, DEBT, {
        "ru": ("Долг: последнее уведомление", "30 дней просрочки", "",
               "{operator}: долг {debt} по счёту {account} не оплачен. Без оплаты до "
               "{due_date} услуги могут быть отключены в соответствии с договором. "
               "{support_phone}"),
        "en": ("Debt: final notice", "30 days overdue", "",
               "{operator}: the debt of {debt} on account {account} is unpaid. Unless it is "
               "paid by {due_date}, the service may be disconnected as your contract provides. "
               "{support_phone}"),
    }),
    ("promise_reminder", SMS, DEBT, {
        "ru": ("Напоминание об обещанном платеже", "Накануне даты обещанного платежа", "",
               "{operator}: напоминаем, вы обещали оплатить {amount} по счёту {account} "
               "до {due_date}. Спасибо!"),
        "en": ("Promised payment reminder", "The day before the promised payment date", "",
               "{operator}: a reminder that you promised to pay {amount} on account {account} "
               "by {due_date}. Thank you!"),
    }),
    ("payment_received", SMS, SERVICE, {
        "ru": ("Платёж получен", "Платёж зачислен на счёт", "",
               "{operator}: спасибо, платёж {amount} получен! Баланс счёта {account}: "
               "{balance}"),
        "en": ("Payment received", "A payment is credited to the account", "",
               "{operator}: payment of {amount} received. Balance of account {account}: "
               "{balance}. Thank you!"),
    }),
    ("outage", SMS, SERVICE, {
        "ru": ("Авария", "Авария в доме или районе абонента", "",
               "{operator}: в вашем доме авария, мастера уже работают. Восстановим до {when}. "
               "Приносим извинения."),
        "en": ("Outage", "An outage in the subscriber's building or area", "",
               "{operator}: there is an outage in your building and our technicians are on "
               "it. Service is back by {when}. We apologise."),
    }),
    ("restored", SMS, SERVICE, {
        "ru": ("Связь восстановлена", "Авария устранена", "",
               "{operator}: связь восстановлена. Если интернет не работает, перезагрузите "
               "роутер или позвоните {support_phone}"),
        "en": ("Service restored", "The outage is over", "",
               "{operator}: service is restored. If the internet still does not work, "
               "restart the router or call {support_phone}"),
    }),
    ("planned_works", SMS, SERVICE, {
        "ru": ("Плановые работы", "За сутки до плановых работ", "",
               "{operator}: {when} плановые работы на сети, возможны перерывы связи до 2 "
               "часов."),
        "en": ("Planned works", "A day before planned network works", "",
               "{operator}: planned network works {when}; the service may break for up to "
               "2 hours."),
    }),
    ("tariff_changed", SMS, SERVICE, {
        "ru": ("Тариф изменён", "Тариф абонента сменился", "",
               "{operator}: с {due_date} ваш тариф — «{tariff}», {fee} в месяц."),
        "en": ("Tariff changed", "The subscriber's tariff changed", "",
               "{operator}: from {due_date} your tariff is {tariff}, {fee} a month."),
    }),
    ("birthday", SMS, MARKETING, {
        "ru": ("С днём рождения", "В день рождения абонента", "",
               "{addressed}, с днём рождения! {operator} дарит вам {offer}."),
        "en": ("Happy birthday", "On the subscriber's birthday", "",
               "{addressed}, happy birthday! {operator} gives you {offer}."),
    }),
    ("winback_offer", SMS, MARKETING, {
        "ru": ("Предложение вернуться", "Бывшим абонентам через 1–6 месяцев после ухода", "",
               "{addressed}, возвращайтесь в {operator}: {offer}. Подключим за 1 день. "
               "{support_phone}"),
        "en": ("Come-back offer", "Former subscribers 1–6 months after leaving", "",
               "{addressed}, come back to {operator}: {offer}. Connected within a day. "
               "{support_phone}"),
    }),
    ("speed_upgrade", SMS, MARKETING, {
        "ru": ("Предложение скорости", "Абонентам старых тарифов", "",
               "{operator}: {offer}. Подробности: {support_phone}"),
        "en": ("Speed upgrade offer", "Subscribers of old tariffs", "",
               "{operator}: {offer}. Details: {support_phone}"),
    }),
    ("nps_invitation", SMS, SURVEY, {
        "ru": ("Приглашение в опрос NPS", "Раз в полгода, и через месяц после подключения",
               "", "{operator}: порекомендовали бы вы нас друзьям? Оцените от 0 до 10: {link}"),
        "en": ("NPS survey invitation", "Twice a year, and a month after connection", "",
               "{operator}: would you recommend us to a friend? Rate us from 0 to 10: {link}"),
    }),
    ("tv_survey_invitation", SMS, SURVEY, {
        "ru": ("Опрос о телеканалах", "Абонентам ТВ перед сменой пакетов каналов", "",
               "{operator}: какие каналы вы смотрите? Ответьте на 5 вопросов: {link}"),
        "en": ("TV channel survey", "TV subscribers before the channel packages change", "",
               "{operator}: which channels do you watch? Answer 5 questions: {link}"),
    }),
    ("debt_letter", EMAIL, DEBT, {
        "ru": ("Письмо о задолженности", "На 10 день просрочки, абонентам с e-mail",
               "Задолженность по счёту {account}",
               "Здравствуйте, {addressed}!\n\nЗадолженность по вашему лицевому счёту {account} "
               "составляет {debt} — пожалуйста, оплатите её до {due_date}: иначе услуги могут "
               "быть приостановлены в соответствии с договором.\n\nЕсли вы уже оплатили, не "
               "обращайте внимания на это письмо. Вопросы: {support_phone}.\n\n{operator}"),
        "en": ("Debt letter", "Day 10 overdue, to subscribers with an e-mail",
               "Amount owed on account {account}",
               "Hello {addressed},\n\nYour account {account} owes {debt}. Please pay it by "
               "{due_date}: otherwise the service may be suspended as your contract provides."
               "\n\nIf you have already paid, please ignore this letter. Questions: "
               "{support_phone}.\n\n{operator}"),
    }),
    ("welcome_letter", EMAIL, SERVICE, {
        "ru": ("Письмо новому абоненту", "Абонент подключён и оставил e-mail",
               "Добро пожаловать в {operator}",
               "Здравствуйте, {addressed}!\n\nВы подключены. Ваш лицевой счёт {account}, тариф "
               "«{tariff}», {fee} в месяц. Абонентская плата списывается в начале "
               "месяца.\n\nПоддержка круглосуточно: {support_phone}.\n\n{operator}"),
        "en": ("Welcome letter", "The subscriber is connected and gave an e-mail",
               "Welcome to {operator}",
               "Hello {addressed},\n\nYou are connected. Your account is {account}, tariff "
               "{tariff}, {fee} a month, charged at the start of each month.\n\nSupport "
               "around the clock: {support_phone}.\n\n{operator}"),
    }),
]
# fmt: on

# Texts that promise what only the operator's contract and practice can say: installed marked
# "adapt before use" (MessageTemplate.needs_review) until the operator saves an edit of them.
NEEDS_REVIEW = {
    "debt_suspension_warning",  # when a debt suspends the service
    "debt_suspended",  # that it comes back on its own once paid
    "debt_final_notice",  # what the contract allows after 30 days
    "debt_letter",  # the same, in a letter
    "planned_works",  # breaks of up to 2 hours
    "winback_offer",  # connected within a day
    "welcome_letter",  # support around the clock, the fee charged at the start of the month
}


def standard_templates(language: str | None = None) -> list[dict]:
    """The templates in `language` (ru or en; the site's language by default), as the keyword
    arguments of comms.services.template_create."""
    language = (language or settings.LANGUAGE_CODE)[:2]
    language = language if language in ("ru", "en") else "en"
    return [
        {
            "code": code,
            "channel": channel,
            "purpose": purpose,
            "name": texts[language][0],
            "trigger": texts[language][1],
            "subject": texts[language][2],
            "body": texts[language][3],
            "needs_review": code in NEEDS_REVIEW,
        }
        for code, channel, purpose, texts in TEMPLATES
    ]
