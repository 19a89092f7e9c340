from django.urls import URLPattern, path

app_name = "opendata"

urlpatterns: list[URLPattern] = []
