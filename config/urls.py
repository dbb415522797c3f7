from django.contrib import admin
from django.contrib.auth.decorators import login_not_required
from django.urls import include, path
from django.views.i18n import set_language

from reports.homes import home
from reports.personnel_file import worker_file_pdf
from reports.worker_file import worker_file
from trainees.urls import app_name as trainees_app
from trainees.urls import urlpatterns as trainee_urls

# No /media/ route, in any mode (DEBUG included): stored files hold personal data, encrypted at
# rest, and leave only through the views that check who may have them (core/downloads.py).
urlpatterns = [
    path("", home, name="home"),
    path("accounts/", include("accounts.urls")),
    # The worker's page gathers every app's records of one person (reports/worker_file.py)
    # but keeps its place among the roster's pages: /workers/<pk>/, "trainees:detail"; so
    # does its printable personnel file (reports/personnel_file.py).
    path(
        "workers/",
        include(
            (
                [
                    *trainee_urls,
                    path("<int:pk>/", worker_file, name="detail"),
                    path("<int:pk>/file.pdf", worker_file_pdf, name="file-pdf"),
                ],
                trainees_app,
            )
        ),
    ),
    path("structure/", include("trainees.structure_urls")),
    path("neighbourhoods/", include("neighbourhoods.urls")),
    path("supervisors/", include("supervisors.urls")),
    path("sessions/", include("sessions.urls")),
    path("certification/", include("certification.urls")),
    path("reports/", include("reports.urls")),
    path("training/", include("training.urls")),
    path("imports/", include("imports.urls")),
    path("i18n/setlang/", login_not_required(set_language), name="set_language"),
    path("admin/", admin.site.urls),
]

handler400 = "config.errors.bad_request"
handler403 = "config.errors.permission_denied"
handler404 = "config.errors.page_not_found"
handler500 = "config.errors.server_error"
