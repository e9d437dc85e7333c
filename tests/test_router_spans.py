"""Free-text spans (routing/spans.py) and lead words (routing/lexical.py); no model, no embedder."""

from __future__ import annotations

import pytest

from llmos_shell.routing import ToolSpec
from llmos_shell.routing.fill import fill_arguments
from llmos_shell.routing.lexical import TermIndex, lead
from llmos_shell.routing.spans import command_words, content_span, markers, trim_span
from tests.conftest import tool_spec

REMEMBER = ("remember that {text}", "please remember {text}", "keep in mind that {text}", "{text}, remember that",
            "don't forget: {text}", "store the fact that {text}", "add to your memory that {text}")  # fmt: skip
RECALL = ("what do you remember about {query}", "what did I tell you about {query}", "recall {query}",
          "what's my {query} again?")  # fmt: skip
ASK = (
    "what do my documents say about {question}",
    "based on my documents, {question}",
    "ask my library {question}",
    "from my documents, {question}",
)
SEARCH = (
    "search the files for {text}",
    "which files contain {text}",
    "grep {text} in {directory}",
    "show lines mentioning {text}",
)


@pytest.mark.parametrize(
    ("examples", "name", "text", "want"),
    [
        (REMEMBER, "text", "please keep in mind I'm allergic to peanuts", "I'm allergic to peanuts"),
        (REMEMBER, "text", "Sam's birthday is on May 3, don't forget it", "Sam's birthday is on May 3"),
        # an article ending the command words belongs to the argument
        (REMEMBER, "text", "store in your memory that the meeting moved to Thursday", "the meeting moved to Thursday"),
        # pronouns and auxiliaries stay with the argument unless command words follow them
        (REMEMBER, "text", "remember I need to call mom please", "I need to call mom"),
        (REMEMBER, "text", "could you remember that my locker is 42", "my locker is 42"),
        (RECALL, "query", "what had I told you regarding my dentist?", "my dentist"),
        (RECALL, "query", "what was my favourite colour again, do you remember?", "my favourite colour"),
        # only the edges are trimmed
        (RECALL, "query", "recall the warranty period of the dishwasher", "the warranty period of the dishwasher"),
    ],
)
def test_content_span_takes_off_the_command_words(examples: tuple[str, ...], name: str, text: str, want: str) -> None:
    assert content_span(text, command_words(examples, name)) == want


def test_no_command_word_at_an_edge_means_no_span() -> None:
    words = command_words(REMEMBER, "text")
    assert content_span("my sister lives in Oslo", words) is None
    assert content_span("remember that", words) is None  # nothing left
    assert content_span("remember that x", frozenset()) is None  # a tool without templates


def test_a_question_keeps_its_question_word() -> None:
    words = command_words(ASK, "question")
    text = "from my documents, what's the wifi password?"
    assert content_span(text, words, question=True) == "what's the wifi password"
    assert content_span(text, words) == "the wifi password"


def test_literals_other_arguments_took_are_edges() -> None:
    words = command_words(SEARCH, "text")
    assert content_span("show lines mentioning FIXME in tests/", words, ["tests/"]) == "FIXME"
    assert content_span("show lines mentioning FIXME in tests/", words) == "FIXME in tests/"


def test_trim_span_only_trims_and_never_empties() -> None:
    words = command_words(("forget {query}", "forget everything about {query}"), "query")
    assert trim_span("about the parking spot", words) == "the parking spot"
    assert trim_span("everything", words) == "everything"
    assert trim_span("my dentist", words) == "my dentist"


def test_fill_uses_the_span_before_the_model() -> None:
    spec = ToolSpec("memory.remember", "Remember a fact.",
                    {"type": "object", "properties": {"text": {"type": "string"}}, "required": ["text"]},
                    REMEMBER)  # fmt: skip
    f = fill_arguments(spec, "please keep in mind I'm allergic to peanuts")
    assert f.arguments == {"text": "I'm allergic to peanuts"} and f.sources == {"text": "span"} and f.copied
    f = fill_arguments(spec, "remember that {x}".replace("{x}", "the bus leaves at 7, remember that"))
    assert f.arguments == {"text": "the bus leaves at 7"}


# -- lead words ------------------------------------------------------------------
@pytest.mark.parametrize(
    ("text", "want"),
    [("remember my colour is green", "^remember"), ("I want you to remember: x", "^remember"),
     ("could you please forget it", "^forget"), ("what do you remember about x", "^what"),
     ("{text}, remember that", None), ("", None)],
)  # fmt: skip
def test_lead_is_the_first_word_after_the_preamble(text: str, want: str | None) -> None:
    assert lead(text) == want


def test_the_lead_word_tells_a_command_from_a_question() -> None:
    others = [("files.read", "read the file {path}"), ("files.list", "list the folder {path}"), ("none", "hello")]
    index = TermIndex([("memory.remember", p) for p in REMEMBER] + [("memory.recall", p) for p in RECALL] + others)
    scores = index.scores("remember my favourite colour is green")
    assert scores["memory.remember"] > scores["memory.recall"]
    scores = index.scores("what do you remember about my favourite colour")
    assert scores["memory.recall"] > scores["memory.remember"]


def test_a_topic_marker_before_the_slot_starts_the_argument() -> None:
    forget = (
        "forget everything about {query}",
        "delete the memory about {query}",
        "forget {query}",
        "drop {query} from memory",
    )
    assert markers(forget, "query") == {"about"}
    assert markers(("remember that {text}",), "text") == frozenset()
    words, topic = command_words(forget, "query"), markers(forget, "query")
    assert content_span("drop whatever you remember about my manager", words, topic=topic) == "my manager"
    assert trim_span("the stored fact about the wifi password", words, topic=topic) == "the wifi password"
    # a marker far into the value is part of it
    assert trim_span("the long story of how I met Sam and talked about cats", words, topic=topic).endswith("cats")
    assert trim_span("the stored fact about the wifi password", words) == "the stored fact about the wifi password"


def test_an_auxiliary_after_the_command_words_is_not_the_argument() -> None:
    words = command_words((*SEARCH, "in which file is {text} defined"), "text")
    assert content_span("in which file is parse_args used?", words) == "parse_args used"
    ask = command_words(ASK, "question")
    assert content_span("based on my documents, is the office open on Sunday?", ask, question=True) == (
        "is the office open on Sunday")  # fmt: skip


def test_a_bare_extension_is_a_pattern() -> None:
    spec = ToolSpec("files.find", "Find files by name.", {"type": "object", "properties": {
        "pattern": {"type": "string"}}, "required": ["pattern"]}, ("find {pattern}",))  # fmt: skip
    assert fill_arguments(spec, "get me a list of all .md files").arguments == {"pattern": "*.md"}


def test_review_cases_of_literals_and_spans() -> None:
    from llmos_shell.routing.fill import _existing_words, match_template
    from llmos_shell.routing.literals import extract_literals

    # curly single quotes are quotes; ".md" alone is an extension, ".env" a file
    assert extract_literals("write \u2018moved to 3pm\u2019 to notes.md").quoted == ["moved to 3pm"]
    assert extract_literals("list all .md in docs/").paths == ["docs/"]
    assert extract_literals("cat .env and ~/.vimrc").paths == [".env", "~/.vimrc"]
    # another argument's value marks only whole words, and "." or "3" marks nothing
    words = command_words(REMEMBER, "text")
    assert content_span("remember to buy milk.", words, ["."]) == "to buy milk"
    assert content_span("remember that footnotes go last in notes", words, ["notes"]) == "footnotes go last"
    # a head before a colon is dropped only when it introduces the text
    spec = ToolSpec("memory.remember", "Remember a fact.",
                    {"type": "object", "properties": {"text": {"type": "string"}}, "required": ["text"]},
                    REMEMBER)  # fmt: skip
    assert fill_arguments(spec, "remember that dentist: tuesday 3pm").arguments == {"text": "dentist: tuesday 3pm"}
    # long inputs: templates are not tried past TEMPLATE_MAX_CHARS (lazy slots cost the cube of the
    # length), and folder names are found word by word (the regex it replaced was quadratic)
    assert match_template(["copy {src} to {dst}"], "copy a to b " * 100) == ({}, None)
    assert match_template(["copy {src} to {dst}"], "copy a to b") == ({"src": "a", "dst": "b"}, "copy {src} to {dst}")
    assert _existing_words("a-" * 20000 + " in the config directory", set()) == ["config"]


def test_an_optional_question_the_templates_do_not_cover_is_the_request() -> None:
    props = {"path": {"type": "string"}, "question": {"type": "string"}}
    spec = ToolSpec("vision.describe", "Describe an image or answer a question about it.",
                    {"type": "object", "properties": props, "required": ["path"]},
                    ("describe {path}", "what is in the image {path}"), ("path",))  # fmt: skip
    f = fill_arguments(spec, "how many people are in party.jpg?")
    assert f.arguments == {"path": "party.jpg", "question": "how many people are in party.jpg"}
    assert "question" not in fill_arguments(spec, "what is in the image party.jpg").arguments  # a template's
    assert "question" not in fill_arguments(spec, "describe party.jpg please").arguments  # not a question


FORGET = ("forget {query}", "remove {query} from your memory", "forget everything about {query}")


@pytest.mark.parametrize(
    ("examples", "name", "text", "want"),
    [
        (FORGET, "query", "forget about the wifi password I gave you", "the wifi password"),
        (FORGET, "query", "Remove the staging server IP from your memory, it changed", "the staging server IP"),
        (FORGET, "query", "forget my peanut allergy, that was a mistake", "my peanut allergy"),
        (RECALL, "query", "what was my landlord's name, I told you last week", "my landlord's name"),
        ((*RECALL, "remind me {query}"), "query", "remind me what my gym locker code is", "my gym locker code"),
        (REMEMBER, "text", "remember that I take it black, so you don't suggest lattes", "I take it black"),
        # "I told you so" is the words, not an aside
        (REMEMBER, "text", "remember that she said I told you so", "she said I told you so"),
        # a question ends at its question mark when an instruction follows
        (ASK, "question", "based on my documents, may I bring pets? check the lease I uploaded", "may I bring pets"),
    ],
)
def test_asides_to_the_assistant_are_not_the_argument(examples: tuple[str, ...], name: str, text: str,
                                                      want: str) -> None:  # fmt: skip
    assert fill_arguments(tool_spec("t.t", {name: ""}, [name], examples), text).arguments[name] == want


@pytest.mark.parametrize(
    ("text", "path", "want"),
    [
        ("What color is the car in ./evidence/lot.jpg?", "./evidence/lot.jpg", "What color is the car"),
        ("can u tell me what this diagram shows? arch.png", "arch.png", "what this diagram shows"),
        ("Look at chart.png and tell me whether sales went up", "chart.png", "whether sales went up"),
        ("Describe ui.png - is the layout cluttered?", "ui.png", "is the layout cluttered"),
        # a sentence of its own after the file, or after the question, is not the question
        (
            "what's the mood of this painting? dusk.jpg, I want it for a scene",
            "dusk.jpg",
            "what's the mood of this painting",
        ),
        ("can you tell what kind of bug this is? bug.jpg. the kids are scared", "bug.jpg", "what kind of bug this is"),
        ("here's the calendar, cal.jpg. which days are marked? just describe it", "cal.jpg", "which days are marked"),
        # the file is part of the question: no question of its own on either side
        ("what kind of plant is in plant.jpg?", "plant.jpg", None),
        ("Does cat.jpg look blurry?", "cat.jpg", "Does it look blurry"),  # the question goes on after it
        ("describe photo.png", "photo.png", None),
    ],
)
def test_the_question_beside_a_file(text: str, path: str, want: str | None) -> None:
    from llmos_shell.routing.questions import question_beside

    assert question_beside(text, path) == want


def test_slips_of_phrase_words_are_read_as_them() -> None:
    from llmos_shell.routing.spelling import Speller, one_slip

    speller = Speller(["forget {query}", "remember that {text}", "transcribe the audio {path}", "store {text}"])
    assert speller.correct("forgett it, rememeber this, transcibe that") == "forget it, remember this, transcribe that"
    # forms of a phrase word, wrong letters (real words: "remote"), short words and paths stay as typed
    assert speller.correct("stored remote stre notes/rememeber.txt") == "stored remote stre notes/rememeber.txt"
    assert one_slip("recieve", "receive") and not one_slip("xorget", "forget")


def test_a_slipped_command_word_is_trimmed_off_the_argument() -> None:
    spec = tool_spec("memory.forget", {"query": ""}, ["query"], FORGET)
    assert fill_arguments(spec, "forgett my phone number pls").arguments == {"query": "my phone number"}


@pytest.mark.parametrize(
    ("text", "want"),
    [
        ("where in the codebase is API_KEY used", "API_KEY"),
        ("search for getUserById across the project", "getUserById"),
        ("show lines mentioning the Henderson account in my notes folder", "Henderson account"),  # no article
        # what a file says comes after the verb saying so
        ("search /data/logbooks for any entry mentioning humpback", "humpback"),
        ("search my notes for anyone who asked for ranunculus", "ranunculus"),
        ("search for a recipe somewhere that uses tonka bean", "tonka bean"),
    ],
)
def test_words_for_where_to_look_are_not_what_to_look_for(text: str, want: str) -> None:
    examples = (*SEARCH, "where is {text} used", "search for {text}")
    spec = tool_spec("files.search", {"text": "", "directory": "folder to search"}, ["text"], examples, ("directory",))
    assert fill_arguments(spec, text).arguments["text"] == want
    # a tool with no folder to look in keeps them: "the key is in my notes folder" is the fact
    remember = tool_spec("memory.remember", {"text": ""}, ["text"], REMEMBER)
    assert fill_arguments(remember, "remember that the key is in my notes folder").arguments == {
        "text": "the key is in my notes folder"
    }


@pytest.mark.parametrize(
    ("examples", "name", "text", "want"),
    [
        (
            ASK,
            "question",
            "based on my documents, what is the main contribution of the paper?",
            "what is the main contribution of the paper",
        ),
        (
            ("what does the handbook say about {question}", *ASK),
            "question",
            "In my library, what does the lease say about pets?",
            "what does the lease say about pets",
        ),
        (
            ("do my docs tell me {question}", *ASK),
            "question",
            "Can my docs tell me how often to take the tablets?",
            "how often to take the tablets",
        ),
        (RECALL, "query", "what do you remember about my preferences from before?", "my preferences"),
        (SEARCH, "text", "grep the codebase for TODO in src", "TODO"),
    ],
)
def test_questions_keep_their_opening_and_scopes_go(examples: tuple[str, ...], name: str, text: str,
                                                    want: str) -> None:  # fmt: skip
    spec = tool_spec("t.t", {name: "", "directory": "folder"}, [name], examples, ("directory",))
    assert fill_arguments(spec, text).arguments[name] == want


def test_content_introduced_by_whose_content_is() -> None:
    spec = tool_spec("files.write", {"path": "", "content": ""}, ["path", "content"],
                     ("write {content} to {path}", "create a file {path} with {content}"), ("path",))  # fmt: skip
    assert fill_arguments(spec, "write a file out.txt whose content is 42 apples").arguments["content"] == "42 apples"


@pytest.mark.parametrize(
    ("text", "want"),
    [("what's my favorite editor, according to what I told you before?", "my favorite editor"),
     ("what citation style did I say I prefer?", "citation style")],
)  # fmt: skip
def test_recall_keys_lose_asides_and_dangling_words(text: str, want: str) -> None:
    examples = (*RECALL, "what {query} did I say I prefer")
    spec = tool_spec("memory.recall", {"query": ""}, ["query"], examples)
    assert fill_arguments(spec, text).arguments == {"query": want}


@pytest.mark.parametrize(
    ("text", "want"),
    [("forget the locker code I gave you, facilities changed all of them", "the locker code"),
     ("you can forget my ex's work schedule, doesn't matter anymore", "my ex's work schedule"),
     ("forget my old address please, I moved already to new apartment", "my old address"),
     ("forget my car, my bike", "my car"),
     ("forget Priya, she left the team", "Priya"),
     ("forget Priya, Sam too", "Priya, Sam too"),
     ("forget the name of my accountant a while back", "my accountant"),
     ("forget my preferences from before", "my preferences")],
)  # fmt: skip
def test_search_keys_end_before_a_comment_on_them(text: str, want: str) -> None:
    spec = tool_spec("memory.forget", {"query": ""}, ["query"], ("forget {query}", "you can forget {query}"))
    assert fill_arguments(spec, text).arguments == {"query": want}


def test_a_colon_payload_is_the_users_exact_words() -> None:
    spec = tool_spec("speech.speak", {"text": ""}, ["text"], ("say {text}", "please read this aloud"))
    got = fill_arguments(spec, "say this out loud for the break room: Please wash your hands.").arguments
    assert got == {"text": "Please wash your hands"}


@pytest.mark.parametrize(
    ("text", "want"),
    [("speak {x}: Odile lost count, and started again.", "Odile lost count, and started again"),
     ("say this: the oven is ready now", "the oven is ready now"),
     ("say thank you for shopping with us", "thank you for shopping with us"),
     ("say hello again", "hello"),  # a command's "again" is filler
     ("say good night, thank you", "good night")],
)  # fmt: skip
def test_words_to_say_keep_what_only_looks_like_filler(text: str, want: str) -> None:
    spec = tool_spec("speech.speak", {"text": ""}, ["text"], ("say {text}", "speak {text}", "say this: {text}"))
    assert fill_arguments(spec, text.replace("{x}", "this paragraph slowly please")).arguments == {"text": want}


def test_long_runs_of_punctuation_are_read_in_one_pass() -> None:
    # each of these took seconds to minutes when a pattern retried a run from each of its characters
    from llmos_shell.routing.literals import extract_literals
    from llmos_shell.routing.spans import first_clause

    for run in ("-" * 40000, "+" * 40000, "." * 40000, "a-b+" * 10000):
        assert extract_literals(run).paths == []
    words = command_words(REMEMBER, "text")
    assert content_span("remember that " + ", " * 20000, words) is None
    assert content_span("remember that the cat sat" + " i" * 20000, words) is not None
    assert first_clause("my car" + ", i" * 13000) == "my car"
    assert first_clause("my car" + " " * 40000 + "i told you") is not None


def test_a_source_said_before_the_question_like_the_templates_do() -> None:
    spec = tool_spec("retrieval.ask", {"question": ""}, ["question"], ASK)
    f = fill_arguments(spec, "based on my music theory notes, what's a good way to modulate into the bridge?")
    assert f.loose and f.arguments == {"question": "what's a good way to modulate into the bridge"}


@pytest.mark.parametrize(("text", "want"), [
    ("search for plumber pleae", "plumber"),
    ("search for plumber, plese", "plumber"),
    ("search for invoices thnaks", "invoices"),
    ("search for pleas", "pleas"),  # a word of its own
])  # fmt: skip
def test_slips_of_please_and_thanks_are_filler(text: str, want: str) -> None:
    spec = tool_spec("files.search", {"text": ""}, ["text"], ("search for {text}", "grep {text}"))
    assert fill_arguments(spec, text).arguments == {"text": want}
