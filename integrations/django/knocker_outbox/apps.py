from django.apps import AppConfig


class KnockerOutboxConfig(AppConfig):
    name = "knocker_outbox"
    label = "knocker_outbox"
    verbose_name = "Knocker outbox"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from .signals import connect_configured_models

        connect_configured_models()
