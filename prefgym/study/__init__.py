"""Whole studies from one file: preferences, then the suites, then the analysis."""

from prefgym.study.config import StudyConfig, StudyError, load_study
from prefgym.study.run import StudyResult, preflight, run_study

__all__ = ["StudyConfig", "StudyError", "StudyResult", "load_study", "preflight", "run_study"]
