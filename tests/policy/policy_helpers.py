"""Action builders shared by the policy tests."""

from __future__ import annotations

from llmos_shell.policy.actions import Action, Provenance


def read(path: str, *prov: Provenance) -> Action:
    return Action("files.read", {"path": path}, frozenset({"read"}), (path,), (Provenance("user"), *prov))


def write(path: str, content: str = "x", *prov: Provenance) -> Action:
    return Action(
        "files.write", {"path": path, "content": content}, frozenset({"write"}), (path,), (Provenance("user"), *prov)
    )


def run(command: str, *prov: Provenance) -> Action:
    return Action("system.run", {"command": command}, frozenset({"execute"}), (), (Provenance("user"), *prov))


FILE_NOTES = Provenance("file", "notes.txt")
