from django.contrib.auth import views as auth_views
from django.urls import path

from . import views

app_name = "accounts"

urlpatterns = [
    path("login/", views.LoginView.as_view(), name="login"),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("otp/", views.otp_verify_view, name="otp-verify"),
    path("otp/setup/", views.otp_setup_view, name="otp-setup"),
    path("password/", views.PasswordChangeView.as_view(), name="password-change"),
    path("notifications/", views.notification_list, name="notifications"),
    path("password/done/", views.PasswordChangeDoneView.as_view(), name="password-change-done"),
]
