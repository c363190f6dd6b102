"""Remove an owner's containers when the owner dies, even by SIGKILL.

Started by the owner (the first time it creates a sandbox) as a separate process in its own
session, so a kill of the owner's process group does not reach it. The owner holds the write end
of a pipe that is this process's stdin; when the owner dies for any reason the kernel closes it,
and EOF here is the signal: instant, and free of pid-reuse races. We then remove every container
carrying all the labels the owner named (its pid and host), then every network with them (the
internal networks of a task's servers, empty once their containers are gone).

Run by file path with only the standard library imported, so it starts in ~20 ms and needs
neither prefgym nor the docker SDK importable. It speaks the Engine API over the unix socket.

    python3 watchdog.py DOCKER_SOCKET LABEL=VALUE [LABEL=VALUE ...]
"""

import http.client
import json
import socket
import sys
import time
import urllib.parse


class _UnixHTTPConnection(http.client.HTTPConnection):
    def __init__(self, path):
        super().__init__("localhost", timeout=60)
        self._path = path

    def connect(self):
        self.sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        self.sock.settimeout(60)
        self.sock.connect(self._path)


def _call(sock_path, method, url):
    conn = _UnixHTTPConnection(sock_path)
    try:
        conn.request(method, url)
        resp = conn.getresponse()
        body = resp.read()
        return resp.status, body
    finally:
        conn.close()


def remove_labelled(sock_path, labels):
    filters = json.dumps({"label": labels})
    status, body = _call(sock_path, "GET", "/containers/json?all=1&filters=" + urllib.parse.quote(filters))
    if status == 200:
        for container in json.loads(body):
            _call(sock_path, "DELETE", "/containers/%s?force=1&v=1" % container["Id"])
    status, body = _call(sock_path, "GET", "/networks?filters=" + urllib.parse.quote(filters))
    if status == 200:
        for network in json.loads(body):
            _call(sock_path, "DELETE", "/networks/%s" % network["Id"])


def main():
    sock_path, labels = sys.argv[1], sys.argv[2:]
    if not any(label.startswith("prefgym.owner.pid=") for label in labels):
        sys.exit("refusing to run without an owner label: it would remove every prefgym container")
    try:
        while sys.stdin.buffer.read(65536):  # the owner never writes; this returns b"" when it dies
            pass
    except OSError:
        pass
    # Three passes: a create the engine was still finishing when the owner died shows up late.
    for delay in (0, 2, 5):
        time.sleep(delay)
        try:
            remove_labelled(sock_path, labels)
        except OSError:
            pass  # the engine may be busy or gone; the next pass, or the start-up prune, is the backstop


if __name__ == "__main__":
    main()
