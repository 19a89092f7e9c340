from django.urls import path

from saferspaces.opendata import views

app_name = "opendata"

urlpatterns = [
    path("runs/", views.run_list, name="runs"),
    path("runs/<int:run_id>/", views.run_detail, name="run_detail"),
    path("runs/<int:run_id>/status/", views.run_status, name="run_status"),
    path("runs/<int:run_id>/retry/", views.run_retry, name="run_retry"),
    path("imports/new/", views.import_start, name="import_start"),
    path("authorities/<slug:slug>/geography/", views.geography, name="geography"),
]
