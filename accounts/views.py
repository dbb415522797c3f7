from django.contrib.auth import views as auth_views
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse_lazy
from django.utils.translation import gettext_lazy as _

from reports.selectors import home_figures


class LoginView(auth_views.LoginView):
    template_name = "accounts/login.html"
    redirect_authenticated_user = True


class PasswordChangeView(auth_views.PasswordChangeView):
    template_name = "accounts/password_change.html"
    success_url = reverse_lazy("accounts:password-change-done")


class PasswordChangeDoneView(auth_views.PasswordChangeDoneView):
    template_name = "accounts/password_change_done.html"
    title = _("密码已修改")


def home(request: HttpRequest) -> HttpResponse:
    """Each role lands on what it works with."""
    user = request.user
    if user.is_worker:
        trainee = getattr(user, "trainee", None)
        if trainee is not None:
            return redirect("trainees:detail", pk=trainee.pk)
    return render(request, "home.html", {"figures": home_figures(user=user)})
