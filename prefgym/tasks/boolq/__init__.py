"""The yes/no question suite: its descriptor and measure (suite.py), and its items."""
