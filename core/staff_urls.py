from django.urls import path

from . import staff

app_name = "staff"
urlpatterns = [
    path("users/", staff.users, name="users"),
    path("users/new/", staff.user_edit, name="user_new"),
    path("users/<int:pk>/", staff.user_edit, name="user_edit"),
    path("branches/", staff.branches, name="branches"),
    path("branches/new/", staff.branch_edit, name="branch_new"),
    path("branches/<int:pk>/", staff.branch_edit, name="branch_edit"),
]
