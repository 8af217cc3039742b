"""The JSON API (django-ninja): one router per app, errors mapped in one place."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from ninja import NinjaAPI

from issa.core.errors import DomainError

api = NinjaAPI(
    title="ISSA API",
    version="1",
    description="Subscriber self-service API of ISSA: for the operator's mobile app and partners.",
    urls_namespace="api",
)


@api.exception_handler(DomainError)
def domain_error(request: HttpRequest, exc: DomainError) -> HttpResponse:
    return api.create_response(request, exc.as_dict(), status=exc.http_status)


@api.get("/ping", tags=["system"], auth=None)
def ping(request: HttpRequest) -> dict[str, str]:
    return {"status": "ok"}


from issa.access.api import router as access_router  # noqa: E402  (routers after the API object)

api.add_router("/access", access_router)

from issa.identity.api import router as identity_router  # noqa: E402  (AUTH-*: login, tokens)

api.add_router("/auth", identity_router)

from issa.billing.api import router as me_router  # noqa: E402  (INFO-2..4: my information)

api.add_router("/me", me_router)

from issa.finance.api import router as finance_router  # noqa: E402  (FIN-1, FIN-2, FIN-3, FIN-6)

api.add_router("/finance", finance_router)

from issa.payments.api import router as payments_router  # noqa: E402  (FIN-4, FIN-5)

api.add_router("/payments", payments_router)

from issa.billing.api_bills import router as bills_router  # noqa: E402  (BILL-1, BILL-2: bills, TMF678)

api.add_router("/bills", bills_router)

from issa.usage.api_detail import router as usage_router  # noqa: E402  (BILL-3 detail, STAT-1..4: TMF635)

api.add_router("/usage", usage_router)

from issa.orders.api import router as orders_router  # noqa: E402  (SVC, BSS-6: TMF622 orders, TMF637 inventory)

api.add_router("/orders", orders_router)

from issa.numbering.api import router as numbers_router  # noqa: E402  (SVC-6 number pool, SVC-11/12 state)

api.add_router("/numbers", numbers_router)

from issa.support.api import router as support_router  # noqa: E402  (SUP-1, SUP-2: TMF621 trouble tickets)

api.add_router("/support", support_router)
