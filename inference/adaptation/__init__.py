"""Online adaptation of SAM's mask decoder during use (seed 004): sparse labels from clicks
and accepted masks, the sparse BCE loss, and the click and per-image adaptation steps."""
