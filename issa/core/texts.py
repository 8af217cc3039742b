"""Texts stored for people to read later, written in the operator's language.

A ledger entry's «основание» (``LedgerEntry.reason``) is part of a financial record: it is
written once, in the language of the operator's documents (``settings.LANGUAGE_CODE``), whatever
language the request that caused it was in, and shown as stored on the back office's pages."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.utils import translation


def operator_text(message: Any, **params: Any) -> str:
    """``message`` (a lazy translation) rendered in the operator's language, with ``params``."""
    with translation.override(settings.LANGUAGE_CODE):
        text = str(message)
    return text % params if params else text
