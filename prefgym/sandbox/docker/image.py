"""Build sandbox images with no container registry.

Research machines often have a Debian package mirror but no registry, so an image is a
debootstrap root filesystem imported into Docker. The build is the slow step (~40 s), so the tag
is a hash of the recipe and a present image is reused. ``docker import`` cannot run ``useradd``,
so the agent's user and its work folder are written into the root filesystem before import.

There are three recipes: the default image every agentic task runs in; the CTF image (the same
recipe plus the tools Cybench's challenges and their solutions expect: pycryptodome, sympy, gmpy2,
z3 and pwntools from Debian's packages, file, unzip, binwalk, xxd, gdb, netcat, curl, and the few
Python packages Debian lacks as pinned wheels from the machine's PyPI, fetched when the image is
built, never at run time); and the *stand-in* for the bases of Cybench's servers
(``python:3.X-slim``, ``debian:*-slim``), which holds every package their Dockerfiles install, with
offline ``apt-get``/``pip`` that satisfy installs from what is there (offline_install.py says why).
"""

from __future__ import annotations

import glob
import hashlib
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from prefgym.sandbox.base import SandboxError
from prefgym.sandbox.docker.config import AGENT_UID

IMAGE_REPO = "prefgym-sandbox"
RECIPE = {
    "version": 1,
    "suite": os.environ.get("PREFGYM_DEBIAN_SUITE", "bookworm"),
    "variant": "minbase",
    "packages": ["bash", "coreutils", "python3", "sqlite3", "git", "procps", "grep", "sed", "gawk",
                 "findutils", "diffutils", "ca-certificates"],
    "user": "agent",
    "uid": AGENT_UID,
    "work_dir": "/work",
}
CHANGES = [
    "USER agent",
    "WORKDIR /work",
    "ENV PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin",
    "ENV HOME=/work",
    "ENV LANG=C.UTF-8",
    'CMD ["sleep", "infinity"]',
]


class ImageBuildError(SandboxError):
    """The sandbox image could not be built (missing tools, no mirror, debootstrap failed)."""


@dataclass(frozen=True)
class Recipe:
    """One image: its repository name, the debootstrap recipe and the ``docker import`` changes."""

    repo: str
    recipe: dict
    changes: tuple[str, ...]
    env: str  # the environment variable that overrides its tag

    def tag(self) -> str:
        """``<repo>:<hash of the recipe>``; the recipe's environment variable overrides it."""
        override = os.environ.get(self.env)
        if override:
            return override
        digest = hashlib.sha256(json.dumps([self.recipe, list(self.changes)], sort_keys=True).encode()).hexdigest()[:12]
        return f"{self.repo}:{digest}"


DEFAULT = Recipe(IMAGE_REPO, RECIPE, tuple(CHANGES), "PREFGYM_SANDBOX_IMAGE")
CTF_PACKAGES = ["python3-pycryptodome", "python3-sympy", "python3-gmpy2", "python3-pwntools", "python3-z3",
                "python3-tqdm", "python-is-python3", "file", "unzip", "binwalk", "xxd", "gdb", "netcat-openbsd",
                "curl", "socat"]
# What Cybench's solutions import that Debian does not package (mmh3, ortools with its
# dependencies, pickora), pinned whole (--no-deps): the image is the same wherever it is built.
CTF_WHEELS = ["mmh3==5.0.1", "pickora==1.0.1", "ortools==9.10.4067", "protobuf==5.26.1", "numpy==1.26.4",
              "pandas==2.2.2", "absl-py==2.1.0", "immutabledict==4.2.0", "python-dateutil==2.9.0.post0",
              "pytz==2024.1", "tzdata==2024.1"]
# Debian ships pycryptodome as ``Cryptodome``; CTF code imports ``Crypto``, so that name links to it.
CRYPTO_LINK = {"/usr/lib/python3/dist-packages/Crypto": "Cryptodome"}
OFFLINE_INSTALL = Path(__file__).with_name("offline_install.py")
OFFLINE_DIGEST = hashlib.sha256(OFFLINE_INSTALL.read_bytes()).hexdigest()[:16]
# Cybench puts the agent's files in /root: the agent's user owns it, a tmpfs of its own in the container.
# Its solutions start with `pip install pwntools==…`: the offline pip says at once what is there
# instead of retrying a network the sandbox does not have.
CTF = Recipe("prefgym-ctf", {**RECIPE, "apt": CTF_PACKAGES, "pip": CTF_WHEELS, "links": CRYPTO_LINK,
                             "agent_dirs": ["/root"], "offline_install": OFFLINE_DIGEST},
             tuple(CHANGES), "PREFGYM_CTF_IMAGE")
STANDIN_PACKAGES = ["python3-requests", "python3-pycryptodome", "python3-networkx", "python-is-python3", "xinetd",
                    "socat", "lib32z1", "make", "g++", "verilator", "netcat-openbsd"]
STANDIN = Recipe("prefgym-standin", {
    **RECIPE, "apt": STANDIN_PACKAGES, "pip": ["mmh3==5.0.1"],
    "links": {**CRYPTO_LINK, "/usr/local/bin/python": "/usr/bin/python3", "/usr/local/bin/python3": "/usr/bin/python3"},
    "offline_install": OFFLINE_DIGEST},
    ("USER root", "WORKDIR /", "ENV PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin",
     "ENV LANG=C.UTF-8", 'CMD ["bash"]'), "PREFGYM_STANDIN_IMAGE")
RECIPES = (DEFAULT, CTF, STANDIN)
# The bases the stand-in replaces in a server's Dockerfile (the substitution is recorded per episode).
STANDIN_BASES = (re.compile(r"^python:3(\.\d+)?-slim(-\w+)?$"), re.compile(r"^debian:[\w.-]*-slim$"))
STANDIN_NOTE = "Debian bookworm with Debian's Python 3.11 and the packages Cybench's servers install"


def stands_in_for(base: str) -> bool:
    """Whether the stand-in image replaces ``base`` (``python:3.9-slim-bookworm``, ``debian:bookworm-slim``)."""
    return any(p.match(base.lower()) for p in STANDIN_BASES)
BY_NAME = {"default": DEFAULT, "ctf": CTF}  # what a task.yaml's ``image:`` names


def default_image_tag() -> str:
    """``prefgym-sandbox:<hash of the recipe>``; ``PREFGYM_SANDBOX_IMAGE`` overrides it."""
    return DEFAULT.tag()


def recipe_of(tag: str) -> Recipe | None:
    """The recipe that builds ``tag``, None for an image prefgym does not build."""
    return next((r for r in RECIPES if r.tag() == tag), None)


def apt_mirror() -> str:
    """The Debian mirror this machine's apt already uses; ``PREFGYM_DEBIAN_MIRROR`` overrides it."""
    if os.environ.get("PREFGYM_DEBIAN_MIRROR"):
        return os.environ["PREFGYM_DEBIAN_MIRROR"]
    sources = sorted(glob.glob("/etc/apt/sources.list.d/*.sources"))
    for path in sources:
        for line in Path(path).read_text().splitlines():
            if line.startswith("URIs:") and "security" not in line:
                return line.split()[1]
    for path in ["/etc/apt/sources.list", *sorted(glob.glob("/etc/apt/sources.list.d/*.list"))]:
        if os.path.exists(path):
            for line in Path(path).read_text().splitlines():
                m = re.match(r"\s*deb\s+(?:\[[^\]]*\]\s+)?(\S+)", line)
                if m and "security" not in m.group(1):
                    return m.group(1)
    raise ImageBuildError(
        "no Debian mirror found in /etc/apt; set PREFGYM_DEBIAN_MIRROR to your package mirror's URL"
    )


def missing_build_tools() -> list[str]:
    return [tool for tool in ("debootstrap", "tar") if shutil.which(tool) is None]


def _add_agent_user(rootfs: Path, recipe: dict) -> None:
    name, uid = recipe["user"], recipe["uid"]
    with open(rootfs / "etc/passwd", "a") as f:
        f.write(f"{name}:x:{uid}:{uid}:prefgym agent:/work:/bin/bash\n")
    with open(rootfs / "etc/group", "a") as f:
        f.write(f"{name}:x:{uid}:\n")
    with open(rootfs / "etc/shadow", "a") as f:
        f.write(f"{name}:!:19000:0:99999:7:::\n")
    work = rootfs / "work"
    work.mkdir(exist_ok=True)
    os.chown(work, uid, uid)


def _pip_wheels(rootfs: Path, requirements: list[str]) -> None:
    """Pinned wheels into the image's /usr/local dist-packages, by this machine's pip (its index)."""
    version = sorted(p.name for p in (rootfs / "usr/lib").glob("python3.*") if (p / "os.py").exists())[-1]
    target = rootfs / "usr/local/lib" / version / "dist-packages"
    cmd = [sys.executable, "-m", "pip", "install", "-q", "--no-deps", "--only-binary=:all:", "--target", str(target),
           "--python-version", version.removeprefix("python"), *requirements]
    proc = subprocess.run(cmd, capture_output=True, text=True)
    if proc.returncode != 0:
        raise ImageBuildError(f"pip install of {', '.join(requirements)} for the image failed (exit {proc.returncode}):\n"
                              f"{(proc.stdout + proc.stderr)[-2000:]}")


def _offline_install(rootfs: Path) -> None:
    """The stand-in's apt-get, apt, pip and pip3: wrappers of offline_install.py, first on PATH."""
    lib = rootfs / "usr/local/lib/prefgym"
    lib.mkdir(parents=True, exist_ok=True)
    shutil.copy(OFFLINE_INSTALL, lib / "offline_install.py")
    for tool in ("apt-get", "apt", "pip", "pip3"):
        wrapper = rootfs / "usr/local/bin" / tool
        wrapper.write_text(f'#!/bin/sh\nexec python3 /usr/local/lib/prefgym/offline_install.py {tool} "$@"\n')
        wrapper.chmod(0o755)


def _chroot_apt(rootfs: Path, packages: list[str]) -> None:
    env = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
    mounted = []
    try:
        for fs, where in (("proc", "proc"), ("sysfs", "sys")):
            subprocess.run(["mount", "-t", fs, fs, str(rootfs / where)], check=True, capture_output=True)
            mounted.append(rootfs / where)
        shutil.copy("/etc/resolv.conf", rootfs / "etc/resolv.conf")
        for cmd in (["apt-get", "update", "-q"],
                    ["apt-get", "install", "-y", "-q", "--no-install-recommends", *packages], ["apt-get", "clean"]):
            proc = subprocess.run(["chroot", str(rootfs), *cmd], capture_output=True, text=True, env=env)
            if proc.returncode != 0:
                raise ImageBuildError(f"{' '.join(cmd[:2])} in the image failed (exit {proc.returncode}):\n"
                                      f"{(proc.stdout + proc.stderr)[-2000:]}")
    finally:
        for where in reversed(mounted):
            subprocess.run(["umount", "-l", str(where)], capture_output=True)


def build_image(api: object, tag: str, *, mirror: str | None = None, log: Callable[[str], None] = print,
                recipe: Recipe = DEFAULT) -> str:
    """debootstrap → add user → tar → ``docker import``. Needs root (debootstrap does)."""
    spec = recipe.recipe
    if missing := missing_build_tools():
        raise ImageBuildError(f"missing {', '.join(missing)}: apt-get install -y {' '.join(missing)}")
    mirror = mirror or apt_mirror()
    with tempfile.TemporaryDirectory(prefix="prefgym-rootfs-") as tmp:
        rootfs = Path(tmp) / "rootfs"
        log(f"debootstrap {spec['suite']} ({spec['variant']}) from the machine's apt mirror …")
        cmd = ["debootstrap", f"--variant={spec['variant']}", "--include=" + ",".join(spec["packages"]),
               spec["suite"], str(rootfs), mirror]
        proc = subprocess.run(cmd, capture_output=True, text=True)
        if proc.returncode != 0:
            tail = (proc.stdout + proc.stderr)[-2000:]
            raise ImageBuildError(f"debootstrap failed (exit {proc.returncode}):\n{tail}")
        if spec.get("apt"):  # many packages at once break debootstrap's own configure step: apt does them
            log(f"apt-get install {len(spec['apt'])} packages in the root filesystem …")
            _chroot_apt(rootfs, spec["apt"])
        if spec.get("pip"):
            log(f"pip install {len(spec['pip'])} pinned wheels into the root filesystem …")
            _pip_wheels(rootfs, spec["pip"])
        if spec.get("offline_install"):
            _offline_install(rootfs)
        _add_agent_user(rootfs, spec)
        for link, target in (spec.get("links") or {}).items():
            (rootfs / link.lstrip("/")).unlink(missing_ok=True)
            (rootfs / link.lstrip("/")).symlink_to(target)
        for folder in spec.get("agent_dirs") or ():
            os.chown(rootfs / folder.lstrip("/"), spec["uid"], spec["uid"])
        for junk in ("var/cache/apt/archives", "var/lib/apt/lists"):
            shutil.rmtree(rootfs / junk, ignore_errors=True)
        tarball = Path(tmp) / "rootfs.tar"
        log("packing the root filesystem …")
        subprocess.run(["tar", "-C", str(rootfs), "--numeric-owner", "-cf", str(tarball), "."], check=True)
        log(f"docker import → {tag}")
        repo, _, version = tag.partition(":")
        api.import_image(src=str(tarball), repository=repo, tag=version or "latest", changes=list(recipe.changes))
    return tag
