from django.apps import AppConfig


class BackofficeConfig(AppConfig):
    """The operator's staff back office: staff roles, the second factor and the subscriber's one page."""

    default_auto_field = "django.db.models.BigAutoField"
    name = "issa.backoffice"
    verbose_name = "Back office"
