"""Reference data of the demo operator: branches, streets, people's names, tariffs and rates."""

from __future__ import annotations

from dataclasses import dataclass


def semicolons(text: str) -> tuple[str, ...]:
    """The items of a semicolon-separated list."""
    return tuple(text.split(";"))


# name, time zone, contract prefix, cities (the first is the branch's main city)
BRANCHES = (
    ("Тверской филиал", "Europe/Moscow", "ТВР", ("Тверь", "Конаково", "Кимры")),
    ("Самарский филиал", "Europe/Samara", "СМР", ("Самара", "Тольятти", "Сызрань")),
    ("Уральский филиал", "Asia/Yekaterinburg", "УРЛ", ("Екатеринбург", "Берёзовский", "Ревда")),
    ("Сибирский филиал", "Asia/Novosibirsk", "СИБ", ("Новосибирск", "Бердск", "Искитим")),
    ("Омский филиал", "Asia/Omsk", "ОМС", ("Омск", "Исилькуль")),
)
BRANCH_WEIGHTS = (1.0, 0.8, 0.7, 0.55, 0.4)
CITY_WEIGHTS = (0.68, 0.2, 0.12)
STREETS = semicolons(
    "ул. Ленина;ул. Советская;пр-т Мира;ул. Гагарина;ул. Пушкина;ул. Молодёжная;ул. Школьная;"
    "ул. Садовая;ул. Центральная;ул. Лесная;ул. Новая;ул. Набережная;ул. Октябрьская;"
    "ул. Первомайская;ул. Комсомольская;ул. Кирова;ул. Чкалова;ул. Строителей;пр-т Победы;"
    "ул. Заводская;ул. Зелёная;ул. Рабочая;ул. Юбилейная;ул. Маяковского;ул. Горького;"
    "ул. Чехова;ул. Лермонтова;ул. Калинина;ул. Свердлова;ул. Фрунзе;ул. Куйбышева;ул. Южная;"
    "ул. Северная;ул. Спортивная;ул. Космонавтов;ул. 8 Марта;ул. 50 лет Октября;пер. Почтовый;"
    "пер. Школьный;ул. Дзержинского;ул. Энгельса;ул. Карла Маркса;ул. Гоголя;ул. Суворова;"
    "ул. Некрасова;ул. Жукова;ул. Тургенева;ул. Титова;ул. Матросова;ул. Островского;"
    "б-р Победы;ул. Луначарского;ул. Красноармейская;ул. Пионерская;ул. Мичурина;ул. Полевая"
)
FLATS = (40, 45, 60, 72, 80, 90, 100, 108, 120, 144, 160, 180, 200, 216, 240, 270, 300)
FLATS_WEIGHTS = (6, 4, 9, 6, 9, 7, 8, 5, 8, 6, 5, 4, 3, 3, 2, 1, 1)
BLOCK_TECH = (("FTTB", 46), ("GPON", 28), ("DOCSIS", 8), ("ADSL", 4), ("CATV", 11), ("WIRELESS", 3))
HOUSE_TECH = (("GPON", 45), ("WIRELESS", 40), ("ADSL", 15))

MALE = (
    "Александр Алексей Андрей Антон Артём Борис Вадим Валерий Василий Виктор Виталий Владимир "
    "Владислав Вячеслав Геннадий Георгий Денис Дмитрий Евгений Егор Иван Игорь Илья Кирилл "
    "Константин Леонид Максим Михаил Никита Николай Олег Павел Роман Руслан Сергей Станислав "
    "Степан Юрий Ярослав"
).split()
FEMALE = (
    "Алла Алёна Анастасия Анна Валентина Валерия Вера Виктория Галина Дарья Евгения Екатерина "
    "Елена Елизавета Жанна Зоя Ирина Кристина Ксения Лариса Любовь Людмила Маргарита Марина "
    "Мария Надежда Наталья Нина Оксана Ольга Полина Светлана Софья Тамара Татьяна Юлия Яна"
).split()
PATRONYMICS = (
    "Александрович Алексеевич Андреевич Анатольевич Борисович Валентинович Валерьевич "
    "Васильевич Викторович Витальевич Владимирович Вячеславович Геннадьевич Георгиевич "
    "Григорьевич Дмитриевич Евгеньевич Иванович Игоревич Ильич Константинович Леонидович "
    "Михайлович Николаевич Олегович Павлович Петрович Романович Сергеевич Степанович "
    "Фёдорович Юрьевич Яковлевич"
).split()
SURNAMES = (
    "Иванов Смирнов Кузнецов Попов Васильев Петров Соколов Михайлов Новиков Фёдоров Морозов "
    "Волков Алексеев Лебедев Семёнов Егоров Павлов Козлов Степанов Николаев Орлов Андреев "
    "Макаров Никитин Захаров Зайцев Соловьёв Борисов Яковлев Григорьев Романов Воробьёв "
    "Сергеев Кузьмин Фролов Александров Дмитриев Королёв Гусев Киселёв Ильин Максимов Поляков "
    "Сорокин Виноградов Ковалёв Белов Медведев Антонов Тарасов Жуков Баранов Филиппов Комаров "
    "Давыдов Беляев Герасимов Богданов Осипов Сидоров Матвеев Титов Марков Миронов Крылов "
    "Куликов Карпов Власов Мельников Денисов Гаврилов Тихонов Казаков Афанасьев Данилов "
    "Савельев Тимофеев Фомин Чернов Абрамов Мартынов Ефимов Федотов Щербаков Назаров Калинин "
    "Исаев Быков Маслов Родионов Коновалов Лазарев Воронин Климов Филатов Пономарёв Голубев "
    "Кудрявцев Прохоров Наумов Потапов Журавлёв Овчинников Трофимов Леонов Соболев Ермаков "
    "Колесников Гончаров Емельянов Никифоров Грачёв Котов Гришин Ефремов Архипов Громов "
    "Кириллов Малышев Панов Моисеев Румянцев Акимов Кондратьев Бирюков Горбунов Анисимов "
    "Тихомиров Галкин Лукьянов Михеев Скворцов Юдин Белоусов Нестеров Симонов Покровский "
    "Вишневский Островский Шевчук Ткаченко Бондаренко Коваленко Кравченко Мельник Черных Седых"
).split()
COMPANY_WORDS = (
    "Вектор Альфа Гарант Меридиан Прогресс Импульс Авангард Сфера Ресурс Регион Капитал Феникс "
    "Орион Эталон Партнёр Сигма Профиль Монолит Спектр Полюс Восход Континент Магистраль Радуга "
    "Стройсервис Автоцентр Техноком Агрокомплекс Медиагрупп Лидер"
).split()
MAIL_DOMAINS = ("mail.ru",) * 8 + ("yandex.ru",) * 5 + ("gmail.com",) * 3 + ("bk.ru", "list.ru")
# Mobile codes of Russian operators that phonenumbers accepts as valid.
MOBILE_CODES = (*range(900, 930), 950, 951, 952, 953, 958, *range(960, 970), *range(977, 1000))


@dataclass(frozen=True)
class TariffPlan:
    name: str
    techs: tuple[str, ...]
    internet: int  # the internet part of the monthly fee, kopecks
    tv: int  # the TV part, kopecks
    weight: float  # popularity among new connections
    legacy: float  # popularity among the base connected before the window
    launch: float  # when sales start, as a fraction of the window
    retire: float  # when sales stop and its subscribers move to the successor (0: never)
    successor: str
    upgrades: tuple[str, ...]  # where its subscribers move when they want more


# name | technologies | internet, TV fee (RUB) | weight new, old | launch, retire | successor |
# upgrades (comma-separated)
TARIFF_TABLE = """
Старт 50          | FTTB DOCSIS      | 450  0   | .12 .35 | 0  .35 | Домашний 100 | Домашний 100
Домашний 100      | FTTB GPON DOCSIS | 550  0   | .38 .30 | 0  0   |              | Скоростной 300, Домашний 100 + ТВ
Скоростной 300    | FTTB GPON        | 750  0   | .25 .15 | 0  0   |              | Гигабит
Гигабит           | GPON             | 1190 0   | .15 0   | .5 0   |              |
Домашний 100 + ТВ | FTTB GPON DOCSIS | 600  250 | .20 .15 | 0  0   |              | Скоростной 300
ADSL 16           | ADSL             | 490  0   | 1   1   | 0  0   |              |
Беспроводной 30   | WIRELESS         | 690  0   | 1   1   | 0  0   |              |
ТВ Социальный     | CATV             | 0    190 | .30 .50 | 0  .65 | ТВ Базовый   | ТВ Базовый
ТВ Базовый        | CATV             | 0    350 | .70 .50 | 0  0   |              |
Бизнес 200        | FTTB GPON        | 1500 0   | 0   0   | 0  0   |              |
"""  # noqa: E501


def _tariffs(table: str) -> tuple[TariffPlan, ...]:
    plans = []
    for line in table.strip().splitlines():
        name, techs, fees, weights, phase, successor, upgrades = (
            c.strip() for c in line.split("|")
        )
        internet, tv = (int(fee) * 100 for fee in fees.split())
        weight, legacy = (float(w) for w in weights.split())
        launch, retire = (float(p) for p in phase.split())
        upgrades = tuple(u.strip() for u in upgrades.split(",") if u.strip())
        plans.append(
            TariffPlan(name, tuple(techs.split()), internet, tv, weight, legacy, launch, retire,
                       successor, upgrades)
        )  # fmt: skip
    return tuple(plans)


TARIFFS = _tariffs(TARIFF_TABLE)
BUSINESS = len(TARIFFS) - 1  # companies in FTTB/GPON buildings take it
INTERNET, TV, RENT = "Интернет", "Телевидение", "Аренда оборудования"
STATIC_IP, RECALC = "Статический IP", "Перерасчёт"
RENT_FEE, STATIC_IP_FEE = 15000, 20000

# Monthly churn hazard by tenure in months (0…24+), before the season factor.
TENURE_HAZARD = (0.03, 0.045, 0.045, 0.03, 0.03, 0.03) + (0.017,) * 6 + (0.012,) * 12 + (0.009,)
CHURN_SEASON = (0.9, 0.9, 1.0, 1.0, 1.1, 1.35, 1.4, 1.3, 1.0, 0.9, 0.9, 0.95)
CONNECT_SEASON = (0.8, 0.85, 0.95, 0.95, 0.85, 0.75, 0.75, 0.95, 1.35, 1.4, 1.25, 1.0)
# Voluntary suspensions (holidays, summer at the dacha) starting in a calendar month, per mille.
SUSPEND_SEASON = (3, 3, 3, 4, 8, 14, 12, 8, 3, 3, 3, 4)
CONNECT_RATE = 0.022  # new connections a month, as a share of the base at the window's start
TENURE_MEAN, TENURE_MAX = 45.0, 156.0  # months, of the base connected before the window

# How a subscriber pays; PROFILE_SHARES are the cumulative shares of the first five among persons.
REGULAR, PREPAY, LATE, ERRATIC, DEFAULTER, NEVER, COMPANY = range(7)
PROFILE_SHARES = (0.55, 0.67, 0.82, 0.9, 0.965)
CASH, CARD, BANK, TERMINAL, ONLINE = range(5)
# A preferred payment method is drawn from these 32 (five bits); payments are rounded up to a
# step of the holder's (kopecks).
METHOD_DRAWS = (CASH,) * 7 + (CARD,) * 6 + (TERMINAL,) * 5 + (ONLINE,) * 12 + (BANK,) * 2
PAY_STEPS = (1, 1000, 10000, 10000, 5000, 10000, 1000, 10000)
PREPAY_MONTHS = (2, 2, 5, 11)  # how far ahead a prepayer pays
ERRATIC_AMOUNTS = (30000, 50000, 50000, 100000, 100000, 150000, 200000, 70000)
# Weights of the hour of a payment: at an office or a terminal, and online (in the evening).
OFFICE_HOURS = (0, 0, 0, 0, 0, 0, 0, 1, 4, 7, 8, 8, 8, 8, 8, 8, 8, 8, 7, 5, 3, 1, 0, 0)
EVENING_HOURS = (1, 1, 0, 0, 0, 0, 1, 2, 3, 4, 4, 4, 5, 5, 5, 5, 5, 6, 7, 8, 8, 7, 5, 3)
