"""The one base of every error a user can cause and fix.

A :class:`PrefgymError` means "your input or your machine is not right": a file that does not
parse, a field with a bad value, an unknown entity, task or model, a run folder that is not one,
a Docker engine that is not running. Its message names the file, field or value. The command line
catches this class alone, prints the message on one line on stderr and exits 2; any other
exception is a bug in prefgym, and its traceback is shown so it can be reported.

This module imports nothing, so every layer of the package (``types`` included) can raise these.
"""

from __future__ import annotations


class PrefgymError(Exception):
    """Something the user can fix. ``str(e)`` is the message alone (no quotes, no class name)."""

    def __str__(self) -> str:
        return str(self.args[0]) if self.args else self.__class__.__name__


class ConfigError(PrefgymError, ValueError):
    """A value the user gave is not acceptable: an option, a field, an id, a template placeholder.

    It is also a ``ValueError``, so code that validates input with ``except ValueError`` (pydantic
    validators among it) keeps working."""
