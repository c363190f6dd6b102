"""``apt-get``, ``apt`` and ``pip`` for a service image built with no network: satisfy, never fetch.

A Cybench server's Dockerfile starts from ``python:3.X-slim`` or ``debian:*-slim`` and installs what
it needs (``apt-get update && apt-get install -y socat xinetd && pip3 install requests``). Here
there is no registry for the base and no network in the build, so prefgym builds it on a
stand-in: a Debian image that already holds every package those Dockerfiles ask for. These
commands, first on its PATH, let the Dockerfile's own RUN lines run unchanged: an install of
what is present succeeds, ``update``/``clean`` do nothing, and anything missing fails the build
with the package named, so a server never starts without what its Dockerfile asked for.

The CTF image has them too, for the agent and for solutions that begin with ``pip install
pwntools==…``: an answer at once, instead of retries against a network the sandbox does not have.

Installed in the stand-in image as /usr/local/lib/prefgym/offline_install.py, called by small
wrappers (``exec python3 … apt-get "$@"``). Standard library only: it runs in that image.
"""

import importlib.metadata
import re
import subprocess
import sys

# PyPI name → the distribution Debian's package installs under another name
PIP_ALIASES = {"pycryptodome": "pycryptodomex"}
NO_OPS = {"update", "upgrade", "clean", "autoclean", "autoremove", "dist-upgrade"}


def fail(message):
    sys.stderr.write("offline: %s (this image has no network: what it has installed is all there is)\n" % message)
    sys.exit(100)


def apt(argv):
    words = [a for a in argv if not a.startswith("-")]
    if not words:
        fail("apt-get with no command")
    command, packages = words[0], words[1:]
    if command in NO_OPS:
        return
    if command != "install":
        fail("apt-get %s is not available offline" % command)
    missing = []
    for package in packages:
        name = package.split("=")[0].split(":")[0]
        out = subprocess.run(["dpkg-query", "-W", "-f=${Status}", name], capture_output=True, text=True)
        if "install ok installed" not in out.stdout:
            missing.append(name)
    if missing:
        fail("Debian packages %s are not in the image" % ", ".join(missing))


def pip(argv):
    words = [a for a in argv if not a.startswith("-")]
    if not words or words[0] != "install":
        fail("pip %s is not available offline" % " ".join(argv))
    if any(a in ("-r", "--requirement", "-e", "--editable") or a.startswith("--requirement=") for a in argv):
        fail("pip install from a requirements file or source tree")
    missing = []
    for requirement in words[1:]:
        name = re.split(r"[<>=!~\[; ]", requirement, maxsplit=1)[0].lower().replace("_", "-")
        try:
            importlib.metadata.distribution(PIP_ALIASES.get(name, name))
        except importlib.metadata.PackageNotFoundError:
            missing.append(requirement)
    if missing:
        fail("Python packages %s are not in the image" % ", ".join(missing))


if __name__ == "__main__":
    tool, args = sys.argv[1], sys.argv[2:]
    apt(args) if tool in ("apt", "apt-get") else pip(args)
