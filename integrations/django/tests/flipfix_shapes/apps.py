from django.apps import AppConfig


class FlipfixShapesConfig(AppConfig):
    name = "flipfix_shapes"
    default_auto_field = "django.db.models.BigAutoField"
