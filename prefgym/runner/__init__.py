"""Running episodes: one (``run_episode``), into a run directory, replayed offline; later many
with concurrency, retries and resume."""

from prefgym.runner.episode import append_episodes, build_agent, run_episode, run_task
from prefgym.runner.replay import ReplayReport, replay_episode
from prefgym.runner.rundir import RunDir, RunDirError

__all__ = ["ReplayReport", "RunDir", "RunDirError", "append_episodes", "build_agent", "replay_episode",
           "run_episode", "run_task"]
