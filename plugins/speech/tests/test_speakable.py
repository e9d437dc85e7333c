"""speakable(): a Markdown answer as sentences a voice can read."""

from __future__ import annotations

import pytest
from llmos_speech import speakable
from llmos_speech.speakable import CODE_BLOCK


@pytest.mark.parametrize(("markdown", "spoken"), [
    ("The meeting is at **noon** on *Friday*.", "The meeting is at noon on Friday."),
    ("Open `agenda.md` first.", "Open agenda.md first."),
    ("The line:\n```python\ndef get():\n    return 1\n```\nThat is all.", f"The line:\n{CODE_BLOCK}\nThat is all."),
    ("~~~\nls -la\n~~~", CODE_BLOCK),
    ("Start:\n```sh\nrm -rf build", f"Start:\n{CODE_BLOCK}"),  # a fence the answer never closed
    ("## Steps\n- one\n* two\n+ three\n- [x] done", "Steps\none\ntwo\nthree\ndone"),
    ("See [the guide](docs/guide.md) and ![a chart](chart.png).", "See the guide and a chart."),
    ("| day | time |\n|---|:---:|\n| Friday | noon |", "day, time\nFriday, noon"),
    ("> quoted\n\n---\n\nafter", "quoted\nafter"),
    ("snake_case_name and 2 * 3 = 6 stay", "snake_case_name and 2 * 3 = 6 stay"),
])  # fmt: skip
def test_speakable(markdown: str, spoken: str) -> None:
    assert speakable(markdown) == spoken
