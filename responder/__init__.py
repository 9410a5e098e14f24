"""The responder: turns analysed posts into owned cases with clocks, suggested replies and alerts."""
