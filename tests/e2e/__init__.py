"""End-to-end tests in headless Chromium.

A package, so its conftest is not imported under the name `conftest`.
"""
