"""Every message a person reads goes through the catalogs: no error of the core or the printers
is a bare English f-string, and no widget shows a bare English literal.

``test_translations.py`` checks the messages that extraction finds; these tests find the
ones it cannot see, because they were never marked.
"""

from __future__ import annotations

import ast
import importlib
import pkgutil
import re
import string
from pathlib import Path

import pytest

import kiosk
import printing
from kiosk.errors import KezekError

ROOT = Path(__file__).parents[1]

# Read at the command line by whoever runs it or edits the file, in English as the CLI is.
COMMAND_LINE_ONLY = {
    "kiosk/cli.py",
    "kiosk/simulator.py",
    "kiosk/hall.py",
    "kiosk/experiment.py",
    "kiosk/hall_validator.py",
    "kiosk/hall_loader.py",
    "kiosk/terminal_config.py",
    "printing/cli.py",
    "printing/report_cli.py",
    "printing/report_run.py",
}
# Errors whose first argument is a value (a code, a ticket number) they build an N_ message from.
TAKES_A_VALUE = {
    "UnknownServiceError",
    "UnknownDeskError",
    "UnknownTicketError",
    "NoCurrentTicketError",
}
# Where the message template is not the first argument.
MESSAGE_ARGUMENT = {"RatingRefusedError": 1}


def error_classes() -> set[str]:
    for package in (kiosk, printing):
        for module in pkgutil.walk_packages(package.__path__, package.__name__ + "."):
            if ".migrations" not in module.name and not module.name.endswith("__main__"):
                importlib.import_module(module.name)
    found: set[str] = set()
    todo: list[type[BaseException]] = [KezekError]
    while todo:
        cls = todo.pop()
        found.add(cls.__name__)
        todo.extend(cls.__subclasses__())
    return found


def called_name(call: ast.Call) -> str | None:
    if isinstance(call.func, ast.Name):
        return call.func.id
    if isinstance(call.func, ast.Attribute):
        return call.func.attr
    return None


def is_marked(node: ast.expr) -> bool:
    return (
        isinstance(node, ast.Call)
        and called_name(node) == "N_"
        and len(node.args) == 1
        and isinstance(node.args[0], ast.Constant)
        and isinstance(node.args[0].value, str)
    )


def core_sources() -> list[Path]:
    return sorted(
        path
        for package in ("kiosk", "printing")
        for path in (ROOT / package).rglob("*.py")
        if "migrations" not in path.parts
        and path.relative_to(ROOT).as_posix() not in COMMAND_LINE_ONLY
    )


def error_messages() -> list[tuple[str, str, ast.Call, ast.expr]]:
    """Every construction of a Kezek error outside the command line, with its message argument."""
    classes = error_classes()
    found = []
    for path in core_sources():
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if not isinstance(node, ast.Call):
                continue
            name = called_name(node)
            if name not in classes or name in TAKES_A_VALUE:
                continue
            index = MESSAGE_ARGUMENT.get(name, 0)
            if len(node.args) > index:
                where = f"{path.relative_to(ROOT)}:{node.lineno}"
                found.append((where, name, node, node.args[index]))
    return found


def test_the_scan_sees_the_errors_of_the_core_and_the_printers() -> None:
    names = {name for _where, name, _call, _message in error_messages()}
    assert {
        "SignInError",
        "InvalidTransitionError",
        "StoreUnavailableError",
        "PrinterError",
    } <= names


def test_no_error_message_is_a_bare_string() -> None:
    """A literal, an f-string or a string built on the spot never reaches the catalogs."""
    bare = [
        f"{where}: {name}({ast.unparse(message)[:60]})"
        for where, name, _call, message in error_messages()
        if isinstance(message, ast.Constant | ast.JoinedStr | ast.BinOp | ast.List)
        or (isinstance(message, ast.Call) and not is_marked(message))
    ]
    assert bare == [], "wrap the template in N_() and pass its values as keywords"


def test_every_placeholder_of_an_error_is_given_and_every_value_is_used() -> None:
    wrong = []
    for where, name, call, message in error_messages():
        if not is_marked(message) or any(k.arg is None for k in call.keywords):
            continue
        assert isinstance(message, ast.Call) and isinstance(message.args[0], ast.Constant)
        template = str(message.args[0].value)
        wanted = {f for _text, f, _spec, _conv in string.Formatter().parse(template) if f}
        given = {k.arg for k in call.keywords if k.arg is not None} - {"capital"}
        if wanted != given:
            wrong.append(f"{where}: {name} wants {sorted(wanted)}, gets {sorted(given)}")
    assert wrong == []


# -- the windows -------------------------------------------------------------------------------

WIDGET_TEXT_SETTERS = {
    "setText",
    "setWindowTitle",
    "setToolTip",
    "setPlaceholderText",
    "setStatusTip",
    "setWhatsThis",
    "setTitle",
    "setTabText",
    "setInformativeText",
    "setLabelText",
    "setHeaderLabels",
    "addItem",
    "addTab",
    "addButton",
    "showMessage",
}
MESSAGE_BOXES = {"information", "warning", "critical", "question", "about"}
WIDGETS_WITH_TEXT = {
    "QPushButton",
    "QLabel",
    "QCheckBox",
    "QRadioButton",
    "QGroupBox",
    "QToolButton",
    "QAction",
    "QMessageBox",
}
# Words that are the same in every language: key names, the product's name, a keypad's OK.
NOT_LANGUAGE = re.compile(r"\bF\d{1,2}\b|\bEsc\b|\bKezek\b|^OK$")


def language_in(node: ast.expr) -> str | None:
    """The literal text of ``node`` if it holds a word; None for codes, digits and signs."""
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        text = node.value
    elif isinstance(node, ast.JoinedStr):
        text = "".join(str(v.value) for v in node.values if isinstance(v, ast.Constant))
    else:
        return None
    return text if any(c.isalpha() for c in NOT_LANGUAGE.sub("", text)) else None


def bare_widget_texts(source: str) -> list[tuple[int, str]]:
    found = []
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Call) and (
            called_name(node) in WIDGET_TEXT_SETTERS
            or called_name(node) in WIDGETS_WITH_TEXT
            or (
                called_name(node) in MESSAGE_BOXES
                and isinstance(node.func, ast.Attribute)
                and ast.unparse(node.func.value) == "QMessageBox"
            )
        ):
            for arg in node.args:
                text = language_in(arg)
                if text is not None:
                    found.append((node.lineno, text))
    return found


@pytest.mark.parametrize(
    ("source", "bare"),
    [
        ('label.setText("Call next")', True),
        ('QPushButton("Cancel", self)', True),
        ('label.setText(f"Desk {code}")', True),
        ('label.setText(_("Call next"))', False),
        ("label.setText(f\"{_('Resume')}  [F8]\")", False),
        ('label.setText("—")', False),
        ('label.setText(f"{label} ({code})")', False),
        ('QPushButton("OK")', False),
        ('QMessageBox.warning(self, "Kezek", "Printer lost")', True),
        ('log.warning("printer lost")', False),
    ],
)
def test_the_window_scan_tells_words_from_signs(source: str, bare: bool) -> None:
    assert bool(bare_widget_texts(source)) is bare


def test_no_widget_shows_a_bare_literal() -> None:
    bare = [
        f"{path.relative_to(ROOT)}:{line}: {text!r}"
        for path in sorted((ROOT / "ui").rglob("*.py"))
        for line, text in bare_widget_texts(path.read_text(encoding="utf-8"))
    ]
    assert bare == [], "wrap the text in _() or tr_ (or add a sign to NOT_LANGUAGE)"
