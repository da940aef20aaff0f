"""Billing sources: where the billing's export comes from (a folder, the billing's own database)."""
