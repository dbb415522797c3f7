"""Auto-assignment URLs, to be merged into `supervisors/urls.py` (app_name "supervisors")."""

from django.urls import path

from . import views_autoassign

urlpatterns = [
    path("autoassign/", views_autoassign.autoassign_preview, name="autoassign-preview"),
    path("autoassign/apply/", views_autoassign.autoassign_apply, name="autoassign-apply"),
]
