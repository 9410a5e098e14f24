"""The bureau's profile: schemas for each YAML file and the layered loader."""

from yuqing.core.config.loader import ConfigError, Settings, default_config_dir, load_settings

__all__ = ["ConfigError", "Settings", "default_config_dir", "load_settings"]
