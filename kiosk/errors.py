"""Typed errors of the core, each with the exit code its command returns.

An error carries an English message id (marked with ``N_``) and its parameters, so that
each window shows it in its own language; ``str(error)`` is the English text the command
line prints.
"""

from __future__ import annotations

from kiosk.i18n import N_, Phrase, Translate, gettext_for, render


class KezekError(Exception):
    """Base of every error the core reports to a person rather than as a traceback.

    ``KezekError(N_("Desk {desk} is already {state}."), desk=code, state=Phrase(N_("open")))``:
    ``message_id`` is the template, ``params`` fill its ``{named}`` placeholders (a
    ``Phrase`` parameter is translated too). ``message_for(tr)`` and ``translated(lang)``
    give the message in a window's language; ``str()`` gives it in English.
    """

    exit_code = 1

    def __init__(self, message: str = "", /, **params: object) -> None:
        self.message_id = message
        self.params = params
        super().__init__(render(_same, message, params))

    def message_for(self, tr: Translate) -> str:
        """The message translated with a window's ``tr_`` (a gettext function)."""
        return render(tr, self.message_id, self.params)

    def translated(self, lang: str) -> str:
        """The message in ``lang`` (kk, ru or en)."""
        return self.message_for(gettext_for(lang))

    def phrase(self) -> Phrase:
        """The message as a phrase, to be stored (``Phrase.to_data``) and read later."""
        phrase = Phrase(self.message_id)
        phrase.params = dict(self.params)
        return phrase


def _same(message: str) -> str:
    return message


class HallFileError(KezekError):
    """The hall file cannot be read or breaks a rule; ``problems`` lists every finding."""

    exit_code = 2

    def __init__(self, problems: list[str]) -> None:
        self.problems = problems
        super().__init__("\n".join(problems))


class QueueRuleError(KezekError):
    """The queue rules refuse the request (unknown code, wrong state, nothing to do)."""

    exit_code = 3


class UnknownServiceError(QueueRuleError):
    """No active service has this code."""

    def __init__(self, code: str) -> None:
        self.code = code
        super().__init__(N_("There is no service with the code '{code}'."), code=code)


class UnknownDeskError(QueueRuleError):
    """No active desk has this code."""

    def __init__(self, code: str) -> None:
        self.code = code
        super().__init__(N_("There is no desk with the code '{code}'."), code=code)


class UnknownTicketError(QueueRuleError):
    """No ticket matches the number or id given."""

    def __init__(self, ref: str) -> None:
        self.ref = ref
        super().__init__(N_("No ticket {ref} was found."), ref=ref)


class NoCurrentTicketError(QueueRuleError):
    """The desk has no called or serving ticket to act on."""

    def __init__(self, desk: str) -> None:
        self.desk = desk
        super().__init__(N_("Desk {desk} has no current ticket. Call a ticket first."), desk=desk)


class InvalidTransitionError(QueueRuleError):
    """The ticket or desk is not in a state that allows the requested step."""


class InvalidTokenError(QueueRuleError):
    """A scanned ticket code is malformed, forged or altered."""

    def __init__(self, reason: str) -> None:
        """``reason`` is an ``N_``-marked phrase, translated with the message."""
        super().__init__(N_("This ticket code is not valid: {reason}."), reason=Phrase(reason))


class StoreUnavailableError(KezekError):
    """The database cannot be reached or is not set up; the message names the URL safely."""

    exit_code = 4


class SignInError(QueueRuleError):
    """A wrong login or PIN, a disabled account, or a lockout after too many wrong PINs."""


class PermissionDeniedError(QueueRuleError):
    """The signed-in person's role does not allow this."""


class ServiceClosedError(QueueRuleError):
    """The service takes no new tickets today."""


class InsufficientPrivilegeError(StoreUnavailableError):
    """The database refused this terminal's role an operation its grants do not allow.

    Retrying does not help: the role needs the rights that ``kezek grants`` gives its face.
    """

    exit_code = 6


class BackupError(KezekError):
    """A backup or restore cannot be made: the file, the target store or the tool is not right."""

    exit_code = 2


class GrantsError(KezekError):
    """Roles cannot be set up as asked: a SQLite store, or role names PostgreSQL refuses."""

    exit_code = 2


class OutputError(KezekError):
    """A report's file or folder cannot be written where it was asked to go."""

    exit_code = 2


class FolderTakenError(OutputError):
    """The folder asked for holds files that Kezek did not write there."""

    def __init__(self, folder: object, files: list[str]) -> None:
        self.folder = folder
        self.files = files
        shown = ", ".join(files[:3]) + (", ..." if len(files) > 3 else "")
        super().__init__(
            N_(
                "The folder {folder} holds files that Kezek did not write there ({files}): "
                "give a new or an empty folder."
            ),
            folder=str(folder),
            files=shown,
        )


class SharedFolderError(OutputError):
    """The open data would share a folder with the internal tables, which hold personal data."""

    def __init__(self, folder: object) -> None:
        self.folder = folder
        super().__init__(
            N_(
                "The open data and the internal tables cannot share the folder {folder}: the "
                "internal tables hold personal data. Give --open-data and --csv separate "
                "folders."
            ),
            folder=str(folder),
        )


class TextRefusedError(QueueRuleError):
    """A text no store could keep as given: longer than its column allows, or holding a NUL
    character or an unpaired surrogate. Refused before the database, alike on every store;
    the message names the field and the limit."""


class DatabaseURLError(StoreUnavailableError):
    """The database URL is malformed or names a store Kezek does not run on: a setting to
    correct (exit 2), not a server to wait for. The message never holds a password."""

    exit_code = 2


class ReportPeriodError(KezekError):
    """The period asked for cannot be reported: the hall declares no experiment, a cycle
    has not begun, no cycle starts in the year. A matter of the command's arguments or the
    hall file: exit 2."""

    exit_code = 2


class NothingToReportError(QueueRuleError):
    """The period holds no visits: no report is written, rather than pages of zeros."""
