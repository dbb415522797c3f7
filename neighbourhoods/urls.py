from django.urls import path

from . import views

app_name = "neighbourhoods"

urlpatterns = [
    path("options/", views.committee_options, name="options"),
]
