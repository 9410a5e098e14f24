"""The ground floor: configuration, storage models and migrations, the App object, the vocabulary
shown to people and login session storage. Imports nothing above it."""
