"""``prefgym view``: a local, read-only web app over one run directory.

The run page, a filterable list of every episode, each episode as a conversation to step through,
and the model's preferences with the raw answers behind them. The standard library serves it
(no web framework to install), pages are rendered on the server, and a little vanilla JavaScript
does the stepping. The run directory's byte-offset index (:mod:`prefgym.runner.episode_index`)
keeps the list fast on large and still-growing runs; ``pages`` holds all the HTML and its escaping;
``server`` the routes and the path checks. Every file is read through :class:`~prefgym.runner.RunDir`.
"""

from prefgym.runner.episode_index import EpisodeIndex
from prefgym.viewer.server import ViewerServer, serve

__all__ = ["EpisodeIndex", "ViewerServer", "serve"]
