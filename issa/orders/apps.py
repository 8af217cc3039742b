from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class OrdersConfig(AppConfig):
    name = "issa.orders"
    label = "orders"
    verbose_name = _("Service orders")

    def ready(self) -> None:
        # Order actions live in ``<app>/actions.py`` of any app (issa.orders.actions,
        # issa.numbering.actions, …) and register themselves with ``@order_action``.
        from django.utils.module_loading import autodiscover_modules

        autodiscover_modules("actions")
