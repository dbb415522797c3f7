from django.urls import path, re_path

from . import views

app_name = "sessions"

urlpatterns = [
    path("", views.SessionListView.as_view(), name="list"),
    re_path(r"^export\.(?P<fmt>csv|xlsx)$", views.session_export, name="export"),
    path("new/", views.session_create_view, name="create"),
    path("<int:pk>/", views.session_detail_view, name="detail"),
    path("<int:pk>/edit/", views.session_update_view, name="update"),
    path("<int:pk>/submit/", views.session_submit_view, name="submit"),
    path("<int:pk>/correct/", views.session_correct_view, name="correct"),
    path("<int:pk>/confirm/", views.session_confirm_view, name="confirm"),
    path("month-close/", views.month_close_view, name="month-close"),
    path("overdue/", views.overdue_view, name="overdue"),
]
