from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "issa.core"
    label = "core"
    verbose_name = "Core"
