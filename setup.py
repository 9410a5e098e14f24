"""Packaging glue: ships the top-level config/ directory as the yuqing.profile package data."""

from setuptools import find_packages, setup

setup(
    packages=find_packages(include=["yuqing*", "crawler*", "analysis*", "responder*"]) + ["yuqing.profile"],
    package_dir={"yuqing.profile": "config"},
    package_data={"yuqing.profile": ["*.yaml"]},
)
