"""Untrusted files are read in a child process with limits, forked from a fork server.

A crafted PDF or document must not hang or exhaust a web or worker process, so
the work that parses one (the page count of an upload, lef.documents; the text
of a result's file, knowledge.extraction) runs in a child that sets its own
memory and CPU limits before it reads a byte, and is killed when its time is up.

The children are forked from multiprocessing's fork server: a small process of
its own, started once per web or worker process (at the first file) and
single-threaded, with the parsers already imported (:func:`preload`), so a
child costs milliseconds instead of the 0.2-0.4 s of a new interpreter
importing pypdf. Forking the web process itself would copy its threads' locks
(the database pool's); the fork server has none.
"""

import contextlib
import multiprocessing
from collections.abc import Callable

# What the fork server imports when it starts ("__main__" is multiprocessing's default).
_PRELOAD = {"__main__"}


def preload(*modules: str) -> None:
    """Have the fork server import ``modules`` when it starts, so its children need not."""
    _PRELOAD.update(modules)


def run(target: Callable, args: tuple, *, timeout: float) -> tuple[str, object]:
    """Call ``target(*args, conn)`` in a child; what it sent on ``conn``.

    ("answer", what it sent), ("timeout", None) when it sent nothing in
    ``timeout`` seconds (it is killed), or ("died", its exit code) when it
    ended without an answer (killed by its limits, out of memory).
    """
    context = multiprocessing.get_context("forkserver")
    context.set_forkserver_preload(sorted(_PRELOAD))  # read when the server starts
    reader, writer = context.Pipe(duplex=False)
    child = context.Process(target=target, args=(*args, writer), daemon=True)
    result = None
    try:
        child.start()
        writer.close()  # the child's copy is its own: its exit ends the pipe
        if not reader.poll(timeout):
            result = "timeout", None
        else:
            with contextlib.suppress(EOFError):  # EOF: no answer before it ended
                result = "answer", reader.recv()
            child.join(1)  # it ends once it has answered
    finally:
        if child.is_alive():
            child.kill()
        if child.pid is not None:
            child.join()
        reader.close()
        writer.close()
    if result is None:
        result = "died", child.exitcode
    child.close()
    return result
