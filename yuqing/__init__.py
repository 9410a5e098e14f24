"""yuqing: public-opinion monitoring and response for a city civil-affairs bureau."""

__version__ = "0.1.0"
