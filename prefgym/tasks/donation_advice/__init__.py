"""The donation-advice suite: its descriptor and measure (suite.py), its judge, and its task folders."""
