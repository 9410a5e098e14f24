"""The shells on top: CLI, web desk, scheduler daemon and demo. They parse input, call a stage
and present the result; nothing below imports them."""
