"""A deterministic generator of a realistic Internet / cable-TV operator, written as billing export
files in the canonical import format or shaped like a UTM5 or LANBilling export."""

from __future__ import annotations

import calendar
import csv
import io
import math
import multiprocessing
import os
import random
import zoneinfo
from bisect import bisect_right
from collections.abc import Callable
from dataclasses import dataclass, replace
from datetime import date, datetime
from itertools import accumulate
from pathlib import Path


def _names(text: str) -> tuple[str, ...]:
    return tuple(text.split(";"))


FLAVORS = ("canonical", "utm5", "lanbilling")
KINDS = ("branches", "buildings", "subscribers", "charges", "payments")
# Accounts per unit of work. Fixed, so the output does not depend on the number of workers.
CHUNK = 2000

COLUMNS = {
    "branches": _names("name;time_zone;currency"),
    "buildings": _names("branch;city;street;house;flats;technology;ports;coverage_since"),
    "subscribers": _names(
        "account;full_name;phone;email;kind;branch;city;street;house;flat;technology;tariff;"
        "monthly_fee;status;connected_on;terminated_on;balance;"
        "contract_no;birth_date;has_router;credit_limit"  # the extra attributes
    ),
    "charges": _names("account;period;service;tariff;amount"),
    "payments": _names("account;paid_at;amount;method"),
}
STATUSES = ("active", "suspended", "terminated")
METHODS = ("cash", "card", "bank", "terminal", "online", "other")

# -- reference data ---------------------------------------------------------------------------

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
STREETS = _names(
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
TRANSLIT = dict(
    zip(
        "абвгдеёжзийклмнопрстуфхцчшщъыьэюя",
        "a b v g d e e zh z i y k l m n o p r s t u f kh ts ch sh shch  y  e yu ya".split(" "),
        strict=True,
    )
)


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

# -- flavors ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Flavor:
    """How one billing system shapes its export: files, headers, formats and code values."""

    slug: str
    name: str
    encoding: str
    delimiter: str
    eol: str
    decimal_comma: bool
    date_format: str
    datetime_format: str  # the date format, a separator, then the time
    period_format: str
    files: tuple[str, ...]  # file names, in KINDS order
    headers: dict[str, tuple[str, ...]]  # kind → source column names, in COLUMNS order
    statuses: tuple[str, ...]  # in STATUSES order
    methods: tuple[str, ...]  # in METHODS order
    yes_no: tuple[str, str]
    online_in_moscow_time: bool = False  # online payments carry an explicit +03:00 offset

    def file(self, kind: str) -> str:
        return self.files[KINDS.index(kind)]

    def mapping(self) -> dict:
        """The ImportMapping (as its JSON fields) that turns this export into canonical rows."""
        return {
            "slug": self.slug,
            "name": self.name,
            "encoding": self.encoding,
            "delimiter": self.delimiter,
            "decimal_comma": self.decimal_comma,
            "date_format": self.date_format,
            "datetime_format": self.datetime_format,
            "period_format": self.period_format,
            "files": {kind: self.file(kind).replace(".", "*.") for kind in KINDS},
            "columns": {
                kind: dict(zip(self.headers[kind], COLUMNS[kind], strict=True)) for kind in KINDS
            },
            "status_values": dict(zip(self.statuses, STATUSES, strict=True)),
            "method_values": dict(zip(self.methods, METHODS, strict=True)),
        }


# fmt: off
FLAVOR_SPECS = {
    "canonical": Flavor(
        slug="canonical", name="Canonical format", encoding="utf-8", delimiter=",", eol="\n",
        decimal_comma=False, date_format="%Y-%m-%d", datetime_format="%Y-%m-%d %H:%M:%S",
        period_format="%Y-%m", files=tuple(f"{kind}.csv" for kind in KINDS), headers=COLUMNS,
        statuses=STATUSES, methods=METHODS, yes_no=("true", "false"), online_in_moscow_time=True,
    ),
    "utm5": Flavor(
        slug="utm5", name="UTM5 (NetUP), CSV export", encoding="cp1251", delimiter=";",
        eol="\r\n", decimal_comma=True, date_format="%d.%m.%Y", datetime_format="%d.%m.%Y %H:%M",
        period_format="%m.%Y",
        files=_names("filialy.csv;doma.csv;abonents.csv;nachisleniya.csv;platezhi.csv"),
        headers={
            "branches": _names("Филиал;Часовой пояс;Валюта"),
            "buildings": _names(
                "Филиал;Город;Улица;Дом;Квартир;Технология;Портов;Дата подключения дома"
            ),
            "subscribers": _names(
                "Лицевой счет;ФИО;Телефон;E-mail;Тип абонента;Филиал;Город;Улица;Дом;Квартира;"
                "Технология;Тариф;Абонплата;Статус;Дата подключения;Дата отключения;Баланс;"
                "Номер договора;Дата рождения;Роутер;Кредитный лимит"
            ),
            "charges": _names("Лицевой счет;Период;Услуга;Тариф;Сумма"),
            "payments": _names("Лицевой счет;Дата платежа;Сумма;Способ оплаты"),
        },
        statuses=_names("Активен;Приостановлен;Расторгнут"),
        methods=_names(
            "Касса;Банковская карта;Безналичный расчет;Платежный терминал;Интернет-эквайринг;Прочее"
        ),
        yes_no=("да", "нет"),
    ),
    "lanbilling": Flavor(
        slug="lanbilling", name="LANBilling, CSV export", encoding="utf-8-sig", delimiter="\t",
        eol="\n", decimal_comma=False, date_format="%Y-%m-%d",
        datetime_format="%Y-%m-%dT%H:%M:%S", period_format="%Y-%m-%d",
        files=_names(
            "lb_branches.csv;lb_buildings.csv;lb_agreements.csv;lb_charges.csv;lb_payments.csv"
        ),
        headers={
            "branches": _names("branch_name;tz;currency"),
            "buildings": _names(
                "branch_name;city;street;building;flats_count;tech;ports_count;connected_date"
            ),
            "subscribers": _names(
                "agrm_num;name;mobile;email;user_type;branch_name;city;street;building;flat;tech;"
                "tarif_name;rent;agrm_state;agrm_date;close_date;balance;"
                "contract;birthday;router;credit"
            ),
            "charges": _names("agrm_num;period_date;service_name;tarif_name;amount"),
            "payments": _names("agrm_num;pay_date;amount;pay_class"),
        },
        statuses=("0", "1", "2"),
        methods=_names("cash_desk;card;bank_transfer;terminal;web;other"),
        yes_no=("true", "false"),
    ),
}
# fmt: on


def mapping_path(flavor: str) -> Path:
    return Path(__file__).resolve().parent / "mappings" / f"{flavor}.json"


# -- the operator's world: calendar, branches, tariffs, buildings -------------------------------


def _month_add(year: int, month: int, k: int) -> tuple[int, int]:
    t = year * 12 + month - 1 + k
    return t // 12, t % 12 + 1


def default_end(today: date | None = None) -> date:
    """The last complete month before today."""
    today = today or date.today()
    year, month = _month_add(today.year, today.month, -1)
    return date(year, month, 1)


@dataclass(frozen=True)
class Building:
    branch: int
    city: str
    street: str
    house: str
    flats: int
    tech: str
    ports: int
    coverage: int  # date ordinal


def _ports(tech: str, flats: int) -> int:
    """Ports a building of this technology is built with: switches of 24, GPON splitters of 8."""
    if tech == "FTTB":
        return -(-flats * 7 // 10 // 24) * 24
    if tech == "GPON":
        return -(-flats // 8) * 8
    if tech == "ADSL":
        return -(-flats // 4 // 16) * 16
    return flats // 3 if tech == "DOCSIS" else 0


class World:
    """Everything shared by all accounts, derived from (subscribers, months, seed, end) only."""

    def __init__(self, subscribers: int, months: int, seed: int, end: date):
        if subscribers < 1 or months < 1:
            raise ValueError("subscribers and months must be positive")
        self.n, self.months, self.seed = subscribers, months, seed
        rng = random.Random(seed)
        self.start = _month_add(end.year, end.month, 1 - months)
        self.month_ym = [_month_add(*self.start, k) for k in range(months)]
        self.day0 = date(*self.start, 1).toordinal()
        self.dim = [calendar.monthrange(y, m)[1] for y, m in self.month_ym]
        self.month_start = [0, *accumulate(self.dim)][:-1]
        self.ndays = sum(self.dim)
        self.month_of_day = [m for m in range(months) for _ in range(self.dim[m])]

        count = 3 + rng.randrange(3)
        self.branches = []
        for name, tz, prefix, cities in BRANCHES[:count]:
            offset = datetime(*self.start, 15, tzinfo=zoneinfo.ZoneInfo(tz)).utcoffset()
            self.branches.append((name, tz, prefix, cities, int(offset.total_seconds()) // 3600))

        self._plan_tariffs()
        self._plan_connections()
        self._plan_buildings(rng)

        # Small lookup tables so the account loop draws from them with one call.
        self.pay_days = rng.choices(
            range(1, 29),
            [3 if d <= 10 else 2 if 18 <= d <= 25 else 1 for d in range(1, 29)],
            k=256,
        )
        hours = range(24)
        office = [0, 0, 0, 0, 0, 0, 0, 1, 4, 7, 8, 8, 8, 8, 8, 8, 8, 8, 7, 5, 3, 1, 0, 0]
        evening = [1, 1, 0, 0, 0, 0, 1, 2, 3, 4, 4, 4, 5, 5, 5, 5, 5, 6, 7, 8, 8, 7, 5, 3]
        self.office_times = [
            (h, rng.randrange(60), rng.randrange(60)) for h in rng.choices(hours, office, k=256)
        ]
        self.online_times = []
        for *_, utc_hours in self.branches:
            shift = utc_hours - 3
            weights = [w if h >= shift else 0 for h, w in zip(hours, evening, strict=True)]
            self.online_times.append(
                [
                    (h, rng.randrange(60), rng.randrange(60), shift)
                    for h in rng.choices(hours, weights, k=256)
                ]
            )

    def _plan_tariffs(self) -> None:
        months = self.months
        names = [t.name for t in TARIFFS]
        self.t_from, self.t_to = [], []
        for t in TARIFFS:
            phased = months >= 6
            self.t_from.append(round(months * t.launch) if phased and t.launch else 0)
            self.t_to.append(max(1, round(months * t.retire)) if phased and t.retire else months)
        self.t_successor = [names.index(t.successor) if t.successor else -1 for t in TARIFFS]
        self.t_upgrades = [tuple(names.index(u) for u in t.upgrades) for t in TARIFFS]
        techs = [tech for tech, _w in BLOCK_TECH]

        def table(tech: str, month: int, legacy: bool) -> tuple[list[int], list[float]]:
            idx = [
                k
                for k, t in enumerate(TARIFFS)
                if tech in t.techs
                and self.t_from[k] <= month < self.t_to[k]
                and (t.legacy if legacy else t.weight) > 0
            ]
            weights = [TARIFFS[k].legacy if legacy else TARIFFS[k].weight for k in idx]
            return idx, list(accumulate(weights))

        self.t_new = {tech: [table(tech, m, False) for m in range(months)] for tech in techs}
        self.t_legacy = {tech: table(tech, 0, True) for tech in techs}

    def _plan_connections(self) -> None:
        season = [
            CONNECT_SEASON[m - 1] * (1 + 0.004 * k) for k, (_y, m) in enumerate(self.month_ym)
        ]
        total = sum(season)
        self.pre = max(1, min(self.n, round(self.n / (1 + CONNECT_RATE * total))))
        new = self.n - self.pre
        self.conn_cum = [round(new * s / total) for s in accumulate(season)]
        self._tenure_k = 1 - math.exp(-TENURE_MAX / TENURE_MEAN)

    def connected_ordinal(self, i: int) -> int:
        """Account i's connection date; account numbers grow with it."""
        if i < self.pre:
            x = 1 - (i + 0.5) / self.pre
            tenure = -TENURE_MEAN * math.log(1 - x * self._tenure_k)
            return self.day0 - 1 - int(tenure * 30.4375)
        j = i - self.pre
        m = bisect_right(self.conn_cum, j)
        before = self.conn_cum[m - 1] if m else 0
        count = self.conn_cum[m] - before
        return self.day0 + self.month_start[m] + (j - before) * self.dim[m] // count

    def _plan_buildings(self, rng: random.Random) -> None:
        n_buildings = max(8, math.ceil(self.n / 30))
        bw = BRANCH_WEIGHTS[: len(self.branches)]
        places: dict[tuple[int, int], int] = {}
        for _ in range(n_buildings):
            b = rng.choices(range(len(bw)), bw)[0]
            c = rng.choices(
                range(len(self.branches[b][3])), CITY_WEIGHTS[: len(self.branches[b][3])]
            )[0]
            places[b, c] = places.get((b, c), 0) + 1
        self.buildings: list[Building] = []
        for (b, c), count in sorted(places.items()):
            streets = [*STREETS[:3], *rng.sample(STREETS[3:], len(STREETS) - 3)]
            street_w = [1 / (k + 1) ** 0.8 for k in range(len(streets))]
            numbers: dict[str, tuple[int, int]] = {}
            for _ in range(count):
                street = rng.choices(streets, street_w)[0]
                number, corpus = numbers.get(street, (0, 0))
                if corpus and rng.random() < 0.5:
                    corpus += 1
                    house = f"{number}к{corpus}"
                else:
                    number += 1 + (rng.randrange(4) if rng.random() < 0.3 else 0)
                    r = rng.random()
                    corpus = 1 if r < 0.1 else 0
                    house = f"{number}к1" if corpus else f"{number}А" if r > 0.95 else str(number)
                numbers[street] = number, corpus
                if rng.random() < 0.15:
                    flats, tech = 1, rng.choices(*zip(*HOUSE_TECH, strict=True))[0]
                    ports = 1
                else:
                    flats = rng.choices(FLATS, FLATS_WEIGHTS)[0]
                    tech = rng.choices(*zip(*BLOCK_TECH, strict=True))[0]
                    ports = _ports(tech, flats)
                city = self.branches[b][3][c]
                self.buildings.append(Building(b, city, street, house, flats, tech, ports, 0))
        # Coverage grows ahead of the base: the k-th building (in coverage order) is covered
        # a little before the account at the same quantile connects.
        order = list(range(len(self.buildings)))
        rng.shuffle(order)
        nb = len(order)
        for rank, b in enumerate(order):
            cov = self.connected_ordinal(int(rank / nb * self.n * 0.9)) - rng.randint(30, 700)
            self.buildings[b] = replace(self.buildings[b], coverage=cov)
        by_cov = sorted(range(nb), key=lambda b: (self.buildings[b].coverage, b))
        self.cov_sorted = [self.buildings[b].coverage for b in by_cov]
        self.cov_building = by_cov
        # Private houses hold a few accounts over the years (owners change, TV + internet).
        self.cov_cumw = list(
            accumulate(
                self.buildings[b].flats if self.buildings[b].flats > 1 else 6 for b in by_cov
            )
        )


# -- formatting tables per flavor ---------------------------------------------------------------


class Tables:
    """Pre-formatted strings of one flavor, so writing a row is a few concatenations."""

    def __init__(self, world: World, flavor: Flavor):
        self.flavor = flavor
        self.sep, self.eol = flavor.delimiter, flavor.eol
        dates = [date.fromordinal(world.day0 + k) for k in range(world.ndays)]
        self.dates = [d.strftime(flavor.date_format) for d in dates]
        self.periods = [date(y, m, 1).strftime(flavor.period_format) for y, m in world.month_ym]
        # every datetime format here is the date format, a separator, then the time
        dt_sep = flavor.datetime_format[len(flavor.date_format) :].split("%H")[0]
        seconds = "%S" in flavor.datetime_format

        def clock(h: int, mi: int, s: int) -> str:
            return f"{dt_sep}{h:02d}:{mi:02d}:{s:02d}" if seconds else f"{dt_sep}{h:02d}:{mi:02d}"

        self.office_times = [clock(*t) for t in world.office_times]
        self.online_times = []
        for table in world.online_times:
            if flavor.online_in_moscow_time:
                self.online_times.append(
                    [clock(h - shift, mi, s) + "+03:00" for h, mi, s, shift in table]
                )
            else:
                self.online_times.append([clock(h, mi, s) for h, mi, s, _shift in table])
        self.methods = flavor.methods
        self.statuses = flavor.statuses
        self.point = "," if flavor.decimal_comma else "."
        self._money: dict[int, str] = {}
        self._suffix: dict[tuple[str, str, int], str] = {}

    def money(self, kop: int) -> str:
        text = self._money.get(kop)
        if text is None:
            a = -kop if kop < 0 else kop
            text = f"{'-' if kop < 0 else ''}{a // 100}{self.point}{a % 100:02d}"
            if len(self._money) < 200_000:
                self._money[kop] = text
        return text

    def suffix(self, service: str, tariff: str, kop: int) -> str:
        """The end of a charge row after the period: service, tariff, amount, line end."""
        key = (service, tariff, kop)
        text = self._suffix.get(key)
        if text is None:
            s = self.sep
            text = self._suffix[key] = f"{s}{service}{s}{tariff}{s}{self.money(kop)}{self.eol}"
        return text

    def date(self, ordinal: int) -> str:
        return date.fromordinal(ordinal).strftime(self.flavor.date_format)


# -- people -------------------------------------------------------------------------------------


def _translit(text: str) -> str:
    return "".join(TRANSLIT.get(ch, ch) for ch in text.lower())


def _female_surname(name: str) -> str:
    if name.endswith(("ов", "ев", "ёв", "ин", "ын")):
        return name + "а"
    if name.endswith("ский"):
        return name[:-2] + "ая"
    return name


def _female_patronymic(name: str) -> str:
    return "Ильинична" if name == "Ильич" else name[:-3] + "вна"


PHONE_FORMS = (
    lambda c, n: f"+7 {c} {n[:3]}-{n[3:5]}-{n[5:]}",
    lambda c, n: f"+7 {c} {n[:3]}-{n[3:5]}-{n[5:]}",
    lambda c, n: f"8 ({c}) {n[:3]}-{n[3:5]}-{n[5:]}",
    lambda c, n: f"8{c}{n}",
    lambda c, n: f"8{c}{n}",
    lambda c, n: f"+7{c}{n}",
    lambda c, n: f"+7{c}{n}",
    lambda c, n: f"{c}{n}",
    lambda c, n: f"8-{c}-{n[:3]}-{n[3:5]}-{n[5:]}",
    lambda c, n: f"+7 ({c}) {n[:3]}-{n[3:5]}-{n[5:]}",
)


def _phone(rng: random.Random) -> str:
    code = MOBILE_CODES[rng.randrange(len(MOBILE_CODES))]
    return PHONE_FORMS[rng.randrange(len(PHONE_FORMS))](code, f"{rng.randrange(10**7):07d}")


def _holder(
    rng: random.Random, company: bool, connected: int, tables: Tables
) -> tuple[str, str, str, str]:
    """The account holder: full name, phones, e-mail and birth date (as the flavor writes it)."""
    rnd, bits = rng.random, rng.getrandbits
    if company:
        word = COMPANY_WORDS[bits(5) % len(COMPANY_WORDS)]
        r = rnd()
        if r < 0.45:
            full_name = f"ООО «{word}»"
        elif r < 0.6:
            full_name = f'ООО "{word}-Сервис"'
        elif r < 0.7:
            full_name = f"АО «{word}»"
        else:
            full_name = (
                f"ИП {SURNAMES[bits(8) % len(SURNAMES)]} {MALE[bits(6) % len(MALE)]} "
                f"{PATRONYMICS[bits(5) % len(PATRONYMICS)]}"
            )
        email = f"info@{_translit(word)}{bits(7)}.ru" if rnd() < 0.8 else ""
        birth = ""
    else:
        surname = SURNAMES[bits(8) % len(SURNAMES)]
        patronymic = PATRONYMICS[bits(5) % len(PATRONYMICS)]
        if rnd() < 0.53:
            first = FEMALE[bits(6) % len(FEMALE)]
            surname, patronymic = _female_surname(surname), _female_patronymic(patronymic)
        else:
            first = MALE[bits(6) % len(MALE)]
        full_name = f"{surname} {first} {patronymic}"
        birth = tables.date(connected - 365 * (19 + int(rnd() * 55)) - bits(8))
        email = ""
        if rnd() < 0.35:
            domain = MAIL_DOMAINS[bits(5) % len(MAIL_DOMAINS)]
            email = f"{_translit(first)[0]}.{_translit(surname)}{bits(10)}@{domain}"
    r = rnd()
    phone = "" if r < 0.03 else _phone(rng)
    if r > 0.92:
        phone = f"{phone}; {_phone(rng)}"
    return full_name, phone, email, birth


# -- the accounts -------------------------------------------------------------------------------


@dataclass
class ChunkResult:
    subscribers: bytes
    charges: bytes
    payments: bytes
    rows: tuple[int, int, int]


def simulate_chunk(world: World, tables: Tables, chunk: int) -> ChunkResult:
    """Accounts [chunk·CHUNK, …) month by month: their subscriber rows, charges and payments.

    Every random draw is the same whatever the flavor, so all flavors carry the same data."""
    rng = random.Random(world.seed * 1_000_003 + chunk + 1)
    rnd, bits = rng.random, rng.getrandbits
    lo, hi = chunk * CHUNK, min(world.n, (chunk + 1) * CHUNK)
    months, day0, dim_of, mstart = world.months, world.day0, world.dim, world.month_start
    ndays, month_of_day = world.ndays, world.month_of_day
    cov_sorted, cov_cumw, cov_building = world.cov_sorted, world.cov_cumw, world.cov_building
    t_to, t_from, succ, upgrades = world.t_to, world.t_from, world.t_successor, world.t_upgrades
    pay_days = world.pay_days
    S, EOL = tables.sep, tables.eol
    dates, periods, office_times = tables.dates, tables.periods, tables.office_times
    money, suffix, meth_names = tables.money, tables.suffix, tables.methods
    statuses, yes_no = tables.statuses, tables.flavor.yes_no
    hazard = [[h * CHURN_SEASON[mo - 1] for h in TENURE_HAZARD] for _y, mo in world.month_ym]
    vol_start = [SUSPEND_SEASON[mo - 1] / 1000 for _y, mo in world.month_ym]
    # profile → preferred payment method table (32 draws)
    methods_table = [CASH] * 7 + [CARD] * 6 + [TERMINAL] * 5 + [ONLINE] * 12 + [BANK] * 2
    steps = (1, 1000, 10000, 10000, 5000, 10000, 1000, 10000)  # rounding of a payment, kopecks
    credits = (0, 0, 0, 0, 0, 10000, 30000, 50000)
    prepay_months = (2, 2, 5, 11)
    erratic = (30000, 50000, 50000, 100000, 100000, 150000, 200000, 70000)

    charges: list[str] = []
    payments: list[str] = []
    cadd, padd = charges.append, payments.append
    subs_out = io.StringIO()
    subs_row = csv.writer(subs_out, delimiter=S, lineterminator=EOL).writerow
    bundles: dict[tuple[int, bool, bool], tuple] = {}

    def bundle(t: int, ip: bool, rent: bool) -> tuple:
        """Charges of a month: (row suffixes, total, [(service, fee)]) when active, then the
        same three for a suspended month (only the equipment rent goes on)."""
        key = (t, ip, rent)
        if key not in bundles:
            plan = TARIFFS[t]
            parts = [
                (INTERNET, plan.internet),
                (TV, plan.tv),
                (STATIC_IP, STATIC_IP_FEE if ip else 0),
                (RENT, RENT_FEE if rent else 0),
            ]
            parts = [(s, fee) for s, fee in parts if fee]
            bundles[key] = (
                [suffix(s, plan.name, fee) for s, fee in parts],
                sum(fee for _s, fee in parts),
                parts,
                [suffix(RENT, plan.name, RENT_FEE)] if rent else [],
                RENT_FEE if rent else 0,
                [(RENT, RENT_FEE)] if rent else [],
            )
        return bundles[key]

    def pay(acc_p: str, off: int, kop: int, meth: int, online: list[str]) -> None:
        clock = online[bits(8)] if meth == ONLINE else office_times[bits(8)]
        padd(f"{acc_p}{dates[off]}{clock}{S}{money(kop)}{S}{meth_names[meth]}{EOL}")

    def round_up(kop: int, step: int) -> int:
        return -(-kop // step) * step

    for i in range(lo, hi):
        # -- who, where, since when
        conn_ord = world.connected_ordinal(i)
        k = bisect_right(cov_sorted, conn_ord)
        bl = world.buildings[
            cov_building[bisect_right(cov_cumw, rnd() * cov_cumw[k - 1], 0, k - 1)]
        ]
        br_name, _tz, br_prefix, _cities, _utc = world.branches[bl.branch]
        online = tables.online_times[bl.branch]
        tech = bl.tech
        r = rnd()
        company = r < 0.025 and bl.flats > 1
        if r > 0.9 and tech in ("FTTB", "GPON", "DOCSIS"):
            tech = "CATV"
        if conn_ord >= day0:
            off0 = conn_ord - day0
            conn_m = month_of_day[off0]
            conn_day = off0 - mstart[conn_m] + 1
            conn_text = dates[off0]
            conn_year = world.month_ym[conn_m][0]
        else:
            cd = date.fromordinal(conn_ord)
            conn_m = (cd.year * 12 + cd.month) - (world.start[0] * 12 + world.start[1])
            conn_day = cd.day
            conn_text = tables.date(conn_ord)
            conn_year = cd.year
        first_m = conn_m if conn_m > 0 else 0
        if company and tech in ("FTTB", "GPON"):
            t = BUSINESS
        else:
            idx, cum = world.t_legacy[tech] if conn_m < 0 else world.t_new[tech][conn_m]
            t = idx[bisect_right(cum, rnd() * cum[-1], 0, len(cum) - 1)]
        r = rnd()
        rent = r < 0.16 and not company
        ip = (company and r < 0.7) or (r > 0.985 and tech != "CATV")
        router = rent or (tech != "CATV" and rnd() < 0.55)
        r = rnd()
        prof = COMPANY if company else bisect_right(PROFILE_SHARES, rnd())
        if prof == NEVER and conn_m < 0:
            prof = DEFAULTER  # they left before the window
        stop_m = first_m + int(rnd() * (months + 6)) if prof == DEFAULTER else months
        pref = BANK if company else methods_table[bits(5)]
        step = 10000 if company else steps[bits(3)]
        credit = 100000 * (1 + bits(2)) if company else credits[bits(3)]
        # A few of the old base enter the window already cut off for a debt run up before it.
        cut_off = conn_m < 0 and prof == DEFAULTER and rnd() < 0.12
        if cut_off:
            stop_m = 0

        acc = f"{bl.branch + 1}{i + 1:07d}"
        acc_p = acc + S
        full_name, phone, email, birth = _holder(rng, company, conn_ord, tables)

        # -- the months of the window
        full, full_total, parts, rent_sfx, rent_fee, rent_parts = bundle(t, ip, rent)
        due = full_total
        bal = 0
        vol = debt = 0
        if cut_off:
            debt = bits(2) % 3
        elif conn_m < 0 and rnd() < 0.006:
            vol = 1 + bits(1)  # already on a voluntary pause when the window opens
        term_off = -1
        suspended = False
        if conn_m >= 0 and prof != NEVER and rnd() < 0.45:
            off = conn_ord - day0 - bits(3) % 6  # paid at the office before the installation
            if off >= 0:
                amt = round_up(due, step)
                pay(acc_p, off, amt, pref if rnd() < 0.8 else CASH, online)
                bal += amt
        elif conn_m < 0 and prof == ERRATIC:
            # Irregular payers of the old base are each at their own point of the cycle; a
            # first payment of 0…4 months spreads them, or they would all fall behind at once.
            amt = round_up(due * bits(2) + erratic[bits(3)], step)
            pay(acc_p, pay_days[bits(8)] - 1, amt, pref, online)
            bal += amt
        for m in range(first_m, months):
            dim, mst = dim_of[m], mstart[m]
            d0 = conn_day if m == conn_m else 1
            tenure = m - conn_m
            if m >= t_to[t]:
                t = succ[t]
                full, full_total, parts, rent_sfx, rent_fee, rent_parts = bundle(t, ip, rent)
                due = full_total
            elif tenure >= 3 and not suspended and rnd() < 0.006:
                options = [
                    u for u in upgrades[t] if tech in TARIFFS[u].techs and t_from[u] <= m < t_to[u]
                ]
                if options:
                    t = options[bits(4) % len(options)]
                    full, full_total, parts, rent_sfx, rent_fee, rent_parts = bundle(t, ip, rent)
                    due = full_total
            # the status during the month
            if vol == 0 and (cut_off or bal < -(due - rent_fee + credit)):
                debt += 1
            else:
                debt = 0
            term_day = 0
            if debt >= 3:
                term_day = d0 + int(rnd() * min(10, dim - d0 + 1))
            else:
                if vol == 0 and debt == 0 and not company and rnd() < vol_start[m]:
                    vol = 1 + bits(2) % 3
                if rnd() < hazard[m][tenure if tenure < 24 else 24] * (0.5 if company else 1):
                    term_day = d0 + int(rnd() * (dim - d0 + 1))
            suspended = vol > 0 or debt > 0
            # charges
            head = acc_p + periods[m]
            if debt >= 3:
                pass  # cut off for debt: nothing more is charged
            elif d0 == 1 and not term_day:
                for sfx in rent_sfx if suspended else full:
                    cadd(head + sfx)
                bal -= rent_fee if suspended else full_total
            else:
                days = (term_day or dim) - d0 + 1
                tname = TARIFFS[t].name
                for service, fee in rent_parts if suspended else parts:
                    amt = fee * days // dim
                    if amt:
                        cadd(f"{head}{S}{service}{S}{tname}{S}{money(amt)}{EOL}")
                        bal -= amt
            if not suspended and TARIFFS[t].internet and rnd() < 0.004:
                # a recalculation for an outage of a few days
                amt = TARIFFS[t].internet * (1 + bits(2)) // 30
                cadd(f"{head}{S}{RECALC}{S}{TARIFFS[t].name}{S}{money(-amt)}{EOL}")
                bal += amt
            # payments
            amt = 0
            if debt >= 3:
                pass  # cut off: no more payments this month
            elif prof == REGULAR or (prof == DEFAULTER and m < stop_m):
                if bal < 0 and rnd() < 0.93:
                    amt = round_up(-bal, step)
            elif prof == PREPAY:
                if bal < 0:
                    amt = round_up(due * prepay_months[bits(2)] - bal, step)
            elif prof == LATE:
                if bal < -(due + credit) or (bal < 0 and rnd() < 0.3):
                    amt = round_up(-bal, step)
            elif prof == ERRATIC:
                if bal < due // 2 and rnd() < 0.55:
                    amt = erratic[bits(3)]
            elif prof == COMPANY:
                if bal < 0:
                    amt = round_up(2 * due - bal, step)
            if amt:
                hi_d = term_day or dim
                day = d0 + (pay_days[bits(8)] - 1) % (hi_d - d0 + 1)
                r = rnd()
                pay(acc_p, mst + day - 1, amt, pref if r < 0.85 else methods_table[bits(5)], online)
                bal += amt
            if term_day:
                term_off = mst + term_day - 1
                if debt >= 3:
                    if rnd() < 0.3 and bal < 0:
                        # the debt is repaid after termination (collection worked)
                        rm = m + 1 + bits(3) % 6
                        if rm < months:
                            off = mstart[rm] + pay_days[bits(8)] - 1
                            pay(acc_p, off, -bal, CASH if rnd() < 0.6 else BANK, online)
                            bal = 0
                elif bal < 0 and prof not in (NEVER, DEFAULTER) and rnd() < 0.75:
                    pay(acc_p, term_off, -bal, CASH if rnd() < 0.7 else pref, online)
                    bal = 0
                elif bal > 10000 and rnd() < 0.35:
                    off = term_off + bits(4) % 21
                    if off < ndays:  # the rest of the money is refunded
                        pay(acc_p, off, -bal, CASH if rnd() < 0.5 else BANK, online)
                        bal = 0
                break
            if vol:
                vol -= 1

        plan = TARIFFS[t]
        if term_off >= 0:
            status, term_text = statuses[2], dates[term_off]
        else:
            status, term_text = statuses[1 if suspended else 0], ""
        # fmt: off
        subs_row((
            acc, full_name, phone, email, "company" if company else "person", br_name, bl.city,
            bl.street, bl.house, str(1 + bits(9) % bl.flats) if bl.flats > 1 else "", tech,
            plan.name, money(plan.internet + plan.tv), status, conn_text, term_text, money(bal),
            f"{br_prefix}-{conn_year}/{i + 1:06d}", birth, yes_no[0] if router else yes_no[1],
            str(credit // 100),
        ))
        # fmt: on

    enc = _stream_encoding(tables.flavor)
    return ChunkResult(
        subs_out.getvalue().encode(enc),
        "".join(charges).encode(enc),
        "".join(payments).encode(enc),
        (hi - lo, len(charges), len(payments)),
    )


# -- writing the files --------------------------------------------------------------------------

_STATE: dict[str, object] = {}


def _init_worker(subscribers: int, months: int, seed: int, end: date, flavor: str) -> None:
    world = World(subscribers, months, seed, end)
    _STATE["world"], _STATE["tables"] = world, Tables(world, FLAVOR_SPECS[flavor])


def _run_chunk(chunk: int) -> ChunkResult:
    return simulate_chunk(_STATE["world"], _STATE["tables"], chunk)


def _stream_encoding(flavor: Flavor) -> str:
    """The codec for parts of a file: a byte-order mark belongs only at the file's start."""
    return "utf-8" if flavor.encoding == "utf-8-sig" else flavor.encoding


def _header(flavor: Flavor, kind: str) -> bytes:
    out = io.StringIO()
    csv.writer(out, delimiter=flavor.delimiter, lineterminator=flavor.eol).writerow(
        flavor.headers[kind]
    )
    return out.getvalue().encode(flavor.encoding)


def generate_operator(
    out_dir: Path | str,
    *,
    subscribers: int,
    months: int,
    seed: int = 1,
    end: date | None = None,
    flavor: str = "canonical",
    workers: int | None = None,
    progress: Callable[[int, int], None] | None = None,
) -> dict[str, int]:
    """Write the operator's files into out_dir; return the data rows per file name.

    The same (subscribers, months, seed, end, flavor) gives byte-identical files, whatever the
    number of workers."""
    if flavor not in FLAVOR_SPECS:
        raise ValueError(f"unknown flavor {flavor!r}; expected one of {', '.join(FLAVORS)}")
    spec = FLAVOR_SPECS[flavor]
    end = date(end.year, end.month, 1) if end else default_end()
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    world = World(subscribers, months, seed, end)
    tables = Tables(world, spec)
    counts = {spec.file(kind): 0 for kind in KINDS}

    def write_table(kind: str, rows: list[tuple]) -> None:
        with open(out / spec.file(kind), "w", encoding=spec.encoding, newline="") as f:
            writer = csv.writer(f, delimiter=spec.delimiter, lineterminator=spec.eol)
            writer.writerow(spec.headers[kind])
            writer.writerows(rows)
        counts[spec.file(kind)] = len(rows)

    write_table("branches", [(name, tz, "RUB") for name, tz, *_rest in world.branches])
    write_table("buildings", [
        (world.branches[b.branch][0], b.city, b.street, b.house, b.flats, b.tech, b.ports,
         tables.date(b.coverage))
        for b in world.buildings
    ])  # fmt: skip

    chunks = range(math.ceil(subscribers / CHUNK))
    workers = workers or os.cpu_count() or 1
    files = {
        kind: open(out / spec.file(kind), "wb") for kind in ("subscribers", "charges", "payments")
    }
    try:
        for kind, f in files.items():
            f.write(_header(spec, kind))
        args = (subscribers, months, seed, end, flavor)
        if workers > 1 and len(chunks) > 1:
            method = "fork" if "fork" in multiprocessing.get_all_start_methods() else "spawn"
            with multiprocessing.get_context(method).Pool(
                min(workers, len(chunks)), _init_worker, args
            ) as pool:
                results = pool.imap(_run_chunk, chunks)
                _drain(results, files, counts, spec, len(chunks), progress)
        else:
            results = (simulate_chunk(world, tables, chunk) for chunk in chunks)
            _drain(results, files, counts, spec, len(chunks), progress)
    finally:
        for f in files.values():
            f.close()
    return counts


def _drain(results, files, counts, spec: Flavor, total: int, progress) -> None:
    for done, result in enumerate(results, start=1):
        files["subscribers"].write(result.subscribers)
        files["charges"].write(result.charges)
        files["payments"].write(result.payments)
        for kind, rows in zip(("subscribers", "charges", "payments"), result.rows, strict=True):
            counts[spec.file(kind)] += rows
        if progress:
            progress(done, total)
