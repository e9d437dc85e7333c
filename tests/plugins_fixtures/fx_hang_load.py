"""I3: hangs inside a hook (register_tools) forever."""

import threading

from llmos_shell import hookimpl


@hookimpl
def register_tools(register):
    threading.Event().wait()
