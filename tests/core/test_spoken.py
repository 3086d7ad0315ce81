"""Calls as a voice says them: number words, letter names, the desk in the case it needs."""

from __future__ import annotations

import gettext

import pytest

import kiosk.spoken as spoken_module
from kiosk.i18n import gettext_for
from kiosk.spoken import (
    announcement_text,
    desk_phrase,
    kk_dative,
    kk_ordinal,
    number_words,
    spoken_number,
)

TEMPLATE = "{number}, {desk}"
# The translations proposed for the catalogs (resources/locale/*/kezek.po).
PROPOSED = {
    "kk": "{number}, {desk}",
    "ru": "{number}, к {desk}",
}


class ProposedCatalog(gettext.NullTranslations):
    def __init__(self, lang: str) -> None:
        super().__init__()
        self.lang = lang

    def gettext(self, message: str) -> str:
        if message == TEMPLATE and self.lang in PROPOSED:
            return PROPOSED[self.lang]
        return message


@pytest.fixture
def proposed(monkeypatch: pytest.MonkeyPatch) -> None:
    """The catalogs as they will read once the proposed translations are merged."""
    monkeypatch.setattr(spoken_module, "gettext_for", lambda lang: ProposedCatalog(lang).gettext)


# -- words -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("n", "kk", "ru", "en"),
    [
        (0, "нөл", "ноль", "zero"),
        (1, "бір", "один", "one"),
        (7, "жеті", "семь", "seven"),
        (12, "он екі", "двенадцать", "twelve"),
        (20, "жиырма", "двадцать", "twenty"),
        (45, "қырық бес", "сорок пять", "forty-five"),
        (100, "жүз", "сто", "one hundred"),
        (112, "жүз он екі", "сто двенадцать", "one hundred and twelve"),
        (200, "екі жүз", "двести", "two hundred"),
        (
            999,
            "тоғыз жүз тоқсан тоғыз",
            "девятьсот девяносто девять",
            "nine hundred and ninety-nine",
        ),
        (1001, "мың бір", "тысяча один", "one thousand and one"),
        (2022, "екі мың жиырма екі", "две тысячи двадцать два", "two thousand and twenty-two"),
    ],
)
def test_numbers_read_naturally_in_each_language(n: int, kk: str, ru: str, en: str) -> None:
    assert number_words(n, "kk") == kk
    assert number_words(n, "ru") == ru
    assert number_words(n, "en") == en


@pytest.mark.parametrize(
    ("display", "kk", "ru", "en"),
    [
        ("A-012", "А он екі", "А двенадцать", "A-twelve"),
        ("B-001", "бэ бір", "бэ один", "B-one"),
        ("V-100", "вэ жүз", "вэ сто", "V-one hundred"),
        ("H-040", "аш қырық", "аш сорок", "H-forty"),
        ("L-305", "эл үш жүз бес", "эль триста пять", "L-three hundred and five"),
    ],
)
def test_ticket_numbers_are_said_as_letter_and_number(
    display: str, kk: str, ru: str, en: str
) -> None:
    assert spoken_number(display, "kk") == kk
    assert spoken_number(display, "ru") == ru
    assert spoken_number(display, "en") == en


def test_letters_that_look_alike_still_sound_different() -> None:
    # The demo hall has B and V, H and N, P and R: reading the Latin letters as their
    # Cyrillic look-alikes (В, Н, Р) would announce two tickets with one name.
    for lang in ("kk", "ru"):
        pairs = [("B-001", "V-001"), ("H-001", "N-001"), ("P-001", "R-001")]
        for one, other in pairs:
            assert spoken_number(one, lang) != spoken_number(other, lang)


def test_kazakh_ordinals_and_dative_endings_follow_vowel_harmony() -> None:
    assert [kk_ordinal(n) for n in (1, 3, 6, 10, 20, 40, 12)] == [
        "бірінші",
        "үшінші",
        "алтыншы",
        "оныншы",
        "жиырмасыншы",
        "қырқыншы",
        "он екінші",
    ]
    words = ["терезе", "кабинет", "орын", "касса", "бөлім", "үстел", "3", "10", "40"]
    assert [kk_dative(w) for w in words] == [
        "терезеге",
        "кабинетке",
        "орынға",
        "кассаға",
        "бөлімге",
        "үстелге",
        "3-ке",
        "10-ға",
        "40-қа",
    ]


def test_desk_labels_take_the_case_the_sentence_needs() -> None:
    assert desk_phrase("3-терезе", "kk") == "үшінші терезеге"
    assert desk_phrase("3-терезе", "kk", spoken=False) == "3-терезеге"
    assert desk_phrase("Кабинет 12", "kk") == "кабинет он екіге".capitalize()
    assert desk_phrase("Окно 3", "ru") == "окну три"
    assert desk_phrase("Окно 3", "ru", spoken=False) == "окну 3"
    assert desk_phrase("Стойка 2", "ru") == "стойке два"
    assert desk_phrase("Главная касса", "ru") == "главной кассе"
    assert desk_phrase("Окно выдачи 1", "ru", spoken=False) == "окну выдачи 1"
    assert desk_phrase("Desk 3", "en") == "Desk three"


@pytest.mark.usefixtures("proposed")
@pytest.mark.parametrize(
    ("display", "labels", "expected"),
    [
        (
            "A-012",
            ("3-терезе", "Окно 3", "Desk 3"),
            (
                "А он екі, үшінші терезеге",
                "А двенадцать, к окну три",
                "A-twelve, Desk three",
            ),
        ),
        (
            "B-105",
            ("10-терезе", "Окно 10", "Desk 10"),
            (
                "бэ жүз бес, оныншы терезеге",
                "бэ сто пять, к окну десять",
                "B-one hundred and five, Desk ten",
            ),
        ),
        (
            "L-040",
            ("2-кабинет", "Кабинет 2", "Room 2"),
            (
                "эл қырық, екінші кабинетке",
                "эль сорок, к кабинету два",
                "L-forty, Room two",
            ),
        ),
    ],
)
def test_the_call_is_said_in_each_language(
    display: str, labels: tuple[str, str, str], expected: tuple[str, str, str]
) -> None:
    said = tuple(
        announcement_text(display, label, lang)
        for lang, label in zip(("kk", "ru", "en"), labels, strict=True)
    )
    assert said == expected


@pytest.mark.usefixtures("proposed")
def test_the_written_call_keeps_the_ticket_as_printed() -> None:
    assert announcement_text("A-012", "3-терезе", "kk", spoken=False) == "A-012, 3-терезеге"
    assert announcement_text("A-012", "Окно 3", "ru", spoken=False) == "A-012, к окну 3"
    assert announcement_text("A-012", "Desk 3", "en", spoken=False) == "A-012, Desk 3"


@pytest.mark.parametrize("lang", ["kk", "ru"])
def test_the_catalogs_hold_the_call_template(lang: str) -> None:
    # Fails until the proposed translations are merged into resources/locale.
    assert gettext_for(lang)(TEMPLATE) == PROPOSED[lang]
