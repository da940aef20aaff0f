"""Factories of segments."""

import factory

from segments.models import Segment


class SegmentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Segment

    name = factory.Sequence(lambda n: f"Segment {n}")
    description = "For a test."
    query = "status=active"
