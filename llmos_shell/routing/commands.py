"""The shell command a request spells out: "run df -h in the terminal" -> ``df -h``.

A command starts at a program: one installed here, or one of the well-known programs a user
may name on a machine that lacks it ("ping example.org", "ffmpeg -i song.wav song.mp3"); the
words a request adds for the assistant after it ("... and show me the result") are not part of it.
"""

from __future__ import annotations

import functools
import re
import shutil

from .literals import looks_like_path

__all__ = ["KNOWN_PROGRAMS", "backticked", "command_in", "is_program", "spelled_out"]

# Programs users name whether or not this machine has them. Not English words ("convert", "code",
# "identify", "mount"): a program named like a word needs to be installed to count.
KNOWN_PROGRAMS = frozenset(
    "ping ping6 traceroute tracepath mtr nslookup dig whois ifconfig iwconfig nmcli netstat ip arp tcpdump nmap "
    "curl wget ssh scp sftp rsync telnet ncat openssl gpg ssh-keygen "
    "ffmpeg ffprobe ffplay sox exiftool magick mogrify pandoc pdftotext pdfinfo qpdf tesseract espeak-ng "
    "docker podman docker-compose kubectl helm minikube terraform ansible vagrant "
    "systemctl journalctl crontab ufw iptables certbot nginx apachectl sudo doas "
    "apt apt-get apt-cache dpkg dnf yum rpm pacman zypper flatpak brew "
    "git gh svn hg cmake gcc g++ clang clang++ javac java mvn gradle cargo rustc rustup "
    "python python3 pip pip3 pipx conda poetry uv pytest tox ruff mypy node npm npx yarn pnpm deno "
    "ruby php composer perl lua Rscript julia psql pg_dump mysql mysqldump sqlite3 redis-cli mongosh "
    "htop btop iotop vmstat iostat df du lsblk lsusb lspci lscpu lsof uptime uname hostname whoami nvidia-smi dmesg "
    "tar gzip gunzip zip unzip 7z xz bzip2 zstd "
    "ls grep rg sed awk jq yq wc chmod chown mkdir rmdir cp mv rm ps pkill killall pgrep nohup tmux vim nvim nano "
    "emacs yt-dlp youtube-dl".split()
)


@functools.lru_cache(maxsize=1024)
def is_program(word: str) -> bool:
    """``word`` names a program: a well-known one, or one installed here."""
    return bool(re.fullmatch(r"[\w.+-]+", word)) and (word in KNOWN_PROGRAMS or shutil.which(word) is not None)


# What a request may add after a shell command ("df -h in the terminal", "... and show the result",
# "git status in this folder", "the df command").
_COMMAND_TAIL = re.compile(
    r"(?:\s+(?:in|on|from|using|with)\s+(?:the|a|my)\s+(?:terminal|shell|console|command line)"
    r"|\s+and\s+(?:show|tell|give|print)\s+(?:me\s+)?(?:the\s+|its\s+|what\s+it\s+)?(?:result|output|says|prints)s?"
    r"|\s+(?:and|then)\s+(?:tell|show|give|let)\s+me\b.*|\s+and\s+(?:confirm|make\s+sure|report)\b.*|\s+to\s+(?:see|check|find\s+out|show\s+me)\b.*"
    r"|\s+[-\u2013\u2014]\s+(?:run|do|execute|try)\b.*|,?\s+(?:please|pls|thanks|thank\s+you|now)"
    r"|\s+for\s+me|\s+(?:so|because|since|cause)\s+(?:that\s+)?(?:i|we|you|it)\b.*"
    r"|\s+(?:in|inside)\s+(?:this|the\s+current|the|my|our)\s+(?:[\w.-]+\s+)?(?:folder|directory|dir|repo|repository|project)"
    r"|\s+command)+[\s.!?]*$",
    re.I,
)


# Where to run a command, said after it: "git status *in ~/family-tree*" runs there.
_RUN_IN = re.compile(r"\s+in\s+(?P<folder>(?:~|\.{1,2})?/[\w./~-]*|~)$")
_CLAUSE_BREAK = re.compile(r",\s+")  # not "; ": "cd src; ls" is one command line


def _first_clause(command: str) -> str:
    """A command up to a ", " outside quotes: "df -h, the laptop says the disk is full"
    runs ``df -h``; "echo 'a, b'" keeps its quote."""
    for m in _CLAUSE_BREAK.finditer(command):
        head = command[: m.start()]
        if head.count("'") % 2 == 0 and head.count('"') % 2 == 0:
            return head
    return command


# A script run by its path: "./backup_books.sh", "~/bin/deploy.sh", "scripts/build.py".
_SCRIPT = re.compile(r"(?:\.{1,2}/|~/|/)?[\w.+/-]*[\w+-]\.(?:sh|bash|zsh|py|pl|rb)|\.{1,2}/[\w+-]+")
_BACKTICKS = re.compile(r"`([^`]+)`")
_SCRIPT_WORDS = frozenset({"script", "program"})
_ARTICLES = frozenset("the a an my this that your our".split())
_RUN_WORDS = frozenset("run running execute executing exec type typing".split())


def spelled_out(command: str) -> bool:
    """A command line, not a program named in passing: an option or a path after the program
    ("du -sh .", "wc -l notes.txt", "ping 8.8.8.8"; not "python script")."""
    words = command.split()
    if any(w.startswith("-") or looks_like_path(w) for w in words[1:]):
        return True
    if len(words) > 1 and words[0] in _AS_ROOT and is_program(words[1]):
        return True  # "sudo systemctl restart cups"
    return bool(words) and is_program(words[0]) and any(_ADDRESS.fullmatch(w) for w in words[1:])


_AS_ROOT = frozenset({"sudo", "doas"})
_ADDRESS = re.compile(r"\d{1,3}(?:\.\d{1,3}){3}(?::\d+)?")  # "ping 8.8.8.8", "nc -z 10.0.0.5:22"


# What introduces a command line after a colon: "run the command: ...", "execute this: ...".
_COMMAND_HEAD = re.compile(r"\b(?:commands?|run|execute|exec|terminal|shell)(?:\s+(?:this|it|these))?\s*$", re.I)
_PROGRAM_NAME = re.compile(r"[a-z][\w.+-]*")


def backticked(text: str) -> str | None:
    """A command line the request sets in backticks: "convert the page with `convert a.psd a.png`"."""
    for code in _BACKTICKS.findall(text):
        words = code.split()
        if words and (is_program(words[0]) or _SCRIPT.fullmatch(words[0])):
            return code.strip()
    return None


def command_in(value: str, *, with_arguments: bool = False) -> str | None:
    """The shell command in ``value``: from the first word that is a program, minus
    trailing words addressed to the assistant ("... in the terminal", "... and show the result").

    ``with_arguments``: only a command with an option or a path after the program counts, for
    requests without a template: "how much disk space is free" names the program ``free`` by chance.
    """
    if not with_arguments and (code := backticked(value)):
        return code
    head, colon, tail = value.partition(": ")
    first = tail.split()[0] if colon and head.strip() and tail.split() else ""
    if first and is_program(first):
        value = tail  # "convert song.wav to mp3: ffmpeg -i song.wav song.mp3" (not ImageMagick's convert)
    elif first and _COMMAND_HEAD.search(head) and _PROGRAM_NAME.fullmatch(first):
        return _first_clause(tail).rstrip(" ?!,;")  # "run the command: pdftk a.pdf b.pdf cat output c.pdf"
    words = value.split()
    for i, word in enumerate(words):
        if i > 0 and words[i - 1].lower() in _ARTICLES and word not in KNOWN_PROGRAMS:
            continue  # "the file ./notes.txt" names a file, not the program `file` ("the df command" runs df)
        if word.lower() in _SCRIPT_WORDS and i + 1 < len(words) and _SCRIPT.fullmatch(words[i + 1].rstrip(",;?!")):
            continue  # "run the backup script ./backup.sh" runs the script, not the program `script`
        if is_program(word.rstrip(",;")) or _SCRIPT.fullmatch(word.rstrip(",;?!")):
            command = _COMMAND_TAIL.sub("", _first_clause(" ".join(words[i:]))).rstrip(" ?!,;")
            if command.endswith(".") and not command.endswith(" ."):  # a sentence's full stop, not "du -sh ."
                command = command[:-1]
            if (where := _RUN_IN.search(command)) and command[: where.start()].strip():
                command = f"cd {where['folder']} && {command[: where.start()]}"  # "git status in ~/repo"
            # "by running ip addr", "just run uptime", "git status, please"
            introduced = i == 0 or words[i - 1].lower() in _RUN_WORDS
            if with_arguments and not introduced and not spelled_out(command):
                continue
            return command or None
    return None
