"""The web desk for commentators, the spokesperson and admins."""
