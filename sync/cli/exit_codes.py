"""The exit codes of ``outpost COMMAND``, in one place (the README's table says the same).

====  ======================================================================================
code  meaning
====  ======================================================================================
0     done
1     refused or not found: the command was understood, but what it names does not exist
      (a ticket, a queue, a replica) or the action is not allowed; nothing was half-written
2     usage or syntax: an unknown command or option, a bad option value, a search query that
      does not parse
3     sign in needed (the unsynced work is kept)
4     the server is unreachable or busy (the work is kept; try again later)
5     this Outpost or the server needs an upgrade
130   interrupted (Ctrl+C); nothing was half-written
====  ======================================================================================

Errors print to standard error: one line (``outpost: ...``), except a search query's syntax
error, which adds the query and a caret under the place it points at.
"""

from __future__ import annotations

from sync.errors import (
    AuthRequiredError,
    ErrorKind,
    OutpostError,
    ProtocolVersionError,
    ServerUnavailableError,
    ValidationError,
)

__all__ = [
    "EXIT_INTERRUPTED",
    "EXIT_OK",
    "EXIT_REFUSED",
    "EXIT_RETRY_LATER",
    "EXIT_SIGN_IN",
    "EXIT_UPGRADE",
    "EXIT_USAGE",
    "UsageError",
    "exit_code_for",
]

EXIT_OK = 0
EXIT_REFUSED = 1
EXIT_USAGE = 2
EXIT_SIGN_IN = 3
EXIT_RETRY_LATER = 4
EXIT_UPGRADE = 5
EXIT_INTERRUPTED = 130


class UsageError(ValidationError):
    """The command line itself is wrong (a value argparse cannot check alone): exit 2."""

    kind = ErrorKind.USAGE


def exit_code_for(exc: OutpostError) -> int:
    if isinstance(exc, UsageError):
        return EXIT_USAGE
    if isinstance(exc, AuthRequiredError):
        return EXIT_SIGN_IN
    if isinstance(exc, ProtocolVersionError):
        return EXIT_UPGRADE
    if isinstance(exc, ServerUnavailableError):  # and the engine's RetryLaterError
        return EXIT_RETRY_LATER
    return EXIT_REFUSED
