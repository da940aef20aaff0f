"""Pages of the communications block, one module per part (messaging, scripts, calls,
surveys)."""
