"""The scheduled daemon (`yuqing run`): job bodies, their schedule, and the process around them."""
