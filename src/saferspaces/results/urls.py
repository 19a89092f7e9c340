from django.urls import path

from saferspaces.results import views

app_name = "results"

urlpatterns = [
    path("assessments/<int:pk>/scores/", views.scores_page, name="scores"),
    path("assessments/<int:pk>/scores/status/", views.scores_status, name="scores_status"),
]
