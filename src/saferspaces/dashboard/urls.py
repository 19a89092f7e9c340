from django.urls import path

from saferspaces.dashboard import views

app_name = "dashboard"

urlpatterns = [
    path("authorities/<slug:slug>/dashboard/", views.profile, name="profile"),
    path("authorities/<slug:slug>/sharing/", views.sharing, name="sharing"),
    path("assessments/<int:pk>/peers/", views.peers, name="peers"),
    path("assessments/<int:pk>/results/", views.assessment_results, name="assessment_results"),
    path("assessments/<int:pk>/explain/<slug:code>/", views.explain, name="explain"),
    path("rounds/<int:pk>/dashboard/", views.round_view, name="round"),
    path("rounds/<int:pk>/publish/", views.round_publish, name="publish"),
    path("results/", views.results, name="results"),
]
