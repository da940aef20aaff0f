from django.urls import path

from . import views

app_name = "analytics"
urlpatterns = [
    path("<slug:name>/", views.report, name="report"),
]
