"""Running episodes: one (``run_episode``), and later many with concurrency, retries and resume."""

from prefgym.runner.episode import build_agent, episode_line, run_episode

__all__ = ["build_agent", "episode_line", "run_episode"]
