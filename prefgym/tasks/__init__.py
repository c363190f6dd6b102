"""Tasks as data, and how they are set up and graded. Suites live in sub-folders (agentic/ …)."""

from prefgym.tasks.grading import grade_from_output, grade_task, setup_task
from prefgym.tasks.loader import TaskError, all_tasks, get_task, load_task, task_dirs

__all__ = ["TaskError", "all_tasks", "get_task", "grade_from_output", "grade_task", "load_task", "setup_task",
           "task_dirs"]
