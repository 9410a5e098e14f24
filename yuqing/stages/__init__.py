"""Pipeline stages: the database edges around the pure packages."""
