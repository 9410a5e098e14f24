"""Login state of the platforms: QR login in a headless browser, sessions saved encrypted at rest."""
