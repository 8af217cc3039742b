from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class UssdConfig(AppConfig):
    name = "issa.ussd"
    label = "ussd"
    verbose_name = _("USSD")

    def ready(self) -> None:
        # Menus register themselves on import: the spine's here, each app's in its ussd.py.
        from django.utils.module_loading import autodiscover_modules

        from . import menus  # noqa: F401

        autodiscover_modules("ussd")
