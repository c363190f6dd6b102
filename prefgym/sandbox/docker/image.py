"""Build the default sandbox image with no container registry.

Research machines often have a Debian package mirror but no registry, so the image is a
debootstrap root filesystem imported into Docker. The build is the slow step (~40 s), so the tag
is a hash of the recipe and a present image is reused. ``docker import`` cannot run ``useradd``,
so the agent's user and its work folder are written into the root filesystem before import.
"""

from __future__ import annotations

import glob
import hashlib
import json
import os
import re
import shutil
import subprocess
import tempfile
from collections.abc import Callable
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


def default_image_tag() -> str:
    """``prefgym-sandbox:<hash of the recipe>``; ``PREFGYM_SANDBOX_IMAGE`` overrides it."""
    override = os.environ.get("PREFGYM_SANDBOX_IMAGE")
    if override:
        return override
    digest = hashlib.sha256(json.dumps([RECIPE, CHANGES], sort_keys=True).encode()).hexdigest()[:12]
    return f"{IMAGE_REPO}:{digest}"


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


def _add_agent_user(rootfs: Path) -> None:
    name, uid = RECIPE["user"], RECIPE["uid"]
    with open(rootfs / "etc/passwd", "a") as f:
        f.write(f"{name}:x:{uid}:{uid}:prefgym agent:/work:/bin/bash\n")
    with open(rootfs / "etc/group", "a") as f:
        f.write(f"{name}:x:{uid}:\n")
    with open(rootfs / "etc/shadow", "a") as f:
        f.write(f"{name}:!:19000:0:99999:7:::\n")
    work = rootfs / "work"
    work.mkdir(exist_ok=True)
    os.chown(work, uid, uid)


def build_image(api: object, tag: str, *, mirror: str | None = None,
                log: Callable[[str], None] = print) -> str:
    """debootstrap → add user → tar → ``docker import``. Needs root (debootstrap does)."""
    if missing := missing_build_tools():
        raise ImageBuildError(f"missing {', '.join(missing)}: apt-get install -y {' '.join(missing)}")
    mirror = mirror or apt_mirror()
    with tempfile.TemporaryDirectory(prefix="prefgym-rootfs-") as tmp:
        rootfs = Path(tmp) / "rootfs"
        log(f"debootstrap {RECIPE['suite']} ({RECIPE['variant']}) from the machine's apt mirror …")
        cmd = ["debootstrap", f"--variant={RECIPE['variant']}", "--include=" + ",".join(RECIPE["packages"]),
               RECIPE["suite"], str(rootfs), mirror]
        proc = subprocess.run(cmd, capture_output=True, text=True)
        if proc.returncode != 0:
            tail = (proc.stdout + proc.stderr)[-2000:]
            raise ImageBuildError(f"debootstrap failed (exit {proc.returncode}):\n{tail}")
        _add_agent_user(rootfs)
        for junk in ("var/cache/apt/archives", "var/lib/apt/lists"):
            shutil.rmtree(rootfs / junk, ignore_errors=True)
        tarball = Path(tmp) / "rootfs.tar"
        log("packing the root filesystem …")
        subprocess.run(["tar", "-C", str(rootfs), "--numeric-owner", "-cf", str(tarball), "."], check=True)
        log(f"docker import → {tag}")
        repo, _, version = tag.partition(":")
        api.import_image(src=str(tarball), repository=repo, tag=version or "latest", changes=CHANGES)
    return tag
