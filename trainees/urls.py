from django.urls import path, re_path

from . import views
from .assessments import views as assessments

app_name = "trainees"

# The worker's own page, "trainees:detail" at <int:pk>/, is added in config/urls.py: it
# gathers data of apps above this one (reports/worker_file.py).

urlpatterns = [
    path("", views.TraineeListView.as_view(), name="list"),
    re_path(r"^export\.(?P<fmt>csv|xlsx)$", views.trainee_export, name="export"),
    path("exports/<int:pk>/", views.export_detail, name="export-detail"),
    path("exports/<int:pk>/status/", views.export_status, name="export-status"),
    path("exports/<int:pk>/download/", views.export_download, name="export-download"),
    path("new/", views.trainee_create_view, name="create"),
    path("<int:pk>/edit/", views.trainee_update_view, name="update"),
    path("<int:pk>/leave/", views.trainee_mark_left_view, name="mark-left"),
    path("<int:pk>/status/", views.trainee_status_view, name="status"),
    path("<int:pk>/change/", views.trainee_change_view, name="change"),
    # The yearly assessment (年度考核), trainees/assessments/.
    path("assessments/", assessments.round_list_view, name="assessment-list"),
    path("assessments/<int:year>/", assessments.round_view, name="assessment-round"),
    path("assessments/<int:year>/quota/", assessments.quota_view, name="assessment-quota"),
    path("assessments/<int:year>/lock/", assessments.lock_view, name="assessment-lock"),
    path("assessments/<int:year>/unlock/", assessments.unlock_view, name="assessment-unlock"),
]
