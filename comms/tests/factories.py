import factory

from comms.models import Channel, Gateway, MessageTemplate, Purpose


class MessageTemplateFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = MessageTemplate

    name = factory.Sequence(lambda n: f"Template {n}")
    channel = Channel.SMS
    purpose = Purpose.SERVICE
    body = "{operator}: баланс счёта {account} {balance} руб."


class GatewayFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Gateway

    name = factory.Sequence(lambda n: f"Gateway {n}")
    kind = Gateway.Kind.KANNEL
