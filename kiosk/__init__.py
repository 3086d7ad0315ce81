"""Kezek core: the hall, the queue rules and the shared store. No Qt here."""

__version__ = "0.1.0"
