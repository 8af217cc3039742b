"""/api/support: the subscriber's feedback requests (SUP-1, SUP-2), shaped after TMF621 Trouble
Ticket (troubleTicket: id, name, description, ticketType, status, creationDate,
expectedResolutionDate, resolutionDate, note, attachment). The same services as the portal; every
request is read through the caller's own subscriber (another's id → 404). Attachments are sent
through the portal form; here they are listed with their download link.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.http import HttpRequest
from django.urls import reverse
from ninja import Router, Schema, Status

from issa.billing.api import _auths, _subscriber
from issa.core import clock
from issa.identity.actor import Actor

from . import selectors, services
from .models import SupportRequest

router = Router(tags=["support"], auth=_auths())

# TMF621 status names for our four states.
TMF_STATUS = {
    SupportRequest.Status.NEW: "acknowledged",
    SupportRequest.Status.IN_PROGRESS: "inProgress",
    SupportRequest.Status.ANSWERED: "resolved",
    SupportRequest.Status.CLOSED: "closed",
}


class NoteOut(Schema):
    text: str
    date: datetime | None
    author: str


class AttachmentOut(Schema):
    name: str
    mimeType: str
    size: int
    url: str


class TicketOut(Schema):
    id: str
    href: str
    name: str
    description: str
    ticketType: str
    status: str
    creationDate: datetime
    expectedResolutionDate: datetime
    resolutionDate: datetime | None
    note: list[NoteOut]
    attachment: list[AttachmentOut]


class TicketIn(Schema):
    name: str
    description: str
    ticketType: str = "question"


def _out(item: SupportRequest) -> dict[str, Any]:
    notes = []
    if item.answer:
        notes.append({"text": item.answer, "date": item.answered_at, "author": "operator"})
    files = []
    if item.attachment:
        files.append(
            {
                "name": item.attachment_name,
                "mimeType": item.attachment_type,
                "size": item.attachment_size,
                "url": reverse("portal:support_attachment", args=[item.pk]),
            }
        )
    return {
        "id": str(item.pk),
        "href": f"/api/support/troubleTicket/{item.pk}",
        "name": item.subject,
        "description": item.text,
        "ticketType": item.topic,
        "status": TMF_STATUS.get(SupportRequest.Status(item.status), item.status),
        "creationDate": item.created_at,
        "expectedResolutionDate": item.due_at,
        "resolutionDate": item.answered_at,
        "note": notes,
        "attachment": files,
    }


@router.get("/troubleTicket", response=list[TicketOut], summary="My feedback requests with answers (SUP-2)")
def ticket_list(request: HttpRequest) -> list[dict[str, Any]]:
    subscriber = _subscriber(request)
    return [_out(item) for item in selectors.requests_of(subscriber_id=subscriber.pk)[:100]]


@router.post("/troubleTicket", response={201: TicketOut}, summary="Ask a question or leave a wish (SUP-1)")
def ticket_create(request: HttpRequest, payload: TicketIn) -> Status:
    item = services.support_request_create(
        subscriber=_subscriber(request),
        topic=payload.ticketType,
        subject=payload.name,
        text=payload.description,
        actor=Actor.from_request(request, channel="api"),
        now=clock.now(),
    )
    return Status(201, _out(item))


@router.get("/troubleTicket/{ticket_id}", response=TicketOut, summary="One of my feedback requests (SUP-2)")
def ticket_read(request: HttpRequest, ticket_id: str) -> dict[str, Any]:
    subscriber = _subscriber(request)
    return _out(selectors.request_of(subscriber_id=subscriber.pk, request_id=ticket_id))
