from django.contrib import admin

from .models import CareerGrade, Trainee


@admin.register(CareerGrade)
class CareerGradeAdmin(admin.ModelAdmin):
    list_display = ("level", "name")
    search_fields = ("name",)


@admin.register(Trainee)
class TraineeAdmin(admin.ModelAdmin):
    list_display = ("name", "gender", "subdistrict", "neighbourhood", "post", "education", "status")
    list_filter = ("status", "subdistrict", "post", "education", "political_status", "gender")
    search_fields = ("name", "id_number", "mobile")
    list_select_related = ("subdistrict", "neighbourhood")
    autocomplete_fields = ("neighbourhood", "user")
    date_hierarchy = "joined"
