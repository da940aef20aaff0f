from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SegmentsConfig(AppConfig):
    name = "segments"
    verbose_name = _("Segments")

    def ready(self):
        # The subscriber registry learns the `segment` filter and the "Save as segment" button
        # here, so neither subscribers nor core knows about segments.
        from subscribers.registries import SUBSCRIBERS

        from .filtersets import SegmentedSubscriberFilter
        from .views import save_as_segment_action

        SUBSCRIBERS.filterset = SegmentedSubscriberFilter
        SUBSCRIBERS.actions.append(save_as_segment_action)
