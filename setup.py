"""Packaging glue: ships the top-level config/ directory as yuqing.profile, plus each package's data files."""

from setuptools import find_packages, setup

DATA = ["*.yaml", "*.mako", "*.md", "*.csv", "*.npz", "*.json", "*.html", "*.j2", "*.xml", "*.css", "*.js"]

setup(
    packages=find_packages(include=["yuqing*", "crawler*", "analysis*", "responder*"]) + ["yuqing.profile"],
    package_dir={"yuqing.profile": "config"},
    package_data={"": DATA + [f"{folder}/{pattern}" for folder in
                              ("sites", "templates", "static", "data", "model", "versions") for pattern in DATA]},
)
