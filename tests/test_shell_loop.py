"""The shell loop's own logic, with the scripted kernel."""

from __future__ import annotations

from pathlib import Path

import pytest

from llmos_shell.kernel.scripted import ScriptedKernel
from llmos_shell.shell import split_steps
from tests.test_shell_security import make_shell


def test_plain_command_answers_with_the_tool_output(isolated: Path) -> None:
    Path("notes.txt").write_text("buy milk\n")
    kernel = ScriptedKernel(["should not be used"])
    result = make_shell(kernel, native=False).turn("/files.read notes.txt")
    assert result.direct and "buy milk" in result.answer
    assert kernel.prompts == []  # no model call at all


def test_question_about_the_output_gets_a_model_answer(isolated: Path) -> None:
    Path("notes.txt").write_text("buy milk\n")
    kernel = ScriptedKernel([
        {"tool": "files.read", "arguments": {"path": "notes.txt"}},
        {"tool": "none", "arguments": {}},
        "You need to buy milk.",
    ])  # fmt: skip
    result = make_shell(kernel, native=True).turn("what do I need to buy according to notes.txt?")
    assert result.tool_calls[0].ok and not result.direct
    assert result.answer == "You need to buy milk."
    assert "buy milk" in kernel.prompts[-1][-1]["content"]


def test_always_mode_keeps_the_model_answer(isolated: Path) -> None:
    Path("notes.txt").write_text("buy milk\n")
    kernel = ScriptedKernel(["It says to buy milk."])
    shell = make_shell(kernel, native=False)
    shell.settings.shell.answer_after_tools = "always"
    result = shell.turn("/files.read notes.txt")
    assert not result.direct and result.answer == "It says to buy milk."
    assert "buy milk" in kernel.prompts[0][-1]["content"]  # the model saw the file, as data


@pytest.mark.parametrize(("text", "steps"), [
    ("read notes.txt", ["read notes.txt"]),
    ("add docs/ to my documents, then ask what the refund policy is",
     ["add docs/ to my documents", "ask what the refund policy is"]),
    ("list files and then read a.txt", ["list files", "read a.txt"]),
])  # fmt: skip
def test_split_steps(text: str, steps: list[str]) -> None:
    assert split_steps(text) == steps


@pytest.mark.parametrize(("text", "direct"), [
    ("read notes.txt", True),
    ("remember that my parking spot is B12", True),
    ("list the files in docs", True),
    ("what is in notes.txt", False),
    ("is there a meeting in notes.txt", False),
    ("summarize notes.txt", False),
    ("read notes.txt?", False),
    ("read notes.txt and tell me when the meeting is", False),
])  # fmt: skip
def test_which_requests_are_answered_by_their_tool_output(isolated: Path, text: str, direct: bool) -> None:
    assert make_shell(ScriptedKernel(), native=False)._output_is_the_answer(text) is direct


def test_an_echoed_untrusted_data_frame_is_kept_out_of_the_answer(isolated: Path) -> None:
    Path("notes.txt").write_text("buy milk\n")
    kernel = ScriptedKernel(["always"])  # filled in below, once the frame's id is known
    shell = make_shell(kernel, native=False)
    shell.settings.shell.answer_after_tools = "always"

    def echo(messages: list[dict[str, str]]) -> str:
        frame = [line for line in messages[-1]["content"].split("\n") if line.startswith("<<end-untrusted-data")]
        return f"The line:\n{frame[0]}\n\u2502 buy milk\nYou need to buy milk."

    kernel.queue.clear()
    kernel.enqueue(echo)
    streamed: list[str] = []
    result = shell.turn("/files.read notes.txt", on_text=streamed.append)
    assert result.answer == "The line:\nbuy milk\nYou need to buy milk."
    assert "".join(streamed).strip() == result.answer  # what streamed is what was kept
    assert shell.history[-1]["content"] == result.answer


def test_the_same_data_gives_the_same_prompt(isolated: Path) -> None:
    """The untrusted-data id is derived from the data, so a seeded model answers the same way twice."""
    Path("notes.txt").write_text("buy milk\n")
    prompts = []
    for _ in range(2):
        kernel = ScriptedKernel(["It says to buy milk."])
        shell = make_shell(kernel, native=False)
        shell.settings.shell.answer_after_tools = "always"
        shell.turn("/files.read notes.txt")
        prompts.append(kernel.prompts[0][-1]["content"])
    assert prompts[0] == prompts[1] and "<<untrusted-data id=" in prompts[0]
