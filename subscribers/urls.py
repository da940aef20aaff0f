from django.urls import path

from . import views

app_name = "subscribers"
urlpatterns = [
    path("imports/", views.import_list, name="import_list"),
    path("<int:pk>/", views.card, name="card"),
    path("buildings/<int:pk>/", views.building, name="building"),
    path("coverage/", views.coverage_check, name="coverage"),
]
