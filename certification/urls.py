from django.urls import path, re_path

from . import views
from .grades import views as grades
from .grants import views as grants

app_name = "certification"

urlpatterns = [
    path("", views.dashboard, name="dashboard"),
    path("certified/", views.CertifiedListView.as_view(), name="certified-list"),
    re_path(
        r"^certified/export\.(?P<fmt>csv|xlsx)$",
        views.CertifiedListView.as_view(),
        name="certified-export",
    ),
    path("registrations/", views.RegistrationListView.as_view(), name="registration-list"),
    re_path(
        r"^registrations/export\.(?P<fmt>csv|xlsx)$",
        views.RegistrationListView.as_view(),
        name="registration-export",
    ),
    path("ce/", views.CeShortfallListView.as_view(), name="ce-list"),
    re_path(
        r"^ce/export\.(?P<fmt>csv|xlsx)$", views.CeShortfallListView.as_view(), name="ce-export"
    ),
    path("pipeline/", views.PipelineListView.as_view(), name="pipeline-list"),
    re_path(
        r"^pipeline/export\.(?P<fmt>csv|xlsx)$",
        views.PipelineListView.as_view(),
        name="pipeline-export",
    ),
    path("grades/", grades.ledger_list_view, name="grade-list"),
    path("grades/rules/", grades.grade_rule_view, name="grade-rule"),
    path("grades/<int:year>/", grades.ledger_view, name="grade-year"),
    path("grades/<int:year>/workers/<int:pk>/", grades.proposal_view, name="grade-proposal"),
    path("grades/<int:year>/<slug:action>/", grades.ledger_action_view, name="grade-action"),
    path("grants/", grants.grant_list_view, name="grant-list"),
    path("grants/export.xlsx", grants.grant_export_view, name="grant-export"),
    path("grants/rules/", grants.grant_rule_view, name="grant-rule"),
    path("grants/payments/<int:pk>/cancel/", grants.grant_cancel_view, name="grant-cancel"),
    path("workers/<int:pk>/attempt/", views.attempt_create, name="attempt-create"),
    path(
        "workers/<int:pk>/external-hours/",
        views.external_hours_create,
        name="external-hours-create",
    ),
    path("certificates/<int:pk>/register/", views.registration_create, name="registration-create"),
]
