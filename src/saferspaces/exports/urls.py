from django.urls import path

from saferspaces.exports import views

app_name = "exports"

urlpatterns = [
    path("rounds/<int:pk>/exports/", views.exports_page, name="page"),
    path("rounds/<int:pk>/exports/<str:filename>", views.export_download, name="download"),
]
