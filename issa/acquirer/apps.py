from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AcquirerConfig(AppConfig):
    name = "issa.acquirer"
    label = "acquirer"
    verbose_name = _("Sandbox acquirer")
