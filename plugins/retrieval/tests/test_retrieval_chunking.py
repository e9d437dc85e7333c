from __future__ import annotations

import itertools

import pytest
from llmos_retrieval.chunking import chunk_text


def _doc(paragraphs: int, sentences: int) -> str:
    return "\n\n".join(
        " ".join(f"Paragraph {p} sentence {s} carries fact number {p * 100 + s}." for s in range(sentences))
        for p in range(paragraphs)
    )


def test_short_text_is_one_chunk() -> None:
    chunks = chunk_text("Just one line.")
    assert [(c.text, c.start) for c in chunks] == [("Just one line.", 0)]


def test_chunks_respect_size_and_keep_every_sentence() -> None:
    text = _doc(6, 8)
    chunks = chunk_text(text, size=300, overlap=80)
    assert len(chunks) > 5
    assert all(len(c.text) <= 300 + 80 for c in chunks)
    for p in range(6):
        for s in range(8):
            fact = f"fact number {p * 100 + s}."
            assert any(fact in c.text for c in chunks), fact


def test_overlap_carries_the_last_sentence_into_the_next_chunk() -> None:
    chunks = chunk_text(_doc(1, 20), size=300, overlap=100)
    assert len(chunks) > 3
    for before, after in itertools.pairwise(chunks):
        last_sentence = before.text.rsplit(". ", 1)[-1]
        first_sentence = after.text.split(". ", 1)[0] + "."
        assert last_sentence in after.text  # the boundary sentence is whole in the next chunk
        assert first_sentence in before.text  # which starts with carried-over text
        carried = after.text[: after.text.index(last_sentence) + len(last_sentence)]
        assert before.text.endswith(carried) and len(carried) <= 100


def test_paragraphs_are_not_split_when_they_fit() -> None:
    paras = [f"Topic {i}. " + "word " * 20 for i in range(10)]
    chunks = chunk_text("\n\n".join(paras), size=400, overlap=0)
    for chunk in chunks:
        for part in chunk.text.split("\n\n"):
            assert part.strip() in [p.strip() for p in paras]


def test_start_offsets_point_at_the_chunk_text() -> None:
    text = _doc(4, 6)
    for chunk in chunk_text(text, size=250, overlap=0):
        assert text[chunk.start : chunk.start + 20] == chunk.text[:20]


def test_a_huge_word_run_is_split_hard() -> None:
    chunks = chunk_text("x" * 2500, size=800, overlap=150)
    assert [len(c.text) for c in chunks[:3]] == [800, 800, 800]
    assert chunks[3].text.replace(" ", "") == "x" * 250  # 150 carried over + the last 100


@pytest.mark.parametrize(("size", "overlap"), [(10, 0), (800, 800), (800, -1)])
def test_bad_sizes_are_refused(size: int, overlap: int) -> None:
    with pytest.raises(ValueError):
        chunk_text("text", size=size, overlap=overlap)
