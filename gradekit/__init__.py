"""Grading code for the gradient-checking course: nbgrader preprocessors,
hidden-test checks, demo-class tooling and reports."""

__version__ = "0.1.0"
