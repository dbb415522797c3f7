from django.urls import path

from . import views

app_name = "imports"

urlpatterns = [
    path("", views.import_index, name="index"),
    path("<slug:kind>/upload/", views.import_upload, name="upload"),
    path("<slug:kind>/template.xlsx", views.import_template, name="template"),
    path("<slug:kind>/export.xlsx", views.import_export, name="export"),
    path("runs/<int:pk>/", views.import_run_detail, name="run-detail"),
    path("runs/<int:pk>/apply/", views.import_run_apply, name="run-apply"),
    path("runs/<int:pk>/status.json", views.import_run_status, name="run-status"),
    path("runs/<int:pk>/file/", views.import_run_file, name="run-file"),
    path("runs/<int:pk>/errors.xlsx", views.import_run_errors, name="run-errors"),
]
