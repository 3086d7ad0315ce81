"""Typed errors of the core, each with the exit code its command returns."""

from __future__ import annotations


class KezekError(Exception):
    """Base of every error the core reports to a person rather than as a traceback."""

    exit_code = 1


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
        super().__init__(f"There is no service with the code '{code}'.")


class UnknownDeskError(QueueRuleError):
    """No active desk has this code."""

    def __init__(self, code: str) -> None:
        self.code = code
        super().__init__(f"There is no desk with the code '{code}'.")


class UnknownTicketError(QueueRuleError):
    """No ticket matches the number or id given."""

    def __init__(self, ref: str) -> None:
        self.ref = ref
        super().__init__(f"No ticket {ref} was found.")


class NoCurrentTicketError(QueueRuleError):
    """The desk has no called or serving ticket to act on."""

    def __init__(self, desk: str) -> None:
        self.desk = desk
        super().__init__(f"Desk {desk} has no current ticket. Call a ticket first.")


class InvalidTransitionError(QueueRuleError):
    """The ticket or desk is not in a state that allows the requested step."""


class InvalidTokenError(QueueRuleError):
    """A scanned ticket code is malformed, forged or altered."""

    def __init__(self, reason: str) -> None:
        super().__init__(f"This ticket code is not valid: {reason}.")


class StoreUnavailableError(KezekError):
    """The database cannot be reached or is not set up; the message names the URL safely."""

    exit_code = 4


class SignInError(QueueRuleError):
    """A wrong login or PIN, a disabled account, or a lockout after too many wrong PINs."""


class PermissionDeniedError(QueueRuleError):
    """The signed-in person's role does not allow this."""


class ServiceClosedError(QueueRuleError):
    """The service takes no new tickets today."""
