"""Read an uploaded model in a child process with a time and a memory limit.

The loader's own limits (``upheaval.model._limits``) refuse alias bombs and absurd shapes
in milliseconds; this is the second wall, for whatever those limits miss: the upload is
parsed first in a separate Python process whose address space is capped
(``resource.setrlimit(RLIMIT_AS)``) and which is killed after a few seconds, so one hostile
file can neither stall the server's event loop nor grow its memory. Only a file the child
read without trouble is then parsed in the server (bounded the same way, and known to work).
"""

from __future__ import annotations

import json
import subprocess
import sys

from upheaval.errors import ModelError, Problem

__all__ = ["MEMORY_LIMIT", "TIME_LIMIT", "check_upload"]

TIME_LIMIT = 20.0  # seconds, start-up of the child included (about 0.3 s)
MEMORY_LIMIT = 1 << 30  # bytes of address space for the child

_CHILD = r"""
import json, resource, sys
limit = int(sys.argv[2])
resource.setrlimit(resource.RLIMIT_AS, (limit, limit))
try:
    from upheaval.errors import ModelError
    from upheaval.model import parse_yaml
    text = sys.stdin.buffer.read().decode("utf-8")
    try:
        parse_yaml(text, sys.argv[1])
        out = {"ok": True}
    except ModelError as exc:
        out = {"problems": [p.__dict__ for p in exc.problems]}
except MemoryError:
    out = {"memory": True}
sys.stdout.write(json.dumps(out))
"""


def check_upload(text: str, name: str, *, seconds: float = TIME_LIMIT, memory: int = MEMORY_LIMIT) -> None:
    """Return if ``text`` reads as a valid model in a bounded child process; raise ModelError otherwise.

    The child's own problems come back as they are; running out of time or memory is a
    ``too-slow`` or ``too-large`` problem naming the limit.
    """

    def refuse(code: str, message: str) -> ModelError:
        return ModelError(name, [Problem(code, message, line=1, column=1, help="check that this is a model file")])

    try:
        proc = subprocess.run(
            [sys.executable, "-c", _CHILD, name, str(memory)],
            input=text.encode("utf-8", errors="surrogatepass"),
            capture_output=True,
            timeout=seconds,
            check=False,
        )
    except subprocess.TimeoutExpired:
        raise refuse("too-slow", f"reading this model took longer than {seconds:g} s, the limit for uploads") from None
    try:
        out = json.loads(proc.stdout or b"{}")
    except ValueError:
        out = {}
    if out.get("ok"):
        return
    if out.get("problems"):
        raise ModelError(name, [Problem(**p) for p in out["problems"]])
    if out.get("memory") or b"MemoryError" in proc.stderr:
        raise refuse("too-large", f"reading this model needed more than {memory >> 20:,} MB, the limit for uploads")
    raise refuse("unreadable", "the model could not be read (the reader stopped without an answer)")
