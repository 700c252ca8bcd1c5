"""File helpers every layer uses: writing a file whole or not at all."""

from __future__ import annotations

import contextlib
import os
import signal
import tempfile
import threading
from collections.abc import Iterator
from glob import escape as glob_escape
from pathlib import Path
from typing import Any

__all__ = ["atomic_file", "write_text_atomic"]


def _file_mode(target: Path) -> int:
    """The mode the written file gets: the existing file's, else what the umask allows."""
    try:
        return target.stat().st_mode & 0o7777
    except FileNotFoundError:
        umask = os.umask(0)
        os.umask(umask)
        return 0o666 & ~umask


_TMP_SUFFIX = ".upheaval-tmp"


def _remove_stale_temporaries(target: Path) -> None:
    """Remove temporary files a killed writer left beside ``target`` (``.NAME.PID.XXXX.upheaval-tmp``).

    A writer stopped by SIGKILL cannot clean up; its file carries its process id, so the next
    write removes it once that process is gone. Files of a writer still running are left alone.
    """
    folder = target.parent if str(target.parent) else Path(".")
    for leftover in folder.glob(f".{glob_escape(target.name)}.*{_TMP_SUFFIX}"):
        pid = leftover.name[len(target.name) + 2 :].split(".", 1)[0]
        if not pid.isdigit() or int(pid) == os.getpid():
            continue
        try:
            os.kill(int(pid), 0)
        except ProcessLookupError:
            leftover.unlink(missing_ok=True)
        except OSError:  # alive, owned by another user
            continue


def write_text_atomic(path: str | Path, text: str | bytes) -> None:
    """Write to a temporary file beside ``path``, then rename it over ``path`` (see :func:`atomic_file`)."""
    data = text.encode("utf-8") if isinstance(text, str) else text
    with atomic_file(path) as fh:
        fh.write(data)


@contextlib.contextmanager
def atomic_file(path: str | Path) -> Iterator[Any]:
    """A binary file to write ``path`` through, piece by piece: a temporary file beside ``path``, renamed over
    it when the block ends without an error, so a reader sees the old file or the whole new one.

    The file's data is flushed to disk (``fsync``) before the rename, and the folder after it,
    so that after a crash or power cut ``path`` holds either the old text or the new, whole.

    The temporary file is removed on every exit that can run code: an exception, Ctrl-C,
    and SIGTERM (turned into ``SystemExit(143)`` while the file is written, in the main
    thread). A SIGKILL leaves it, named ``.NAME.PID.XXXX.upheaval-tmp``; the next write to
    the same path removes it.
    """
    target = Path(path)
    _remove_stale_temporaries(target)
    with _terminate_as_exit():
        tmp: str | None = None
        try:
            with _signals_held():  # no signal between creating the file and knowing its name
                fd, tmp = tempfile.mkstemp(
                    prefix=f".{target.name}.{os.getpid()}.", suffix=_TMP_SUFFIX, dir=target.parent or "."
                )
            with os.fdopen(fd, "wb") as fh:
                yield fh
                fh.flush()
                os.fsync(fh.fileno())  # the data is on disk before the name points at it
            os.chmod(tmp, _file_mode(target))
            os.replace(tmp, target)
            tmp = None
            _fsync_folder(target.parent)  # and the rename itself survives a power cut
        except BaseException:
            if tmp is not None:
                Path(tmp).unlink(missing_ok=True)
            raise


def _fsync_folder(folder: Path) -> None:
    """Flush a folder's entries (a rename) to disk; a no-op where folders cannot be opened (Windows)."""
    flags = os.O_RDONLY | getattr(os, "O_DIRECTORY", 0)
    try:
        fd = os.open(folder if str(folder) else ".", flags)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:  # some file systems refuse fsync on a folder; the rename stands regardless
        pass
    finally:
        os.close(fd)


@contextlib.contextmanager
def _signals_held() -> Iterator[None]:
    """Hold SIGINT and SIGTERM back (delivered when the block ends) in the main thread."""
    held = {signal.SIGINT, signal.SIGTERM}
    if threading.current_thread() is not threading.main_thread() or not hasattr(signal, "pthread_sigmask"):
        yield
        return
    signal.pthread_sigmask(signal.SIG_BLOCK, held)
    try:
        yield
    finally:
        signal.pthread_sigmask(signal.SIG_UNBLOCK, held)


@contextlib.contextmanager
def _terminate_as_exit() -> Iterator[None]:
    """While the block runs in the main thread, SIGTERM raises ``SystemExit(143)`` (so cleanup runs)."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return

    def _raise(signum: int, frame: Any) -> None:
        raise SystemExit(128 + signum)

    try:
        previous = signal.signal(signal.SIGTERM, _raise)
    except (ValueError, OSError):  # no signals here (e.g. an embedded interpreter)
        yield
        return
    try:
        yield
    finally:
        signal.signal(signal.SIGTERM, signal.SIG_DFL if previous is None else previous)
