"""Login state of the platforms: QR login in a headless browser, sessions saved encrypted at rest."""

EXPIRED = "登录失效"  # how a source's health reason begins when its login session has expired
