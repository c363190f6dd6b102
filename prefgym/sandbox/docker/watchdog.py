"""Remove an owner's containers when the owner dies, even by SIGKILL.

Started by the owner (the first time it creates a sandbox) as a separate process in its own
session, so a kill of the owner's process group does not reach it. The owner holds the write end
of a pipe that is this process's stdin; when the owner dies for any reason the kernel closes it,
and EOF here is the signal: instant, and free of pid-reuse races. We then remove every container
labelled with the owner's pid and host.

Run by file path with only the standard library imported, so it starts in ~20 ms and needs
neither prefgym nor the docker SDK importable. It speaks the Engine API over the unix socket.

    python3 watchdog.py OWNER_PID OWNER_HOST DOCKER_SOCKET
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


def remove_owned(sock_path, pid, host):
    filters = json.dumps({"label": ["prefgym.managed=1", "prefgym.owner.pid=" + pid, "prefgym.owner.host=" + host]})
    status, body = _call(sock_path, "GET", "/containers/json?all=1&filters=" + urllib.parse.quote(filters))
    if status != 200:
        return 0
    removed = 0
    for container in json.loads(body):
        status, _ = _call(sock_path, "DELETE", "/containers/%s?force=1&v=1" % container["Id"])
        removed += status in (204, 404)
    return removed


def main():
    pid, host, sock_path = sys.argv[1], sys.argv[2], sys.argv[3]
    try:
        while sys.stdin.buffer.read(65536):  # the owner never writes; this returns b"" when it dies
            pass
    except OSError:
        pass
    # Two passes: a create the engine was still finishing when the owner died shows up late.
    for delay in (0, 2, 5):
        time.sleep(delay)
        try:
            remove_owned(sock_path, pid, host)
        except OSError:
            pass  # the engine may be busy or gone; the next pass, or the start-up prune, is the backstop


if __name__ == "__main__":
    main()
