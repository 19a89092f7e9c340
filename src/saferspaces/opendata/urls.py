from django.urls import path

from saferspaces.opendata import views

app_name = "opendata"

urlpatterns = [
    path("runs/", views.run_list, name="runs"),
    path("runs/<int:run_id>/", views.run_detail, name="run_detail"),
    path("authorities/<slug:slug>/geography/", views.geography, name="geography"),
]
