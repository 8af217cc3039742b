"""E-mail through Django's SMTP backend to a real SMTP server (aiosmtpd) on 127.0.0.1."""

from __future__ import annotations

import email
import email.policy
from typing import Any

import pytest
from django.db import transaction

from issa.notifications.services import email_send
from issa.testing.smtp import Inbox

PDF = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"


class Boom(Exception):
    pass


@pytest.mark.django_db
def test_bill_with_pdf_attachment_arrives_over_smtp(smtp: Inbox, django_capture_on_commit_callbacks: Any) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        email_send(
            to=["client@example.by"], subject="Счёт за февраль 2026", body="Счёт во вложении.",
            attachments=[("bill-2026-02.pdf", PDF, "application/pdf")],
        )  # fmt: skip
        assert smtp.messages == []  # not before the commit
    assert len(smtp.messages) == 1
    envelope = smtp.messages[0]
    assert envelope.rcpt_tos == ["client@example.by"]
    message = email.message_from_bytes(envelope.content, policy=email.policy.default)
    assert message["Subject"] == "Счёт за февраль 2026"
    body = message.get_body(("plain",))
    assert body is not None
    assert body.get_content().strip() == "Счёт во вложении."
    [attachment] = list(message.iter_attachments())
    assert attachment.get_filename() == "bill-2026-02.pdf"
    assert attachment.get_content_type() == "application/pdf"
    assert attachment.get_content() == PDF


@pytest.mark.django_db
def test_rolled_back_transaction_sends_no_mail(smtp: Inbox, django_capture_on_commit_callbacks: Any) -> None:
    def send_then_fail() -> None:
        with transaction.atomic():
            email_send(to=["client@example.by"], subject="Не уйдёт", body="—")
            raise Boom

    with django_capture_on_commit_callbacks(execute=True), pytest.raises(Boom):
        send_then_fail()
    assert smtp.messages == []
