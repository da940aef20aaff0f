"""Export flavors: the files, headers and value formats of each billing system, their import
mappings, and the pre-formatted strings rows are written with."""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from .reference import semicolons
from .world import World

FLAVORS = ("canonical", "utm5", "lanbilling")
KINDS = ("branches", "buildings", "subscribers", "charges", "payments")

COLUMNS = {
    "branches": semicolons("name;time_zone;currency"),
    "buildings": semicolons("branch;city;street;house;flats;technology;ports;coverage_since"),
    "subscribers": semicolons(
        "account;full_name;phone;email;kind;branch;city;street;house;flat;technology;tariff;"
        "monthly_fee;status;connected_on;terminated_on;balance;"
        "contract_no;birth_date;has_router;credit_limit;"  # the extra attributes (and birth)
        "consent_sms;consent_email"  # consent to advertising (comms.Consent)
    ),
    "charges": semicolons("account;period;service;tariff;amount"),
    "payments": semicolons("account;paid_at;amount;method"),
}
STATUSES = ("active", "suspended", "terminated")
METHODS = ("cash", "card", "bank", "terminal", "online", "other")


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
        files=semicolons("filialy.csv;doma.csv;abonents.csv;nachisleniya.csv;platezhi.csv"),
        headers={
            "branches": semicolons("Филиал;Часовой пояс;Валюта"),
            "buildings": semicolons(
                "Филиал;Город;Улица;Дом;Квартир;Технология;Портов;Дата подключения дома"
            ),
            "subscribers": semicolons(
                "Лицевой счет;ФИО;Телефон;E-mail;Тип абонента;Филиал;Город;Улица;Дом;Квартира;"
                "Технология;Тариф;Абонплата;Статус;Дата подключения;Дата отключения;Баланс;"
                "Номер договора;Дата рождения;Роутер;Кредитный лимит;"
                "Согласие на рекламу по SMS;Согласие на рекламу по e-mail"
            ),
            "charges": semicolons("Лицевой счет;Период;Услуга;Тариф;Сумма"),
            "payments": semicolons("Лицевой счет;Дата платежа;Сумма;Способ оплаты"),
        },
        statuses=semicolons("Активен;Приостановлен;Расторгнут"),
        methods=semicolons(
            "Касса;Банковская карта;Безналичный расчет;Платежный терминал;Интернет-эквайринг;Прочее"
        ),
        yes_no=("да", "нет"),
    ),
    "lanbilling": Flavor(
        slug="lanbilling", name="LANBilling, CSV export", encoding="utf-8-sig", delimiter="\t",
        eol="\n", decimal_comma=False, date_format="%Y-%m-%d",
        datetime_format="%Y-%m-%dT%H:%M:%S", period_format="%Y-%m-%d",
        files=semicolons(
            "lb_branches.csv;lb_buildings.csv;lb_agreements.csv;lb_charges.csv;lb_payments.csv"
        ),
        headers={
            "branches": semicolons("branch_name;tz;currency"),
            "buildings": semicolons(
                "branch_name;city;street;building;flats_count;tech;ports_count;connected_date"
            ),
            "subscribers": semicolons(
                "agrm_num;name;mobile;email;user_type;branch_name;city;street;building;flat;tech;"
                "tarif_name;rent;agrm_state;agrm_date;close_date;balance;"
                "contract;birthday;router;credit;sms_ads_ok;email_ads_ok"
            ),
            "charges": semicolons("agrm_num;period_date;service_name;tarif_name;amount"),
            "payments": semicolons("agrm_num;pay_date;amount;pay_class"),
        },
        statuses=("0", "1", "2"),
        methods=semicolons("cash_desk;card;bank_transfer;terminal;web;other"),
        yes_no=("true", "false"),
    ),
}
# fmt: on


def mapping_path(flavor: str) -> Path:
    """The flavor's ImportMapping as JSON, kept in subscribers/mappings/."""
    return Path(__file__).resolve().parent.parent / "mappings" / f"{flavor}.json"


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
        # (on the 1st, Moscow date a day back, online clock, terminal clock): east of Moscow,
        # the first hours of the 1st are still the last day of the month in Moscow time.
        self.night_times = []
        for table in world.night_times:
            rows = []
            for early, h, mi, s, shift in table:
                local = clock(h, mi, s)
                back = int(flavor.online_in_moscow_time and h < shift)
                online = local
                if flavor.online_in_moscow_time:
                    online = clock(h - shift + 24 * back, mi, s) + "+03:00"
                rows.append((early, back, online, local))
            self.night_times.append(rows)
        self.methods = flavor.methods
        self.statuses = flavor.statuses
        self.point = "," if flavor.decimal_comma else "."
        self._money: dict[int, str] = {}
        self._suffix: dict[tuple[str, str, int], str] = {}

    def money(self, kop: int) -> str:
        text = self._money.get(kop)
        if text is None:
            text = money_text(kop, self.point)
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


def money_text(kop: int, point: str = ".") -> str:
    """An amount in kopecks as the export writes it: 1234.50, -3.05."""
    a = -kop if kop < 0 else kop
    return f"{'-' if kop < 0 else ''}{a // 100}{point}{a % 100:02d}"


def stream_encoding(flavor: Flavor) -> str:
    """The codec for parts of a file: a byte-order mark belongs only at the file's start."""
    return "utf-8" if flavor.encoding == "utf-8-sig" else flavor.encoding


def header(flavor: Flavor, kind: str) -> bytes:
    out = io.StringIO()
    csv.writer(out, delimiter=flavor.delimiter, lineterminator=flavor.eol).writerow(
        flavor.headers[kind]
    )
    return out.getvalue().encode(flavor.encoding)
