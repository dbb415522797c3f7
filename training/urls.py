from django.urls import path, re_path

from .views import checkin, events, hours, leave, sittings

app_name = "training"

urlpatterns = [
    path("", events.event_list_view, name="event-list"),
    path("new/", events.event_create_view, name="event-create"),
    path("mine/", leave.mine_view, name="mine"),
    path("hours/", hours.hours_view, name="hours"),
    re_path(r"^hours/export\.(?P<fmt>csv|xlsx)$", hours.hours_export, name="hours-export"),
    path("leave/", leave.leave_list_view, name="leave-list"),
    path("leave/<int:pk>/decide/", leave.leave_decide_view, name="leave-decide"),
    path("checkin/<str:token>/", checkin.checkin_view, name="checkin"),
    path("<int:pk>/", events.event_detail_view, name="event-detail"),
    path("<int:pk>/edit/", events.event_update_view, name="event-update"),
    path("<int:pk>/sittings/new/", sittings.sitting_create_view, name="sitting-create"),
    path("<int:pk>/enrol/", events.event_enrol_view, name="event-enrol"),
    path("<int:pk>/enrol/by-hand/", events.enrolment_add_view, name="enrolment-add"),
    path("<int:pk>/place/", events.event_place_view, name="event-place"),
    path("<int:pk>/enrolments/", events.enrolment_list_view, name="enrolment-list"),
    path("<int:pk>/figures/", events.event_figures_view, name="event-figures"),
    re_path(
        r"^(?P<pk>\d+)/absentees\.(?P<fmt>csv|xlsx)$",
        events.event_absentees_export,
        name="event-absentees",
    ),
    path("enrolments/<int:pk>/move/", events.enrolment_move_view, name="enrolment-move"),
    path("enrolments/<int:pk>/leave/", leave.leave_request_view, name="leave-request"),
    path("sittings/<int:pk>/edit/", sittings.sitting_update_view, name="sitting-update"),
    path("sittings/<int:pk>/attendance/", sittings.sitting_mark_view, name="sitting-mark"),
    path("sittings/<int:pk>/screen/", checkin.sitting_screen_view, name="sitting-screen"),
    path("sittings/<int:pk>/qr/", checkin.sitting_qr_view, name="sitting-qr"),
    path("sittings/<int:pk>/board/", sittings.sitting_board_view, name="sitting-board"),
    path("sittings/<int:pk>/board.json", sittings.sitting_board_data, name="sitting-board-data"),
    path("sittings/<int:pk>/sign-in-sheet.pdf", sittings.sitting_sheet_pdf, name="sitting-sheet"),
]
