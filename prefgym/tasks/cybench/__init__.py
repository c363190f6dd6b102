"""Cybench (from inspect-evals' packaging, read as data): its challenges, and the suite that serves them."""
