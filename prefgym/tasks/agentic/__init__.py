"""The agentic suite: its descriptor (suite.py) and one folder per task (files, grader, solution)."""
