"""The data dictionary of the open-data package: every table and column, in kk, ru and en.

Kept here rather than in the gettext catalogs: the package carries all three languages at
once, whatever the language of the report.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

Texts = dict[str, str]


def texts(kk: str, ru: str, en: str) -> Texts:
    """One text in the three languages."""
    return {"kk": kk, "ru": ru, "en": en}


@dataclass(frozen=True)
class Field:
    """A column: its Table Schema type, descriptions, and allowed values if few."""

    name: str
    type: str
    description: Texts
    enum: tuple[str, ...] = ()
    minimum: int | None = None

    def descriptor(self) -> dict[str, Any]:
        """The column as a Table Schema field; ``descriptions`` holds the three languages."""
        result: dict[str, Any] = {
            "name": self.name,
            "type": self.type,
            "description": self.description["en"],
            "descriptions": dict(self.description),
        }
        constraints: dict[str, Any] = {}
        if self.enum:
            constraints["enum"] = list(self.enum)
        if self.minimum is not None:
            constraints["minimum"] = self.minimum
        if constraints:
            result["constraints"] = constraints
        return result


@dataclass(frozen=True)
class Resource:
    """A table of the package: file name, title, description and columns."""

    name: str
    title: Texts
    description: Texts
    fields: tuple[Field, ...] = field(default_factory=tuple)

    @property
    def path(self) -> str:
        """The CSV file's name."""
        return f"{self.name}.csv"


WITHHELD_NOTE = texts(
    "«*» — жеке адамды анықтауға болмас үшін жасырылған мән; бос — мән жоқ.",
    "«*» — значение скрыто, чтобы нельзя было узнать человека; пусто — значения нет.",
    "'*' is a value withheld so that no person can be recognised; empty means no value.",
)
COUNT_NOTE = texts(
    "«*» — 1-ден 4-ке дейінгі сан, не осындай санды азайту арқылы табуға болмас үшін "
    "жасырылған сан.",
    "«*» — число от 1 до 4 или число, скрытое, чтобы такое число нельзя было вычислить вычитанием.",
    "'*' is a count from 1 to 4, or a count withheld so that such a count cannot be worked "
    "out by subtraction.",
)


def _count(name: str, kk: str, ru: str, en: str) -> Field:
    return Field(name, "integer", texts(kk, ru, en), minimum=0)


def _minutes(name: str, kk: str, ru: str, en: str) -> Field:
    return Field(name, "number", texts(kk, ru, en))


WEEK = Field(
    "week",
    "date",
    texts(
        "Келу аптасының (ISO) дүйсенбісі. Келу күнінің өзі жарияланбайды.",
        "Понедельник недели визита (ISO). Сам день визита не публикуется.",
        "Monday of the visit's ISO week. The day of the visit itself is never published.",
    ),
)
AGENCY = Field(
    "agency",
    "string",
    texts(
        "Келу аяқталған мекеменің коды (атаулары agencies.csv файлында).",
        "Код ведомства, в котором завершился визит (названия в agencies.csv).",
        "Code of the agency where the visit ended (names in agencies.csv).",
    ),
)
SERVICE = Field(
    "service",
    "string",
    texts(
        "Келу аяқталған қызметтің коды (атаулары мен күту нормативі services.csv файлында).",
        "Код услуги, на которой завершился визит (названия и норматив ожидания в services.csv).",
        "Code of the service where the visit ended (names and target wait in services.csv).",
    ),
)
RESULTS = ("served", "no_show", "cancelled", "day_closed", "unfinished")
WAIT_BAND_VALUES = ("0-5", "5-15", "15-30", "30+")
SERVICE_BAND_VALUES = ("0-10", "10-20", "20-40", "40+")
PART_OF_DAY_VALUES = ("morning", "midday", "afternoon")

VISITS = Resource(
    "visits",
    texts("Келулер", "Визиты", "Visits"),
    texts(
        "Бір жол — бір келу (бір қағаз талон, ауыстырулармен бірге). Әр жол кемінде тағы "
        "төрт жолмен толық сәйкес келеді (k-анонимдік, k = 5).",
        "Одна строка — один визит (один бумажный талон вместе с переводами). Каждая строка "
        "полностью совпадает ещё минимум с четырьмя (k-анонимность, k = 5).",
        "One row per visit (one paper ticket, with its transfers). Every row is identical "
        "to at least four others (k-anonymity, k = 5).",
    ),
    (
        Field(
            "month",
            "yearmonth",
            texts(
                "Келу аптасы басталатын ай (ЖЖЖЖ-АА).",
                "Месяц, в котором начинается неделя визита (ГГГГ-ММ).",
                "Month in which the visit's week begins (YYYY-MM).",
            ),
        ),
        WEEK,
        Field(
            "part_of_day",
            "string",
            texts(
                "Талон берілген уақыт, зал уақытымен: morning — таңертең (12:00-ге дейін), "
                "midday — түс (12:00–13:59), afternoon — түстен кейін (14:00-ден бастап).",
                "Когда выдан талон, по времени зала: morning — утро (до 12:00), midday — "
                "полдень (12:00–13:59), afternoon — после полудня (с 14:00).",
                "When the ticket was issued, in hall time: morning (before 12:00), midday "
                "(12:00-13:59), afternoon (from 14:00).",
            ),
            PART_OF_DAY_VALUES,
        ),
        AGENCY,
        SERVICE,
        Field(
            "priority",
            "boolean",
            texts(
                "true — келушіге басымдықпен қызмет көрсетілді. Себебі (мүгедектік, жас, "
                "жүктілік…) жарияланбайды.",
                "true — посетителя обслужили в приоритетном порядке. Причина (инвалидность, "
                "возраст, беременность…) не публикуется.",
                "true if the visitor was served with priority. The reason (disability, age, "
                "pregnancy…) is never published.",
            ),
        ),
        Field(
            "transferred",
            "boolean",
            texts(
                "true — келу кемінде бір рет басқа қызметке ауыстырылды.",
                "true — визит хотя бы раз переводили на другую услугу.",
                "true if the visit was transferred to another service at least once.",
            ),
        ),
        Field(
            "result",
            "string",
            texts(
                "Келу қалай аяқталды: served — қызмет көрсетілді; no_show — шақырылды, бірақ "
                "келмеді; cancelled — шақырудан бұрын кетті; day_closed — күн жабылғанда "
                "кезекте қалды; unfinished — әлі аяқталмаған.",
                "Чем закончился визит: served — обслужен; no_show — вызван, но не подошёл; "
                "cancelled — ушёл до вызова; day_closed — оставался в очереди, когда день "
                "закрыли; unfinished — ещё не завершён.",
                "How the visit ended: served; no_show (called but did not come); cancelled "
                "(left before the call); day_closed (still in the queue when the day was "
                "closed); unfinished.",
            ),
            RESULTS,
        ),
        Field(
            "wait_band",
            "string",
            texts(
                "Шақыруға дейін күткен минуттар, келудің барлық күтуі қосылып: 0-5, 5-15, "
                "15-30 немесе 30+ (жоғарғы шегі аралыққа кіреді). Келуші шақырылмаса — бос.",
                "Минуты ожидания вызова, все ожидания визита вместе: 0-5, 5-15, 15-30 или "
                "30+ (верхняя граница входит в интервал). Пусто, если посетителя не вызвали.",
                "Minutes waited until called, all waits of the visit added up: 0-5, 5-15, "
                "15-30 or 30+ (the upper bound belongs to the band). Empty when the visitor "
                "was never called.",
            ),
            WAIT_BAND_VALUES,
        ),
        Field(
            "within_target",
            "boolean",
            texts(
                "true — келудің әр күтуі өз қызметінің күту нормативіне сыйды (services.csv); "
                "false — біреуі ұзақ болды (нормативтен кейін шақырылмай кеткен келуші де). "
                "Бос — күту бағаланбайды (нормативке дейін кетті).",
                "true — каждое ожидание визита уложилось в норматив своей услуги "
                "(services.csv); false — хотя бы одно было дольше (в том числе посетитель "
                "ушёл невызванным после норматива). Пусто — ожидание не оценивается (ушёл до "
                "норматива).",
                "true if every wait of the visit was within its service's target wait "
                "(services.csv); false if one was longer (a visitor who left uncalled after "
                "the target too). Empty when no wait counts (left before the target).",
            ),
        ),
        Field(
            "service_band",
            "string",
            texts(
                "Терезе алдындағы минуттар (қызметтің басынан соңына дейін): 0-10, 10-20, "
                "20-40 немесе 40+. Тек қызмет көрсетілген келулер үшін.",
                "Минуты у окна (от начала до конца обслуживания): 0-10, 10-20, 20-40 или "
                "40+. Только для обслуженных визитов.",
                "Minutes at the desk (start to end of service): 0-10, 10-20, 20-40 or 40+. "
                "Served visits only.",
            ),
            SERVICE_BAND_VALUES,
        ),
        Field(
            "outcome",
            "string",
            texts(
                "Қызметкер белгілеген нәтиже (тек қызмет көрсетілген келулер): resolved — "
                "мәселе шешілді; consultation — тек кеңес; documents_missing — құжаттар "
                "жеткіліксіз; redirected — басқа мекемеге жіберілді. Белгіленбесе — бос.",
                "Результат, отмеченный сотрудником (только обслуженные визиты): resolved — "
                "вопрос решён; consultation — только консультация; documents_missing — не "
                "хватает документов; redirected — направлен в другое ведомство. Пусто, если "
                "не отмечен.",
                "The outcome the officer recorded (served visits only): resolved; "
                "consultation; documents_missing; redirected (to another agency). Empty if "
                "none was recorded.",
            ),
        ),
        Field(
            "rating",
            "integer",
            texts(
                "Келушінің бағасы, 1-ден 5 жұлдызға дейін; бағаламаса — бос.",
                "Оценка посетителя, от 1 до 5 звёзд; пусто, если не оценивал.",
                "The visitor's rating, 1 to 5 stars; empty if not rated.",
            ),
        ),
        Field(
            "rating_reason",
            "string",
            texts(
                "Бағамен бірге таңдалған себеп: waited_too_long — тым ұзақ күтті; "
                "unclear_answer — жауап түсініксіз; rude — қызметкер сыпайы емес; "
                "documents_confusing — құжаттар түсініксіз; excellent_service — тамаша "
                "қызмет; quick_service — жылдам қызмет. Себеп болмаса — бос.",
                "Причина, выбранная вместе с оценкой: waited_too_long — слишком долго ждал; "
                "unclear_answer — непонятный ответ; rude — невежливый сотрудник; "
                "documents_confusing — непонятные документы; excellent_service — отличное "
                "обслуживание; quick_service — быстрое обслуживание. Пусто, если без причины.",
                "The reason chosen with the rating: waited_too_long, unclear_answer, rude "
                "(impolite staff), documents_confusing, excellent_service, quick_service. "
                "Empty if none.",
            ),
        ),
    ),
)

SERVICE_WEEKS = Resource(
    "service_weeks",
    texts(
        "Қызметтер бойынша апталық келулер",
        "Визиты по услугам и неделям",
        "Visits by service and week",
    ),
    texts(
        "Әр қызмет пен аптаға бір жол: келулер қай қызметте аяқталса, сонда есептеледі.",
        "Одна строка на услугу и неделю: визит считается там, где он завершился.",
        "One row per service and week: a visit counts where it ended.",
    ),
    (
        Field(
            "week",
            "date",
            texts(
                "ISO аптасының дүйсенбісі.", "Понедельник недели (ISO).", "Monday of the ISO week."
            ),
        ),
        AGENCY,
        SERVICE,
        _count("visits", "Келулер.", "Визиты.", "Visits."),
        _count("served", "Қызмет көрсетілді.", "Обслужено.", "Served."),
        _count(
            "no_shows",
            "Шақырылды, бірақ келмеді.",
            "Вызваны, но не подошли.",
            "Called but did not come.",
        ),
        _count("cancelled", "Шақырудан бұрын кетті.", "Ушли до вызова.", "Left before the call."),
        _count(
            "other_results",
            "Күн жабылғанда кезекте қалды немесе аяқталмаған.",
            "Оставались в очереди при закрытии дня или не завершены.",
            "Still in the queue when the day was closed, or unfinished.",
        ),
        _count(
            "wait_0_5",
            "5 минутқа дейін күтіп шақырылды.",
            "Вызваны, прождав до 5 минут.",
            "Called after waiting up to 5 minutes.",
        ),
        _count(
            "wait_5_15",
            "5-тен 15 минутқа дейін күтіп шақырылды.",
            "Вызваны, прождав больше 5 и до 15 минут.",
            "Called after waiting more than 5 and up to 15 minutes.",
        ),
        _count(
            "wait_15_30",
            "15-тен 30 минутқа дейін күтіп шақырылды.",
            "Вызваны, прождав больше 15 и до 30 минут.",
            "Called after waiting more than 15 and up to 30 minutes.",
        ),
        _count(
            "wait_30_plus",
            "30 минуттан артық күтіп шақырылды.",
            "Вызваны, прождав больше 30 минут.",
            "Called after waiting more than 30 minutes.",
        ),
        _count(
            "not_called",
            "Шақырылмаған келулер (кетті, күн жабылды не аяқталмаған).",
            "Визиты без вызова (ушли, день закрыт или не завершены).",
            "Visits never called (left, day closed or unfinished).",
        ),
        _count(
            "within_target",
            "Барлық күтуі норматив ішінде.",
            "Все ожидания в пределах норматива.",
            "Every wait within the target.",
        ),
        _count(
            "over_target",
            "Кемінде бір күтуі нормативтен ұзақ.",
            "Хотя бы одно ожидание дольше норматива.",
            "At least one wait longer than the target.",
        ),
        _count(
            "not_judged",
            "Күтуі бағаланбайды (нормативке дейін кетті не әлі күтуде).",
            "Ожидание не оценивается (ушли до норматива или ещё ждали).",
            "No wait counts (left before the target, or still waiting).",
        ),
        _count(
            "priority",
            "Басымдықпен қызмет көрсетілген келулер.",
            "Визиты с приоритетным обслуживанием.",
            "Visits served with priority.",
        ),
        _count(
            "transferred",
            "Басқа қызметтен ауыстырылған келулер.",
            "Визиты, переведённые с другой услуги.",
            "Visits transferred from another service.",
        ),
        _count(
            "documents_missing",
            "Қызмет көрсетілген, бірақ құжаттар жеткіліксіз келулер (бөлімі — served).",
            "Обслуженные визиты, где не хватило документов (знаменатель — served).",
            "Served visits whose documents were missing (out of served).",
        ),
        _minutes(
            "wait_median_min",
            "Шақыруға дейінгі күтудің медианасы, минут (шақырылғандар 5-тен аз болса — *).",
            "Медиана ожидания вызова, минут (* — если вызвано меньше 5).",
            "Median wait until called, minutes (* when fewer than 5 were called).",
        ),
        _minutes(
            "wait_p90_min",
            "Шақыруға дейінгі күтудің 90-процентилі, минут (шақырылғандар 5-тен аз болса — *).",
            "90-й процентиль ожидания вызова, минут (* — если вызвано меньше 5).",
            "90th percentile of the wait until called, minutes (* when fewer than 5 were called).",
        ),
    ),
)


def ratings_resource(columns: tuple[str, ...]) -> Resource:
    """The ratings table, whose reason columns are the reasons the kiosk offers."""
    reason_fields = tuple(
        _count(
            column,
            f"«{column.removeprefix('reason_')}» себебі таңдалған бағалар.",
            f"Оценки с причиной «{column.removeprefix('reason_')}».",
            f"Ratings given with the reason '{column.removeprefix('reason_')}'.",
        )
        for column in columns
        if column.startswith("reason_")
    )
    stars = tuple(
        _count(
            f"stars_{n}",
            f"{n} жұлдызды бағалар.",
            f"Оценки в {n} {'звезду' if n == 1 else 'звезды' if n < 5 else 'звёзд'}.",
            f"Ratings of {n} star{'s' if n > 1 else ''}.",
        )
        for n in range(1, 6)
    )
    return Resource(
        "ratings",
        texts(
            "Мекемелер бойынша бағалар мен қызмет уақыты",
            "Оценки и время обслуживания по ведомствам",
            "Ratings and service times by agency",
        ),
        texts(
            "Кезеңнің бағалары мен қызмет уақыты. Мекеме жеке көрсетіледі, егер оның "
            "келулеріне кемінде үш қызметкер қызмет көрсетсе, ешқайсысы жартысынан көбіне, "
            "ал кез келген екеуі бірге 85 %-дан көбіне қызмет көрсетпесе; қалғандары бір "
            "жолға біріктіріледі (other_agencies). Зал бойынша жиынтық жол жоқ: ол "
            "жасырылған санды табуға мүмкіндік берер еді.",
            "Оценки и время обслуживания за период. Ведомство показано отдельно, если его "
            "визиты обслуживали не меньше трёх сотрудников, ни один не обслужил больше "
            "половины, а любые двое вместе — больше 85 %; остальные объединены в одну "
            "строку (other_agencies). Итоговой строки по залу нет: по ней можно было бы "
            "вычислить скрытое число.",
            "Ratings and service times of the period. An agency is shown alone when at "
            "least three officers served its visits, none served more than half of them "
            "and no two together more than 85 %; the others are pooled in one row "
            "(other_agencies). There is no hall total, which would let a withheld count be "
            "worked out.",
        ),
        (
            Field(
                "group",
                "string",
                texts(
                    "agency — бір мекеме; other_agencies — жеке көрсетуге қызметкерлері аз "
                    "мекемелер бірге.",
                    "agency — одно ведомство; other_agencies — ведомства, у которых слишком "
                    "мало сотрудников, чтобы показать их отдельно, вместе.",
                    "agency: one agency; other_agencies: the agencies with too few officers "
                    "to be shown alone, together.",
                ),
                ("agency", "other_agencies"),
            ),
            Field(
                "agency",
                "string",
                texts(
                    "Мекеменің коды (other_agencies үшін бос).",
                    "Код ведомства (пусто для other_agencies).",
                    "The agency's code (empty for other_agencies).",
                ),
            ),
            _minutes(
                "service_median_min",
                "Қызмет уақытының медианасы, минут (терезе алдында, басынан соңына дейін).",
                "Медиана времени обслуживания, минут (у окна, от начала до конца).",
                "Median service time, minutes (at the desk, start to end).",
            ),
            _count("ratings", "Бағалар саны.", "Число оценок.", "Ratings given."),
            *stars,
            *reason_fields,
            _count(
                "no_reason",
                "Себепсіз бағалар.",
                "Оценки без причины.",
                "Ratings given without a reason.",
            ),
        ),
    )


AGENCIES = Resource(
    "agencies",
    texts("Мекемелер", "Ведомства", "Agencies"),
    texts(
        "Мекемелердің кодтары мен атаулары.",
        "Коды и названия ведомств.",
        "The agencies' codes and names.",
    ),
    (
        Field("code", "string", texts("Мекеменің коды.", "Код ведомства.", "Agency code.")),
        Field(
            "name_kk", "string", texts("Қазақша атауы.", "Название по-казахски.", "Name in Kazakh.")
        ),
        Field(
            "name_ru", "string", texts("Орысша атауы.", "Название по-русски.", "Name in Russian.")
        ),
        Field(
            "name_en",
            "string",
            texts("Ағылшынша атауы.", "Название по-английски.", "Name in English."),
        ),
    ),
)

SERVICES = Resource(
    "services",
    texts("Қызметтер", "Услуги", "Services"),
    texts(
        "Қызметтердің кодтары, атаулары және күту нормативі.",
        "Коды, названия и норматив ожидания услуг.",
        "The services' codes, names and target waits.",
    ),
    (
        Field("code", "string", texts("Қызметтің коды.", "Код услуги.", "Service code.")),
        Field(
            "agency",
            "string",
            texts("Қызмет мекемесінің коды.", "Код ведомства услуги.", "The service's agency."),
        ),
        Field(
            "name_kk", "string", texts("Қазақша атауы.", "Название по-казахски.", "Name in Kazakh.")
        ),
        Field(
            "name_ru", "string", texts("Орысша атауы.", "Название по-русски.", "Name in Russian.")
        ),
        Field(
            "name_en",
            "string",
            texts("Ағылшынша атауы.", "Название по-английски.", "Name in English."),
        ),
        _count(
            "target_wait_min",
            "Күту нормативі, минут: осы уақыт ішінде шақыру мақсат етіледі.",
            "Норматив ожидания, минут: за это время посетителя должны вызвать.",
            "Target wait, minutes: the visitor should be called within it.",
        ),
    ),
)
