"""The refusal suite: its descriptor (suite.py) and its task folders."""
