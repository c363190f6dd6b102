"""Running episodes: one (``run_episode``), and later many with concurrency, retries and resume."""

from prefgym.runner.episode import append_episodes, build_agent, run_episode, run_task

__all__ = ["append_episodes", "build_agent", "run_episode", "run_task"]
