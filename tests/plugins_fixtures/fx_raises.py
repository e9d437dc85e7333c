"""I2: raises inside register_tools."""

from llmos_shell import hookimpl


@hookimpl
def register_tools(register):
    raise RuntimeError("fx_raises is broken")
