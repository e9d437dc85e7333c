"""llmos-hello: the smallest complete llmos plugin (see docs/plugins.md)."""

from __future__ import annotations

from typing import Any

from llmos_shell import ToolResult, hookimpl

__version__ = "0.1.0"

GREETING = "Hello"


@hookimpl
def llmos_configure(config: dict[str, Any]) -> None:
    """Read ``[plugins.hello] greeting = "..."`` from llmos.toml."""
    global GREETING
    greeting = config.get("greeting", "Hello")
    if not isinstance(greeting, str) or not greeting.strip():
        raise ValueError("plugins.hello.greeting must be a non-empty string")
    GREETING = greeting.strip()


def greet(name: str) -> ToolResult:
    """Greet someone by name.

    Args:
        name: who to greet
    """
    return ToolResult(content=f"{GREETING}, {name}!", data={"greeting": GREETING, "name": name})


@hookimpl
def register_tools(register: Any) -> None:
    register(
        greet,
        examples=["say hello to {name}", "greet {name}", "please greet {name} for me", "wave hi to {name}"],
        effects=["read"],
    )
