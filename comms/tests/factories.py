import factory

from comms.models import Channel, Gateway, MessageTemplate, Purpose


class MessageTemplateFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = MessageTemplate

    name = factory.Sequence(lambda n: f"Template {n}")
    channel = Channel.SMS
    purpose = Purpose.SERVICE
    body = "{operator}: баланс счёта {account} {balance}"


class GatewayFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Gateway

    name = factory.Sequence(lambda n: f"Gateway {n}")
    kind = Gateway.Kind.KANNEL


# A payment reminder small enough to read in a test: greeting, a question, three ends.
REMINDER = {
    "start": "hello",
    "nodes": [
        {"id": "hello", "kind": "say", "title": "Greeting",
         "text": "Good afternoon, {name}! Your balance is {balance}.", "next": "pay",
         "objections": ["too-expensive"]},
        {"id": "pay", "kind": "ask", "title": "Will you pay?", "text": "When will you pay?",
         "answers": [{"label": "Today", "next": "promise"}, {"label": "Never", "next": "stop"},
                     {"label": "Busy", "next": "later"}]},
        {"id": "promise", "kind": "end", "title": "Promised to pay", "text": "Thank you!",
         "outcome": "promise", "success": True, "message": "payment-due"},
        {"id": "stop", "kind": "end", "title": "Refused offers", "text": "Goodbye.",
         "outcome": "refused", "success": False, "action": "comms.opt_out"},
        {"id": "later", "kind": "end", "title": "Talk later", "text": "Bye.",
         "outcome": "later", "success": False},
    ],
}  # fmt: skip


def script_published(graph=None, versions=1, **fields):
    """A script with `versions` published versions of the graph (REMINDER by default)."""
    from comms.models import Script, ScriptVersion

    graph = graph or REMINDER
    defaults = {"name": f"Script {Script.objects.count() + 1}", "purpose": Purpose.DEBT}
    script = Script.objects.create(**{**defaults, **fields}, draft=graph)
    for number in range(1, versions + 1):
        ScriptVersion.objects.create(script=script, number=number, graph=graph)
    return script
