from django.urls import path, re_path

from . import views
from .workbook import views as workbook_views

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
    path("staffing/", views.staffing, name="staffing"),
    # The fixed-format workbook (reports/workbook/).
    path("workbook/", workbook_views.workbook_list, name="workbook-list"),
    path("workbook/<int:pk>/", workbook_views.workbook_detail, name="workbook-detail"),
    path("workbook/<int:pk>/status/", workbook_views.workbook_status, name="workbook-status"),
    path("workbook/<int:pk>/download/", workbook_views.workbook_download, name="workbook-download"),
    path("workbook/<int:pk>/retry/", workbook_views.workbook_retry_view, name="workbook-retry"),
]
