"""Pure analysis: text and numbers in, scores and reasons out (no database, no clock)."""
