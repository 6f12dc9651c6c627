"""End-to-end tests in headless Chromium (a package, so its conftest is not imported as `conftest`)."""
