"""Every model people edit — in the staff pages, the segment pages, or by hand in the admin
(reference data the import also fills) — keeps the history of its changes with who made them."""

import pytest
from django.apps import apps

from core.tests.factories import UserFactory

EDITED = [
    "auth.User",
    "core.Branch",
    "core.StaffProfile",
    "segments.Segment",
    "subscribers.City",
    "subscribers.Street",
    "subscribers.Building",
    "subscribers.Tariff",
    "subscribers.Service",
    "subscribers.ExtraAttribute",
    "subscribers.ImportMapping",
    "subscribers.Adjustment",
    "subscribers.Subscriber",
]


@pytest.mark.parametrize("label", EDITED)
def test_the_model_keeps_its_history(label):
    model = apps.get_model(label)
    assert hasattr(model, "history"), f"{label} has no history"


@pytest.mark.django_db
def test_an_edit_of_reference_data_is_kept_with_who_made_it():

    from subscribers.models import ExtraAttribute

    editor = UserFactory(username="editor")
    attribute = ExtraAttribute.objects.create(key="has_router", label="Router", value_type="bool")
    attribute._history_user = editor
    attribute.label = "Роутер"
    attribute.save()
    last = attribute.history.order_by("-history_date").first()
    assert (last.label, last.history_user) == ("Роутер", editor)
