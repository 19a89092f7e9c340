from django.urls import URLPattern, path

app_name = "assessments"

urlpatterns: list[URLPattern] = []
