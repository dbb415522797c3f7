from django.apps import AppConfig


class DemoConfig(AppConfig):
    """seed_demo and demo_logins; no models, and no other app imports it (STYLE.md, layers)."""

    name = "demo"
