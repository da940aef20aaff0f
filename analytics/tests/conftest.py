import pytest
from django.contrib.auth.models import Permission, User

from core.models import StaffProfile


@pytest.fixture
def analyst(db):
    """A user who may see the analysis reports."""
    user = User.objects.create_user("analyst", password="x")
    user.user_permissions.add(
        Permission.objects.get(codename="view_monthlyfact", content_type__app_label="subscribers")
    )
    StaffProfile.objects.create(user=user, all_branches=True)
    return user


@pytest.fixture
def analyst_client(client, analyst):
    client.force_login(analyst)
    return client
