"""What the subscriber block tells the blocks below it, which it must not import."""

from django.dispatch import Signal

# A billing import committed: batch (subscribers.ImportBatch). Sent after the commit, so a
# receiver sees everything the import wrote; its work should go to the background.
batch_imported = Signal()
