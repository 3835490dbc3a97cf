from django.urls import path

app_name = "estates"

urlpatterns: list = []
