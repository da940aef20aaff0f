"""The start page is made of widgets registered by the department blocks (core.myday): each
role sees the ones registered for it, and core does not know the blocks."""

import pytest
from django.test import RequestFactory
from django.urls import reverse

from core import myday
from core.tests.factories import UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def extra_widgets():
    before = dict(myday._WIDGETS)
    yield
    myday._WIDGETS.clear()
    myday._WIDGETS.update(before)


def request_of(user):
    request = RequestFactory().get("/")
    request.user = user
    return request


def test_a_widget_for_some_roles_is_shown_to_those_roles_only(extra_widgets):
    myday.register(
        myday.Widget(
            "test.debts", "Debts", "core/widgets/staff.html", roles=frozenset({"collector"})
        )
    )
    codes = [w.code for w, _c in myday.widgets_for(request_of(UserFactory(roles=["collector"])))]
    assert "test.debts" in codes
    codes = [w.code for w, _c in myday.widgets_for(request_of(UserFactory(roles=["cashier"])))]
    assert "test.debts" not in codes


def test_a_widget_whose_context_is_none_is_hidden_for_today(extra_widgets):
    myday.register(
        myday.Widget("test.quiet", "Quiet", "core/widgets/staff.html", context=lambda r: None)
    )
    assert "test.quiet" not in [w.code for w, _c in myday.widgets_for(request_of(UserFactory()))]


def test_the_widgets_come_in_their_order_on_the_start_page(client):
    client.force_login(UserFactory(roles=["admin"]))
    html = client.get(reverse("home")).content.decode()
    positions = [
        html.index(f'id="widget-{code}"')
        for code in ("subscribersoverview", "analyticsreports", "subscribersimport", "corestaff")
    ]
    assert positions == sorted(positions)
