"""Tasks as data, their suites' descriptors, and how tasks are set up and graded.

Each suite lives in a sub-folder (``agentic/``, ``boolq/`` …): its task folders and a ``suite.py``
describing it (see :mod:`prefgym.tasks.suite`).
"""

from prefgym.tasks.grading import grade_flag, grade_from_output, grade_task, setup_task
from prefgym.tasks.loader import TaskError, all_tasks, get_task, load_task, task_dirs
from prefgym.tasks.suite import CallCost, Measure, PlantedFit, Reading, Suite, builtin_suites, get_suite, measures
from prefgym.tasks.world import synthetic_world

__all__ = ["CallCost", "Measure", "PlantedFit", "Reading", "Suite", "TaskError", "all_tasks", "builtin_suites",
           "get_suite", "get_task", "grade_flag", "grade_from_output", "grade_task", "load_task", "measures", "setup_task",
           "synthetic_world", "task_dirs"]
