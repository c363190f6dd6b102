"""Running episodes, in layers: one spec (``run_spec``) → specs from a plan (``build_specs``) →
many at once with retries and resume (``run_many``, on a local or Ray backend); a run directory
(``RunDir``) is the only reader and writer of what a run leaves on disk; replay re-runs one
episode offline from its recording."""

from prefgym.runner.backend import Backend, LocalBackend, RunOptions
from prefgym.runner.episode import run_episode, run_spec
from prefgym.runner.many import RunProgress, pending_specs, run_many
from prefgym.runner.replay import ReplayReport, replay_episode
from prefgym.runner.rundir import RunDir, RunDirError, model_slug
from prefgym.runner.specs import Extremes, SuitePlan, build_specs, plan_size

__all__ = ["Backend", "Extremes", "LocalBackend", "ReplayReport", "RunDir", "RunDirError", "RunOptions", "RunProgress",
           "SuitePlan", "build_specs", "model_slug", "pending_specs", "plan_size", "replay_episode", "run_episode",
           "run_many", "run_spec"]
