from django.urls import path, re_path

from . import views

app_name = "reports"

urlpatterns = [
    path("", views.dashboard, name="dashboard"),
    path("runs/", views.run_list_view, name="run-list"),
    path("runs/<int:pk>/", views.run_detail, name="run-detail"),
    path("runs/<int:pk>/status/", views.run_status, name="run-status"),
    path("runs/<int:pk>/retry/", views.run_retry, name="run-retry"),
    re_path(
        r"^runs/(?P<pk>\d+)/download\.(?P<fmt>pdf|xlsx)$", views.run_download, name="run-download"
    ),
    path("commentary/", views.commentary_edit, name="commentary"),
]
