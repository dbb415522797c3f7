from django.apps import AppConfig


class CoreConfig(AppConfig):
    """core has no models; as an app it registers the database lookups of core.lookups."""

    name = "core"

    def ready(self) -> None:
        from . import lookups

        lookups.register()
