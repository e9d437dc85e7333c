"""The router's learned prior (llmos_shell/routing/head.py): the shipped file, training, bonuses."""

from __future__ import annotations

import sys
from pathlib import Path

import numpy as np
import pytest

from llmos_shell.routing.head import HEAD_FILE, NO_TOOL, ToolHead, features, load_head, train_head

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "scripts"))

from train_tool_head import digest, training_sets  # noqa: E402

FIRST_PARTY = {
    "files.list", "files.find", "files.search", "files.read", "files.write", "retrieval.ingest", "retrieval.ask",
    "memory.remember", "memory.recall", "memory.forget", "vision.read_text", "vision.describe",
    "speech.transcribe", "speech.speak", "system.run",
}  # fmt: skip


@pytest.fixture(scope="module")
def model_id() -> str:
    from llmos_shell.routing.retrieval import Embedder

    return Embedder().model_id


def test_the_shipped_head_knows_the_first_party_tools_and_learnt_from_development_sets_only(model_id: str) -> None:
    head = load_head(model_id)
    assert head is not None, f"{HEAD_FILE} is missing or does not load: run scripts/train_tool_head.py"
    assert set(head.classes) == FIRST_PARTY | {NO_TOOL}
    assert head.trained_on and all(n == "intents" or n.startswith("intents_dev") for n in head.trained_on)
    assert not any("heldout" in n or "val" in n for n in head.trained_on)


def test_the_shipped_head_was_trained_on_the_development_sets_as_they_are_now(model_id: str) -> None:
    head = load_head(model_id)
    assert head is not None
    sets = training_sets()
    assert list(head.trained_on) == [p.stem for p in sets]
    assert head.data_digest == digest(sets), "a development set changed: run scripts/train_tool_head.py"


def test_a_head_for_another_embedding_model_or_a_broken_file_is_not_used(tmp_path: Path, model_id: str) -> None:
    assert load_head("another-embedder") is None
    assert load_head(model_id, tmp_path / "missing.npz") is None
    broken = tmp_path / "broken.npz"
    broken.write_bytes(b"not a numpy file")
    assert load_head(model_id, broken) is None


def _toy() -> tuple[np.ndarray, list[str], list[str]]:
    rng = np.random.default_rng(7)
    centres = {"a.one": 0, "b.two": 1, NO_TOOL: 2}
    vectors, texts, labels = [], [], []
    for label, axis in centres.items():
        for i in range(20):
            v = rng.normal(0, 0.05, 8)
            v[axis] += 1.0
            vectors.append(v / np.linalg.norm(v))
            texts.append(f"request {label} {i}")
            labels.append(label)
    return np.asarray(vectors, dtype=np.float32), texts, labels


def test_training_separates_classes_and_round_trips_through_the_file(tmp_path: Path) -> None:
    vectors, texts, labels = _toy()
    head = train_head(vectors, texts, labels, model_id="toy", trained_on=["toy"], epochs=300)
    probe = np.zeros(8, dtype=np.float32)
    probe[1] = 1.0
    p = head.probabilities(probe, "something else")
    assert max(p, key=lambda k: p[k]) == "b.two"
    assert abs(sum(p.values()) - 1.0) < 1e-5
    head.save(tmp_path / "toy.npz")
    again = load_head("toy", tmp_path / "toy.npz")
    assert again is not None and again.classes == head.classes and again.trained_on == ("toy",)
    assert np.allclose(again.probabilities(probe, "something else")["b.two"], p["b.two"], atol=1e-6)


def test_training_needs_the_class_of_requests_answered_directly() -> None:
    vectors, texts, labels = _toy()
    with pytest.raises(ValueError, match="none"):
        train_head(vectors, texts, [x if x != NO_TOOL else "a.one" for x in labels], model_id="toy")


def test_an_unknown_tool_gets_the_bonus_of_none_and_a_catalog_of_unknown_tools_none_at_all() -> None:
    vectors, texts, labels = _toy()
    head: ToolHead = train_head(vectors, texts, labels, model_id="toy", epochs=300)
    probe = vectors[0]
    bonus = head.bonuses(probe, texts[0], ["a.one", "hello.greet", NO_TOOL], weight=0.1)
    assert bonus["hello.greet"] == bonus[NO_TOOL]
    assert bonus["a.one"] > bonus[NO_TOOL]
    assert head.bonuses(probe, texts[0], ["hello.greet", "weather.today", NO_TOOL]) == {}


def test_features_hold_the_embedding_and_the_request_words() -> None:
    v = np.ones((1, 4), dtype=np.float32) / 2
    a = features(v, ["forget my locker code"])
    b = features(v, ["remember my locker code"])
    assert a.shape == b.shape and a.shape[1] > 4
    assert np.allclose(a[0, :4], b[0, :4]) and not np.allclose(a[0, 4:], b[0, 4:])


def test_the_router_adds_the_prior_to_each_candidate(router) -> None:  # type: ignore[no-untyped-def]
    d = router.route("what time zone is Dubai in")
    assert d.tool is None  # "time" is a word only a memory phrase uses; the head knows the question
    assert all(0.0 <= c.prior <= 0.1 for c in d.candidates)
    assert sum(c.prior for c in d.candidates) > 0
    assert "prior" in d.candidates[0].as_dict()


def test_a_chained_step_keeps_to_the_plugin_of_the_step_before(router) -> None:  # type: ignore[no-untyped-def]
    from llmos_shell.shell import split_steps

    first, second = split_steps("add the folder handbook/ to my documents, then ask how many vacation days we get")
    before = router.route(first)
    assert before.tool == "retrieval.ingest"
    assert router.route(second).tool is None  # alone, the prior takes it for a general question
    after = router.route(second, after=before.tool)
    assert after.tool == "retrieval.ask" and after.chosen_by == "chain"
    assert router.route("tell me a joke", after=before.tool).tool is None  # no tool of the plugin is near
