from django.urls import path, re_path

from . import training_views as views

app_name = "training"

urlpatterns = [
    path("", views.event_list_view, name="event-list"),
    path("new/", views.event_create_view, name="event-create"),
    path("mine/", views.mine_view, name="mine"),
    path("hours/", views.hours_view, name="hours"),
    re_path(r"^hours/export\.(?P<fmt>csv|xlsx)$", views.hours_export, name="hours-export"),
    path("leave/", views.leave_list_view, name="leave-list"),
    path("leave/<int:pk>/decide/", views.leave_decide_view, name="leave-decide"),
    path("checkin/<str:token>/", views.checkin_view, name="checkin"),
    path("<int:pk>/", views.event_detail_view, name="event-detail"),
    path("<int:pk>/edit/", views.event_update_view, name="event-update"),
    path("<int:pk>/sittings/new/", views.sitting_create_view, name="sitting-create"),
    path("<int:pk>/enrol/", views.event_enrol_view, name="event-enrol"),
    path("<int:pk>/enrol/by-hand/", views.enrolment_add_view, name="enrolment-add"),
    path("<int:pk>/place/", views.event_place_view, name="event-place"),
    path("<int:pk>/enrolments/", views.enrolment_list_view, name="enrolment-list"),
    path("<int:pk>/figures/", views.event_figures_view, name="event-figures"),
    re_path(
        r"^(?P<pk>\d+)/absentees\.(?P<fmt>csv|xlsx)$",
        views.event_absentees_export,
        name="event-absentees",
    ),
    path("enrolments/<int:pk>/move/", views.enrolment_move_view, name="enrolment-move"),
    path("enrolments/<int:pk>/leave/", views.leave_request_view, name="leave-request"),
    path("sittings/<int:pk>/edit/", views.sitting_update_view, name="sitting-update"),
    path("sittings/<int:pk>/attendance/", views.sitting_mark_view, name="sitting-mark"),
    path("sittings/<int:pk>/screen/", views.sitting_screen_view, name="sitting-screen"),
    path("sittings/<int:pk>/qr/", views.sitting_qr_view, name="sitting-qr"),
    path("sittings/<int:pk>/board/", views.sitting_board_view, name="sitting-board"),
    path("sittings/<int:pk>/board.json", views.sitting_board_data, name="sitting-board-data"),
    path("sittings/<int:pk>/sign-in-sheet.pdf", views.sitting_sheet_pdf, name="sitting-sheet"),
]
