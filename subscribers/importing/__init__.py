"""The billing import: reading exports, validating every row, loading them set-based."""
