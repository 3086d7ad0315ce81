"""Calls as a voice says them: number words, letter names, and the desk in the right case.

Qt-free, beside the other language rules; the announcer (``ui/announcer.py``) speaks
what ``announcement_text`` gives. Per language, for the ear:

* kk: ``А он екі, үшінші терезеге`` — the label "3-терезе" is an ordinal ("3-" reads
  "үшінші") and takes the dative ending by vowel harmony (терезе → терезеге): "to the
  third window", the verb left out as halls do.
* ru: ``А двенадцать, к окну три`` — "к" governs the dative: the head noun of the label
  (and an adjective before it) is declined (Окно 3 → окну 3).
* en: ``A-twelve, Desk three``.

Latin ticket letters are read by their Russian names (B "бэ", V "вэ", H "аш", N "эн"),
not as Cyrillic look-alikes: the demo hall has both B and V, H and N, P and R, which
look-alike reading would make sound the same.
"""

from __future__ import annotations

import re

from kiosk.i18n import gettext_for

# A ticket as displayed: letters, an optional hyphen, digits ("A-012").
DISPLAY_PATTERN = re.compile(r"^([A-Za-z]+)-?(\d+)$")

# -- numbers ---------------------------------------------------------------------------

_EN_UNITS = [
    "zero",
    "one",
    "two",
    "three",
    "four",
    "five",
    "six",
    "seven",
    "eight",
    "nine",
    "ten",
    "eleven",
    "twelve",
    "thirteen",
    "fourteen",
    "fifteen",
    "sixteen",
    "seventeen",
    "eighteen",
    "nineteen",
]
_EN_TENS = ["_", "_", "twenty", "thirty", "forty", "fifty", "sixty", "seventy", "eighty", "ninety"]
_RU_UNITS = [
    "ноль",
    "один",
    "два",
    "три",
    "четыре",
    "пять",
    "шесть",
    "семь",
    "восемь",
    "девять",
    "десять",
    "одиннадцать",
    "двенадцать",
    "тринадцать",
    "четырнадцать",
    "пятнадцать",
    "шестнадцать",
    "семнадцать",
    "восемнадцать",
    "девятнадцать",
]
_RU_TENS = ["_", "_", "двадцать", "тридцать", "сорок", "пятьдесят", "шестьдесят", "семьдесят"]
_RU_TENS += ["восемьдесят", "девяносто"]
_RU_HUNDREDS = ["_", "сто", "двести", "триста", "четыреста", "пятьсот", "шестьсот", "семьсот"]
_RU_HUNDREDS += ["восемьсот", "девятьсот"]
_KK_UNITS = ["нөл", "бір", "екі", "үш", "төрт", "бес", "алты", "жеті", "сегіз", "тоғыз"]
_KK_TENS = ["_", "он", "жиырма", "отыз", "қырық", "елу", "алпыс", "жетпіс", "сексен", "тоқсан"]

_BACK_VOWELS = set("аоұыяё")
_FRONT_VOWELS = set("әеөүіиэю")
_VOWELS = _BACK_VOWELS | _FRONT_VOWELS | {"у"}
_KK_VOICED = set("лмнңрйзж")


def _en_words(n: int) -> str:
    if n < 20:
        return _EN_UNITS[n]
    if n < 100:
        tens, unit = divmod(n, 10)
        return _EN_TENS[tens] + (f"-{_EN_UNITS[unit]}" if unit else "")
    if n < 1000:
        hundreds, rest = divmod(n, 100)
        head = f"{_EN_UNITS[hundreds]} hundred"
        return head + (f" and {_en_words(rest)}" if rest else "")
    thousands, rest = divmod(n, 1000)
    head = f"{_en_words(thousands)} thousand"
    if not rest:
        return head
    return head + (" and " if rest < 100 else " ") + _en_words(rest)


def _ru_below_thousand(n: int, feminine: bool = False) -> list[str]:
    words: list[str] = []
    hundreds, rest = divmod(n, 100)
    if hundreds:
        words.append(_RU_HUNDREDS[hundreds])
    if rest >= 20:
        tens, rest = divmod(rest, 10)
        words.append(_RU_TENS[tens])
    if rest or not words:
        unit = _RU_UNITS[rest]
        if feminine and rest in (1, 2):
            unit = ("одна", "две")[rest - 1]
        words.append(unit)
    return words


def _ru_words(n: int) -> str:
    if n < 1000:
        return " ".join(_ru_below_thousand(n))
    thousands, rest = divmod(n, 1000)
    last_two, last = thousands % 100, thousands % 10
    if 11 <= last_two <= 14 or last == 0 or last >= 5:
        noun = "тысяч"
    else:
        noun = "тысяча" if last == 1 else "тысячи"
    head = [noun] if thousands == 1 else [*_ru_below_thousand(thousands, feminine=True), noun]
    return " ".join(head + (_ru_below_thousand(rest) if rest else []))


def _kk_words(n: int) -> str:
    if n == 0:
        return _KK_UNITS[0]
    words: list[str] = []
    thousands, n = divmod(n, 1000)
    if thousands:
        words += ([] if thousands == 1 else [_kk_words(thousands)]) + ["мың"]
    hundreds, n = divmod(n, 100)
    if hundreds:
        words += ([] if hundreds == 1 else [_KK_UNITS[hundreds]]) + ["жүз"]
    tens, unit = divmod(n, 10)
    if tens:
        words.append(_KK_TENS[tens])
    if unit:
        words.append(_KK_UNITS[unit])
    return " ".join(words)


def number_words(n: int, lang: str) -> str:
    """``n`` (0–999 999) in words as a voice should say it: 12 → "он екі", "двенадцать"."""
    if not 0 <= n < 1_000_000:
        return str(n)
    if lang == "kk":
        return _kk_words(n)
    if lang == "ru":
        return _ru_words(n)
    return _en_words(n)


def _last_vowel_is_back(word: str) -> bool:
    for letter in reversed(word.lower()):
        if letter in _BACK_VOWELS:
            return True
        if letter in _FRONT_VOWELS or letter == "ь":
            return False
    return True


def kk_ordinal(n: int) -> str:
    """A Kazakh ordinal in words: 3 → "үшінші", 40 → "қырқыншы", 20 → "жиырмасыншы"."""
    words = number_words(n, "kk").split()
    last = words[-1]
    back = _last_vowel_is_back(last)
    if last == "қырық":
        last = "қырқ"  # the second vowel drops before the suffix
    if last == "жиырма":
        suffix = "сыншы"
    elif last[-1] in _VOWELS - {"у"}:
        suffix = "ншы" if back else "нші"
    else:
        suffix = "ыншы" if back else "інші"
    return " ".join([*words[:-1], last + suffix])


def kk_dative(word: str) -> str:
    """The Kazakh dative ending for a word (терезе → терезеге, кабинет → кабинетке).

    Digits take the ending of their spoken form, after a hyphen (3 → 3-ке).
    """
    if word.isdigit():
        spoken = number_words(int(word), "kk").split()[-1]
        return f"{word}-{kk_dative(spoken)[len(spoken) :]}"
    letters = word.rstrip("ьъ").lower()
    if not letters or not re.search("[а-яәғқңөұүһі]", letters):
        return word  # a Latin or empty label: no Kazakh ending to choose
    back = _last_vowel_is_back(word)
    end = letters[-1]
    voiced = end in _VOWELS or end in _KK_VOICED
    suffix = ("ға" if back else "ге") if voiced else ("қа" if back else "ке")
    return word + suffix


_RU_ADJECTIVE = (
    ("ая", "ой"),
    ("яя", "ей"),
    ("ья", "ьей"),
    ("ое", "ому"),
    ("ее", "ему"),
    ("ье", "ьему"),
    ("ый", "ому"),
    ("ой", "ому"),
    ("кий", "кому"),
    ("гий", "гому"),
    ("хий", "хому"),
    ("ий", "ему"),
)
_RU_ADJECTIVE_END = "(ая|яя|ья|ое|ее|ье|ый|ой|ий)$"
_RU_NOUN = (("ия", "ии"), ("а", "е"), ("я", "е"), ("о", "у"), ("е", "ю"), ("й", "ю"), ("ь", "и"))


def _ru_dative_word(word: str, adjective: bool) -> str:
    lower = word.lower()
    for ending, replacement in _RU_ADJECTIVE if adjective else _RU_NOUN:
        if lower.endswith(ending):
            return word[: len(word) - len(ending)] + replacement
    return word + "у"  # a masculine noun ending in a consonant: кабинет → кабинету


def ru_dative(label: str) -> str:
    """A Russian desk label after "к": the head noun and adjectives before it in the dative.

    "Окно 3" → "окну 3", "Стойка 2" → "стойке 2", "Главная касса" → "главной кассе";
    what follows the noun (a number, "выдачи") is kept as it is.
    """
    words = label.split()
    for index, word in enumerate(words):
        if not re.fullmatch("[А-Яа-яЁё-]+", word):
            break
        bare = word.lower() if word[:1].isupper() and word[1:].islower() else word
        is_adjective = bool(re.search(_RU_ADJECTIVE_END, bare.lower())) and index + 1 < len(words)
        words[index] = _ru_dative_word(bare, is_adjective)
        if not is_adjective:
            break
    return " ".join(words)


# -- letters -----------------------------------------------------------------------------

_RU_LETTERS = dict(
    zip(
        "ABCDEFGHIJKLMNOPQRSTUVWXYZ",
        [
            "А",
            "бэ",
            "цэ",
            "дэ",
            "Е",
            "эф",
            "гэ",
            "аш",
            "И",
            "йот",
            "ка",
            "эль",
            "эм",
            "эн",
            "О",
            "пэ",
            "ку",
            "эр",
            "эс",
            "тэ",
            "У",
            "вэ",
            "дубль-вэ",
            "икс",
            "игрек",
            "зэт",
        ],
        strict=True,
    )
)
_KK_LETTERS = {**_RU_LETTERS, "J": "жи", "L": "эл", "Q": "кю"}


def letter_names(letters: str, lang: str) -> str:
    """Ticket letters as a voice says them in ``lang`` (ru "B" → "бэ", en stays "B")."""
    if lang == "en":
        return letters
    table = _KK_LETTERS if lang == "kk" else _RU_LETTERS
    return " ".join(table.get(letter, letter) for letter in letters.upper())


def spoken_number(display: str, lang: str) -> str:
    """A ticket number for the ear: "A-012" → kk "А он екі", ru "А двенадцать", en "A-twelve"."""
    match = DISPLAY_PATTERN.match(display.strip())
    if match is None:
        return display
    letters, digits = match.groups()
    words = number_words(int(digits), lang)
    if lang == "en":
        # Alone, "A" is read as the article; joined, engines spell the letters out.
        return f"{letters.upper()}-{words}"
    return f"{letter_names(letters, lang)} {words}"


def _speak_digits(text: str, lang: str) -> str:
    if lang == "kk":
        # "3-терезе": a number with a hyphen before a word is an ordinal in Kazakh.
        text = re.sub(r"(\d+)-(?=\w)", lambda m: kk_ordinal(int(m.group(1))) + " ", text)
    return re.sub(r"\d+", lambda m: number_words(int(m.group(0)), lang), text)


def _kk_dative_last(label: str) -> str:
    head, _sep, last = label.rpartition(" ")
    prefix, dash, word = last.rpartition("-")
    last = f"{prefix}{dash}{kk_dative(word)}" if word else kk_dative(last)
    return f"{head} {last}" if head else last


def desk_phrase(label: str, lang: str, *, spoken: bool = True) -> str:
    """The desk label as the call's ``{desk}``: in the dative where the language needs it."""
    label = " ".join(label.split())
    if lang == "kk":
        # Spoken, the numbers become words first: the ending follows the last word heard.
        return _kk_dative_last(_speak_digits(label, lang) if spoken else label)
    if lang == "ru":
        label = ru_dative(label)
    return _speak_digits(label, lang) if spoken else label


def announcement_text(display: str, desk_label: str, lang: str, *, spoken: bool = True) -> str:
    """The call in one language; ``spoken`` reads numbers as words for a voice.

    kk "А он екі, үшінші терезеге"; with ``spoken=False`` the written form
    "A-012, 3-терезеге". Short on purpose: while calls queue up, every second of a
    phrase is a second the next visitor waits to hear their number.
    """
    _ = gettext_for(lang)
    # {desk} is the desk's label in the case the sentence needs (kk, ru: the dative);
    # ru "{number}, к {desk}", kk "{number}, {desk}" (the dative says "to").
    template = _("{number}, {desk}")
    number = spoken_number(display, lang) if spoken else display
    return template.format(number=number, desk=desk_phrase(desk_label, lang, spoken=spoken))


def estimate_seconds(text: str) -> float:
    """About how long a voice takes to say ``text`` (~14 characters a second)."""
    return 0.5 + len(text) / 14
