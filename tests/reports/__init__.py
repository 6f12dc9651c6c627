"""Tests of the PDF reports (a package, so its helpers import relatively)."""
