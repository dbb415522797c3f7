from django.urls import path

from . import structure as views

app_name = "structure"

urlpatterns = [
    path("", views.subdistrict_index, name="subdistrict-list"),
    path("<int:pk>/", views.subdistrict_detail, name="subdistrict-detail"),
    path("committees/<int:pk>/", views.neighbourhood_detail, name="neighbourhood-detail"),
]
