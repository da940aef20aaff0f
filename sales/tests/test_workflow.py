"""The application's workflow as data: every legal step is taken, every illegal one refused
with a message and nothing changed, reasons required where the list says, the system's own
steps not offered as buttons."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from core.tests.factories import UserFactory
from core.workflow import Transition, Workflow
from sales.models import Application, ApplicationEvent, Reason, ReasonKind
from sales.services import application_step
from sales.workflow import APPLICATION

from .factories import ApplicationFactory

pytestmark = pytest.mark.django_db
S = Application.State


@pytest.fixture
def reasons(db):
    return {
        kind: Reason.objects.create(kind=kind, code="x", name=f"{kind} reason")
        for kind in ReasonKind.values
    }


def test_every_action_from_every_state_is_taken_or_refused(reasons, head):
    for state in S.values:
        for transition in APPLICATION.transitions:
            application = ApplicationFactory(state=state)
            reason = reasons.get(transition.reason) if transition.reason else None
            legal = state in transition.sources
            if legal:
                application_step(
                    application=application, action=transition.action, by=head, reason=reason,
                    automatic=transition.automatic,
                )  # fmt: skip
                application.refresh_from_db()
                assert application.state == transition.target
                assert ApplicationEvent.objects.filter(
                    application=application, action=transition.action
                ).exists()
            else:
                with pytest.raises(ValidationError):
                    application_step(
                        application=application, action=transition.action, by=head,
                        reason=reason, automatic=transition.automatic,
                    )  # fmt: skip
                application.refresh_from_db()
                assert application.state == state
                assert not application.events.exists()


def test_a_step_that_needs_a_reason_is_refused_without_one(head):
    application = ApplicationFactory(state=S.NEW)
    with pytest.raises(ValidationError) as refused:
        application_step(application=application, action="reject", by=head)
    assert "reason" in refused.value.message_dict
    application.refresh_from_db()
    assert application.state == S.NEW


def test_a_reason_of_another_kind_is_refused(reasons, head):
    application = ApplicationFactory(state=S.NEW)
    with pytest.raises(ValidationError):
        application_step(
            application=application, action="reject", by=head,
            reason=reasons[ReasonKind.CANCELLED],
        )  # fmt: skip


def test_the_system_s_steps_cannot_be_taken_by_hand(head):
    application = ApplicationFactory(state=S.QUALIFIED)
    with pytest.raises(ValidationError):
        application_step(application=application, action="schedule", by=head)
    assert "schedule" not in {t.action for t in APPLICATION.allowed(S.QUALIFIED, head)}


def test_a_role_that_may_not_is_refused(ural):
    cashier = UserFactory(roles=["cashier"], branches=[ural])
    application = ApplicationFactory(state=S.NEW)
    with pytest.raises(PermissionDenied):
        application_step(application=application, action="qualify", by=cashier)


def test_the_first_human_step_is_the_first_contact(head):
    application = ApplicationFactory(state=S.NEW)
    application_step(application=application, action="qualify", by=head)
    application.refresh_from_db()
    assert application.first_contact_at is not None


def test_every_state_is_reached_from_new_and_the_final_ones_lead_nowhere():
    reached = APPLICATION.reachable(S.NEW) | APPLICATION.reachable(S.QUALIFIED)
    assert set(S.values) <= reached
    for state in APPLICATION.final:
        assert not [t for t in APPLICATION.transitions if state in t.sources]


def test_a_workflow_with_an_unknown_state_or_a_step_twice_is_a_mistake():
    with pytest.raises(ValueError):
        Workflow(states={"a": "A"}, transitions=[Transition("go", "Go", ("a",), "b")])
    with pytest.raises(ValueError):
        Workflow(
            states={"a": "A", "b": "B"},
            transitions=[Transition("go", "Go", ("a",), "b"), Transition("go", "Go", ("a",), "a")],
        )
