"""The open-data package of a period: CSV tables and a Frictionless ``datapackage.json``."""

from __future__ import annotations

import csv
import json
from dataclasses import dataclass
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import select

from kiosk.errors import StoreUnavailableError
from kiosk.i18n import N_
from kiosk.models import Agency, Hall, Service
from kiosk.open_data.anonymise import WITHHELD, WITHHOLDING_ORDER, Rules
from kiosk.open_data.fields import (
    AGENCIES,
    COUNT_NOTE,
    SERVICE_WEEKS,
    SERVICES,
    VISITS,
    WITHHELD_NOTE,
    Resource,
    Texts,
    ratings_resource,
    texts,
)
from kiosk.open_data.tables import Published, Table, publish
from kiosk.stats.open_data import visit_details
from kiosk.store import Store

DESCRIPTOR = "datapackage.json"
README = "README.md"
ENCODING = "utf-8"
LICENCE = {
    "name": "CC-BY-4.0",
    "title": "Creative Commons Attribution 4.0 International",
    "path": "https://creativecommons.org/licenses/by/4.0/",
}
# Tells a folder this package wrote from any other (only such a folder is ever replaced).
MARKER = "kezek-open-data"
TABLES = (VISITS.name, SERVICE_WEEKS.name, "ratings", AGENCIES.name, SERVICES.name)
PACKAGE_FILES = frozenset({DESCRIPTOR, README, *(f"{name}.csv" for name in TABLES)})


@dataclass(frozen=True)
class OpenDataPackage:
    """What the package holds: its descriptor and its tables, ready to be written."""

    descriptor: dict[str, Any]
    tables: tuple[tuple[Resource, Table], ...]
    published: Published

    @property
    def figures(self) -> dict[str, Any]:
        """The anonymisation figures: visits, rows published and suppressed, smallest group."""
        figures: dict[str, Any] = self.descriptor["anonymisation"]
        return {
            key: figures[key]
            for key in ("k", "visits", "rows", "rows_suppressed", "smallest_group")
        }


def _method(rules: Rules) -> Texts:
    k, officers = rules.k, rules.min_officers
    share, two = f"{rules.max_officer_share:.0%}", f"{rules.max_two_officers_share:.0%}"
    return texts(
        f"visits.csv файлының әр жолы — бір келу, ірілендірілген: күннің орнына апта, "
        f"сағаттың орнына тәулік бөлігі, минуттардың орнына аралықтар. Аты-жөн, логин, "
        f"терезе, талон нөмірі, токен, ескертпе және басымдық себебі жарияланбайды. Баға, "
        f"оның себебі және қызмет уақыты қызмет көрсеткен адамды бағалайды: олар тек "
        f"кемінде {officers} қызметкер қызмет көрсеткен, ешқайсысы {share}-дан көбіне, ал "
        f"кез келген екеуі бірге {two}-дан көбіне қызмет көрсетпеген келулер тобы (бір апта, "
        f"тәулік бөлігі, қызмет) үшін көрсетіледі. "
        f"Содан кейін басқа {k - 1} жолдан азымен сәйкес келген әр жолдың бағандары "
        f"withholding_order ретімен «*» белгісіне ауыстырылды; сонда да ерекшеленген жолдар "
        f"алынып тасталды (rows_suppressed). Жиынтық кестелерде 1-ден {k - 1}-ге дейінгі "
        f"сандар және оларды есептеп шығаруға болатын сандар жасырылған.",
        f"Каждая строка visits.csv — один визит, огрублённый: неделя вместо дня, часть дня "
        f"вместо времени, интервалы вместо минут. Имена, логины, окна, номера талонов, "
        f"токены, заметки и причины приоритета не публикуются. Оценка, её причина и время "
        f"обслуживания характеризуют обслужившего сотрудника: они показаны только для групп "
        f"визитов (та же неделя, часть дня и услуга), которые обслуживали не меньше "
        f"{officers} сотрудников, ни один не обслужил больше {share}, а любые двое вместе — "
        f"больше {two}. Затем в каждой "
        f"строке, совпадавшей меньше чем с {k - 1} другими, значения столбцов заменялись на "
        f"«*» в порядке withholding_order; строки, которые всё равно выделялись, исключены "
        f"(rows_suppressed). В сводных таблицах скрыты числа от 1 до {k - 1} и числа, по "
        f"которым их можно вычислить.",
        f"Each row of visits.csv is one visit, coarsened: the week instead of the day, the "
        f"part of the day instead of the time, bands instead of minutes. No names, logins, "
        f"desks, ticket numbers, tokens, notes or priority reasons are published. A rating, "
        f"its reason and a service time judge the officer who served: they are shown only "
        f"for groups of visits (same week, part of day and service) that at least {officers} "
        f"officers served, none of them more than {share} and no two together more than "
        f"{two}. Then every row identical to "
        f"fewer than {k - 1} others had its columns replaced by '*' in withholding_order; "
        f"rows that still stood out were left out (rows_suppressed). The aggregate tables "
        f"withhold counts from 1 to {k - 1} and the counts from which they could be worked "
        f"out.",
    )


def _simulated(count: int) -> Texts:
    return texts(
        f" Ескерту: {count} келу модельденген, жариялауға арналмаған.",
        f" Внимание: {count} из этих визитов смоделированы, не для публикации.",
        f" Warning: {count} of these visits are simulated, not for publication.",
    )


def _hall_texts(hall: dict[str, str], start: date, end: date) -> tuple[Texts, Texts]:
    span = f"{start:%d.%m.%Y}–{end:%d.%m.%Y}"
    title = texts(
        f"{hall.get('kk', '')}: келулер туралы ашық деректер, {span}",
        f"{hall.get('ru', '')}: открытые данные о визитах, {span}",
        f"{hall.get('en', '')}: open data on visits, {span}",
    )
    description = texts(
        "Қоғамдық қызмет көрсету залына келулер: кезекте күту, нәтижелер, бағалар. "
        "Ешкімді атамайды және ешкімді көрсетпейді.",
        "Визиты в зал государственных услуг: ожидание в очереди, результаты, оценки. "
        "Никого не называют и ни на кого не указывают.",
        "Visits to a public-service hall: waiting in the queue, outcomes, ratings. They "
        "name no one and point at no one.",
    )
    return title, description


def _resource(resource: Resource) -> dict[str, Any]:
    return {
        "name": resource.name,
        "path": resource.path,
        "profile": "tabular-data-resource",
        "title": resource.title["en"],
        "titles": dict(resource.title),
        "description": resource.description["en"],
        "descriptions": dict(resource.description),
        "format": "csv",
        "mediatype": "text/csv",
        "encoding": ENCODING,
        "schema": {
            "fields": [f.descriptor() for f in resource.fields],
            "missingValues": ["", WITHHELD],
            "x-missing-values": {"": "no value", WITHHELD: "withheld"},
            "x-notes": dict(WITHHELD_NOTE if resource is VISITS else COUNT_NOTE),
        },
    }


def build_package(
    store: Store,
    start: date,
    end: date,
    *,
    rules: Rules | None = None,
    zone: ZoneInfo | None = None,
    now: datetime | None = None,
) -> OpenDataPackage:
    """The period's open data, anonymised, with its descriptor."""
    rules = rules or Rules()
    with store.read() as s:
        hall = s.get(Hall, 1)
        if hall is None:
            raise StoreUnavailableError(
                N_(
                    "The database {url} holds no hall yet: "
                    "run 'kezek init --demo' or 'kezek init --hall FILE'."
                ),
                url=store.safe_url,
            )
        hall_name = dict(hall.name)
        timezone = hall.timezone
        agencies = [
            (a.code, dict(a.name))
            for a in s.scalars(select(Agency).order_by(Agency.position, Agency.code))
        ]
        agency_codes = {a.id: a.code for a in s.scalars(select(Agency))}
        services = [
            (sv.code, agency_codes.get(sv.agency_id, ""), dict(sv.name), sv.target_wait_min)
            for sv in s.scalars(select(Service).order_by(Service.position, Service.code))
        ]
    published = publish(
        visit_details(store, start, end, zone=zone or ZoneInfo(timezone)),
        rules,
        [code for code, _names in agencies],
    )
    ratings = ratings_resource(published.ratings.columns)
    tables = (
        (VISITS, published.visits),
        (SERVICE_WEEKS, published.service_weeks),
        (ratings, published.ratings),
        (
            AGENCIES,
            Table(
                "agencies",
                tuple(f.name for f in AGENCIES.fields),
                [(code, n.get("kk", ""), n.get("ru", ""), n.get("en", "")) for code, n in agencies],
            ),
        ),
        (
            SERVICES,
            Table(
                "services",
                tuple(f.name for f in SERVICES.fields),
                [
                    (code, agency, n.get("kk", ""), n.get("ru", ""), n.get("en", ""), str(target))
                    for code, agency, n, target in services
                ],
            ),
        ),
    )
    a = published.anonymised
    title, description = _hall_texts(hall_name, start, end)
    if published.simulated:
        warning = _simulated(published.simulated)
        description = {lang: text + warning[lang] for lang, text in description.items()}
    descriptor: dict[str, Any] = {
        "profile": "tabular-data-package",
        "name": f"kezek-visits-{start.isoformat()}-{end.isoformat()}",
        "title": title["en"],
        "titles": title,
        "description": description["en"],
        "descriptions": description,
        "licenses": [LICENCE],
        "created": (now or datetime.now(UTC)).replace(microsecond=0).isoformat(),
        "keywords": ["public services", "queue", "waiting time", "Kezek"],
        "x-kezek": MARKER,
        "hall": {"name": hall_name, "timezone": timezone},
        "period": {"start": start.isoformat(), "end": end.isoformat()},
        "simulated_visits": published.simulated,
        "anonymisation": {
            "k": rules.k,
            "visits": published.source_visits,
            "rows": a.published,
            "rows_suppressed": a.suppressed,
            "smallest_group": a.smallest_group,
            "withheld_values": a.withheld,
            "withholding_order": list(WITHHOLDING_ORDER),
            "officer_rule": {
                "min_officers": rules.min_officers,
                "max_share": rules.max_officer_share,
                "max_share_of_two": rules.max_two_officers_share,
                "rows_withheld": published.officer_withheld,
            },
            "small_cells": {"withheld_from": 1, "withheld_to": rules.k - 1},
            "method": _method(rules),
        },
        "resources": [_resource(resource) for resource, _table in tables],
    }
    return OpenDataPackage(descriptor, tables, published)


def _readme(descriptor: dict[str, Any]) -> str:
    a = descriptor["anonymisation"]
    lines: list[str] = []
    for lang in ("kk", "ru", "en"):
        lines += [f"# {descriptor['titles'][lang]}", "", descriptor["descriptions"][lang], ""]
        lines += [f"- {r['path']}: {r['titles'][lang]}" for r in descriptor["resources"]]
        lines += ["", a["method"][lang], ""]
    lines += [
        f"Licence: {LICENCE['title']} ({LICENCE['name']}), {LICENCE['path']}",
        f"Visits: {a['visits']}; rows published: {a['rows']}; rows suppressed: "
        f"{a['rows_suppressed']}; smallest group of identical rows: {a['smallest_group']} "
        f"(k = {a['k']}).",
        "Every table, column and rule is described in datapackage.json (Frictionless Data "
        "Package).",
    ]
    return "\n".join(lines) + "\n"


def write_package(package: OpenDataPackage, folder: Path) -> list[Path]:
    """Write the package's files into ``folder`` (which must exist); return their paths."""
    paths = []
    for _described, table in package.tables:
        path = folder / f"{table.name}.csv"
        with path.open("w", encoding=ENCODING, newline="") as f:
            writer = csv.writer(f, lineterminator="\n")
            writer.writerow(table.columns)
            writer.writerows(table.rows)
        paths.append(path)
    descriptor = folder / DESCRIPTOR
    descriptor.write_text(
        json.dumps(package.descriptor, ensure_ascii=False, indent=2) + "\n", encoding=ENCODING
    )
    readme = folder / README
    readme.write_text(_readme(package.descriptor), encoding=ENCODING)
    return [descriptor, readme, *paths]


def is_package_folder(folder: Path) -> bool:
    """Whether ``folder`` holds an open-data package Kezek wrote, and nothing else."""
    try:
        descriptor = json.loads((folder / DESCRIPTOR).read_text(encoding=ENCODING))
    except (OSError, ValueError):
        return False
    return (
        isinstance(descriptor, dict)
        and descriptor.get("x-kezek") == MARKER
        and all(p.name in (DESCRIPTOR, README) or p.suffix == ".csv" for p in folder.iterdir())
    )
