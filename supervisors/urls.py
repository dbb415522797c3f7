from django.urls import path, re_path

from . import options, views
from .urls_autoassign import urlpatterns as autoassign_urlpatterns

app_name = "supervisors"

urlpatterns = [
    path("", views.SupervisorListView.as_view(), name="list"),
    path("<int:pk>/", views.supervisor_detail, name="detail"),
    path("coverage/", views.coverage_view, name="coverage"),
    path("options/", options.supervisor_options, name="options"),
    path("assignments/", views.AssignmentListView.as_view(), name="assignment-list"),
    re_path(
        r"^assignments/export\.(?P<fmt>csv|xlsx)$",
        views.assignment_export,
        name="assignment-export",
    ),
    path("assignments/<int:pk>/end/", views.assignment_end_view, name="assignment-end"),
    path("assign/<int:trainee_pk>/", views.assignment_create_view, name="assignment-create"),
    *autoassign_urlpatterns,
]
