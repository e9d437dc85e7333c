"""Shell command classification for ``system.run``: segment by segment, most restrictive wins.

:func:`classify_command` parses a command line with :mod:`.shlexer` (our own
standard-library parser; docs/policy.md explains why) and looks at every
simple command in it: each side of pipes, ``&&``, ``||`` and ``;``, every
``$(...)``/backtick/process substitution (also inside ``${...}`` and ``$((...))``),
the command behind wrappers (``sudo``, ``env X=1``, ``nice``, ``timeout``,
``xargs`` ...), the script of ``bash -c`` / ``sh -c``, ``eval``, ``trap`` and
``watch`` (parsed recursively), and ``find -exec``. A segment is *ask* when it is
destructive (``rm``, ``dd of=``, ``mkfs``, ``chmod -R``, ``git reset --hard``,
``> file`` ...), may send data over the network (``curl``, ``ssh``, ``/dev/tcp``
...), runs code that cannot be inspected (``python -c``, ``bash`` reading stdin,
``source``, ``eval``, here-documents), escalates privileges (``sudo``), computes its
command name at run time (``$CMD``, ``/???/r?``, ``{rm,-rf,x}``), sets a variable that
changes what runs (``PATH=``, ``LD_PRELOAD=``), or defines a function (fork bombs).
A command that does not parse (``case``, unbalanced quotes, a dangling ``&&`` ...)
is *ask* too: the parser fails closed.

The classifier never says *allow* for a command on its own: *allow* here only
means "nothing alarming found"; the engine's rules still decide.
"""

from __future__ import annotations

import functools
import os
import re
from dataclasses import dataclass, field

from .actions import Decision
from .shlexer import Node, ParseError, Redirect, Word, parse

__all__ = ["CommandVerdict", "Segment", "classify_command"]

MAX_DEPTH = 6
MAX_COMMAND_CHARS = 100_000


@dataclass(frozen=True)
class Segment:
    """One simple command inside a command line.

    ``argv`` is the command as written (quotes removed), ``inner`` the command
    that actually runs once wrappers (``sudo``, ``env``, ``nice``, ``xargs`` ...) are
    peeled off, ``depth`` how deeply nested it is (substitution, ``bash -c``).
    """

    argv: tuple[str, ...]
    inner: tuple[str, ...]
    decision: Decision
    reasons: tuple[str, ...] = ()
    depth: int = 0
    network: bool = False
    destructive: bool = False


@dataclass(frozen=True)
class CommandVerdict:
    """The classification of a whole command line: the strictest segment wins."""

    decision: Decision
    reasons: list[str]
    segments: list[Segment]
    parsed: bool = True
    network: bool = False
    destructive: bool = False
    notes: list[str] = field(default_factory=list)


_SHELLS = {"sh", "bash", "zsh", "dash", "ksh", "mksh", "fish", "ash", "csh", "tcsh", "busybox"}
_INTERPRETERS = {
    "python": ("-c",),
    "perl": ("-e", "-E"),
    "ruby": ("-e",),
    "node": ("-e", "--eval", "-p", "--print"),
    "nodejs": ("-e", "--eval", "-p"),
    "deno": ("eval",),
    "bun": ("-e", "--eval"),
    "php": ("-r",),
    "lua": ("-e",),
    "Rscript": ("-e",),
    "osascript": ("-e",),
    "awk": (),
}
_NETWORK = {
    "curl", "wget", "nc", "ncat", "netcat", "socat", "ssh", "scp", "sftp", "ftp", "tftp", "telnet", "ping",
    "ping6", "dig", "nslookup", "host", "whois", "mail", "mailx", "sendmail", "aria2c", "lftp", "httpie", "http",
    "https", "xh", "rclone", "s3cmd", "aws", "gcloud", "az", "gsutil", "nmap", "torsocks", "proxychains",
}  # fmt: skip
_DELETERS = {"rmdir", "unlink", "shred", "wipe", "srm", "truncate"}
_DISK = {
    "mkswap", "wipefs", "fdisk", "sfdisk", "cfdisk", "gdisk", "sgdisk", "parted", "blkdiscard", "hdparm",
    "mke2fs", "badblocks", "cryptsetup", "lvremove", "vgremove", "pvremove", "zpool", "losetup",
}  # fmt: skip
_SYSTEM = {
    "shutdown", "reboot", "halt", "poweroff", "init", "telinit", "killall", "pkill", "iptables", "ip6tables",
    "nft", "ufw", "mount", "umount", "swapoff", "swapon", "insmod", "rmmod", "modprobe", "sysctl", "useradd",
    "userdel", "usermod", "passwd", "chpasswd", "visudo", "setfacl", "chattr", "crontab", "at", "launchctl",
}  # fmt: skip
_PRIV = {"sudo", "doas", "su", "pkexec", "run0", "sudoedit"}
_SIMPLE_WRAPPERS = {"nohup", "time", "builtin", "exec", "setsid", "unbuffer", "command", "stdbuf", "ionice",
                    "nice", "chrt", "taskset", "flock", "timeout", "watch", "env", "chroot", "strace",
                    "ltrace", "firejail", "caffeinate", "catchsegv", "fakeroot"}  # fmt: skip
# options of wrappers that take a value (the value is not the wrapped command)
_WRAPPER_VALUE_OPTS = {
    "sudo": {"-u", "-g", "-C", "-h", "-p", "-U", "-r", "-t", "-D", "-R", "-T"},
    "doas": {"-u", "-C"},
    "env": {"-u", "-C", "--unset", "--chdir"},
    "nice": {"-n", "--adjustment"},
    "ionice": {"-c", "-n", "-p", "--class", "--classdata"},
    "stdbuf": {"-i", "-o", "-e"},
    "timeout": {"-s", "-k", "--signal", "--kill-after"},
    "watch": {"-n", "-d", "--interval"},
    "xargs": {"-I", "-i", "-n", "-P", "-d", "-a", "-L", "-l", "-s", "-E", "-e", "--max-args", "--max-procs",
              "--delimiter", "--arg-file", "--replace"},
    "chrt": {"-p"},
    "taskset": {"-p", "-c"},
    "strace": {"-e", "-o", "-p", "-s", "-E"},
    "flock": {"-w", "-E", "--timeout"},
}  # fmt: skip
_WRAPPERS_WITH_POSITIONAL = {"timeout": 1, "chroot": 1, "flock": 1, "taskset": 1, "chrt": 1}
_SECRET_WORD_RE = re.compile(
    r"(?:\.ssh/|id_rsa|id_ed25519|id_ecdsa|\.aws/|\.gnupg|/etc/shadow|\.netrc|\.git-credentials|/proc/[^/]+/environ"
    r"|\.pgpass|\.docker/config\.json|\.kube/config)"
)
_NET_CODE_RE = re.compile(
    r"socket|urllib|requests|http\.client|httpx|aiohttp|fetch\(|XMLHttpRequest|smtplib|ftplib|paramiko|"
    r"Net::|IO::Socket|open-uri|net/http|/dev/tcp|/dev/udp|websocket",
    re.IGNORECASE,
)
_DESTRUCTIVE_CODE_RE = re.compile(
    r"rmtree|os\.remove|os\.unlink|unlink\(|rm -|shutil|File\.delete|fs\.rm|rmSync|unlinkSync|system\(|subprocess|"
    r"os\.system|exec\(|eval\(|popen",
    re.IGNORECASE,
)
_SAFE_REDIRECT_TARGETS = {"/dev/null", "/dev/stdout", "/dev/stderr", "/dev/tty"}
# variables that make the next program load or run other code
_RISKY_VARS = {
    "PATH", "BASH_ENV", "ENV", "IFS", "PROMPT_COMMAND", "PS4", "SHELLOPTS", "BASHOPTS", "PYTHONPATH",
    "PYTHONSTARTUP", "PYTHONHOME", "PERL5OPT", "PERL5LIB", "PERLLIB", "RUBYOPT", "RUBYLIB", "NODE_OPTIONS",
    "NODE_PATH", "GIT_SSH", "GIT_SSH_COMMAND", "GIT_EXTERNAL_DIFF", "GIT_PAGER", "GIT_EDITOR", "GIT_ASKPASS",
    "SSH_ASKPASS", "GIT_CONFIG_GLOBAL", "GIT_CONFIG_PARAMETERS", "GIT_EXEC_PATH", "PAGER", "EDITOR", "VISUAL",
    "MANPAGER", "LESSOPEN", "LESSCLOSE",
}  # fmt: skip


class _Unparseable(Exception):
    pass


class _Ctx:
    def __init__(self) -> None:
        self.segments: list[Segment] = []
        self.notes: list[str] = []


def _base(word: str) -> str:
    return os.path.basename(word)


def _interp_name(name: str) -> str | None:
    m = re.match(r"^(python|perl|ruby|node|nodejs|deno|bun|php|lua|Rscript|osascript|awk|gawk|mawk)[0-9.]*$", name)
    if not m:
        return None
    n = m.group(1)
    return "awk" if n in ("gawk", "mawk") else n


def _short_flags(args: list[str]) -> set[str]:
    out: set[str] = set()
    for a in args:
        if a == "--":
            break
        if a.startswith("-") and not a.startswith("--") and len(a) > 1:
            out.update(a[1:])
    return out


def _long_flags(args: list[str]) -> set[str]:
    return {a.split("=", 1)[0] for a in args if a.startswith("--")}


def _unwrap(argv: list[str], reasons: list[str], ctx: _Ctx, depth: int) -> list[str]:
    """Peel wrappers (sudo, env, nice, timeout, xargs ...) off ``argv``; record why they matter."""
    for _ in range(16):
        if not argv:
            return argv
        name = _base(argv[0])
        if name in _PRIV:
            reasons.append(f"runs with elevated privileges ({name})")
            if name == "su":
                if "-c" in argv:
                    i = argv.index("-c")
                    if i + 1 < len(argv):
                        _parse_into(argv[i + 1], ctx, depth + 1)
                return []
        elif name == "xargs":
            reasons.append("runs a command on arguments read from input (xargs)")
        elif name not in _SIMPLE_WRAPPERS:
            return argv
        value_opts = _WRAPPER_VALUE_OPTS.get(name, set())
        i = 1
        while i < len(argv):
            a = argv[i]
            if name == "env" and a in ("-S", "--split-string") and i + 1 < len(argv):
                _parse_into(argv[i + 1], ctx, depth + 1)
                return []
            if name == "env" and re.match(r"^[A-Za-z_][A-Za-z0-9_]*=", a):
                var = a.split("=", 1)[0]
                if var in _RISKY_VARS or var.startswith(("LD_", "DYLD_", "BASH_FUNC_")):
                    reasons.append(f"sets a variable that changes how programs run ({var})")
                i += 1
                continue
            if a == "--":
                i += 1
                break
            if a.startswith("-") and len(a) > 1:
                i += 2 if (a in value_opts and "=" not in a) else 1
                continue
            break
        i += _WRAPPERS_WITH_POSITIONAL.get(name, 0)
        argv = argv[i:]
        if name == "watch" and argv:  # watch runs its arguments with sh -c
            _parse_into(" ".join(argv), ctx, depth + 1)
            return []
        if not argv and name == "xargs":
            argv = ["echo"]
    return argv


def _analyse(
    argv: list[str], redirects: list[tuple[str, str]], ctx: _Ctx, depth: int, extra: list[str] | tuple[str, ...] = ()
) -> Segment:
    reasons: list[str] = []
    network = destructive = False
    raw = tuple(argv)
    if argv and ("$" in argv[0] or "`" in argv[0]):
        reasons.append(f"the command name is computed at run time ({argv[0]})")
    inner = _unwrap(list(argv), reasons, ctx, depth)
    name = _base(inner[0]) if inner else ""
    args = inner[1:]
    short, long_ = _short_flags(args), _long_flags(args)

    def flag(text: str, *, net: bool = False, destroy: bool = False) -> None:
        nonlocal network, destructive
        reasons.append(text)
        network |= net
        destructive |= destroy

    # -- nested code ----------------------------------------------------------------
    if name in _SHELLS:
        script = None
        for i, a in enumerate(args):
            if a.startswith("-") and not a.startswith("--") and "c" in a[1:]:
                script = args[i + 1] if i + 1 < len(args) else ""
                break
            if not a.startswith("-"):
                break
        if script is not None:
            _parse_into(script, ctx, depth + 1)
        elif any(not a.startswith("-") for a in args):
            flag(f"runs a shell script whose contents are not checked ({name})")
        else:
            flag(f"runs shell code read from input ({name} reading stdin)")
    elif name == "eval":
        _parse_into(" ".join(args), ctx, depth + 1)
        flag("evaluates a string as shell code (eval)")
    elif name == "trap":
        rest = [a for a in args if a != "--"]
        if len(rest) >= 2 and not rest[0].startswith("-"):
            _parse_into(rest[0], ctx, depth + 1)
    elif name in ("source", "."):
        flag(f"runs a script in the current shell ({name})")
    elif (iname := _interp_name(name)) is not None:
        flags = _INTERPRETERS.get(iname, ())
        code = None
        for i, a in enumerate(args):
            if a in flags or (iname == "python" and a.startswith("-") and not a.startswith("--") and "c" in a[1:]):
                code = args[i + 1] if i + 1 < len(args) else ""
                break
        if iname == "awk" and any("system(" in a or "|" in a for a in args):
            flag("awk program runs commands (system or pipes)")
        if iname == "python" and "-m" in args:
            mod = args[args.index("-m") + 1] if args.index("-m") + 1 < len(args) else ""
            if mod.split(".")[0] in ("http", "smtpd", "ftplib", "pip", "venv", "ensurepip", "webbrowser"):
                flag(f"may use the network (python -m {mod})", net=True)
        info = {"--version", "-V", "-VV", "-h", "--help", "-v"}
        if code is None and iname != "awk" and "-m" not in args and not (set(args) & info):
            if all(a.startswith("-") and a != "-" for a in args) or "-" in args:
                flag(f"runs {iname} code read from input ({name} reading stdin)")
        if code is not None:
            if _NET_CODE_RE.search(code):
                flag(f"inline {iname} code may use the network", net=True)
            elif _DESTRUCTIVE_CODE_RE.search(code):
                flag(f"inline {iname} code may delete files or run commands", destroy=True)
            else:
                flag(f"runs inline {iname} code that cannot be checked")
    # -- network -----------------------------------------------------------------------
    if name in _NETWORK:
        flag(f"may send data over the network ({name})", net=True)
    elif name == "rsync" and any(":" in a or a.startswith("rsync://") for a in args):
        flag("copies to or from another host (rsync)", net=True)
    elif name in ("pip", "pip3", "npm", "npx", "pnpm", "yarn", "cargo", "gem", "go", "uv", "pipx", "conda") and any(
        a in ("install", "add", "update", "upgrade", "publish", "get", "login", "exec", "x", "dlx") for a in args[:2]
    ):
        flag(f"downloads or uploads packages ({name} {args[0]})", net=True)
    elif name in ("apt", "apt-get", "dnf", "yum", "pacman", "apk", "brew", "snap", "zypper"):
        flag(f"changes system packages ({name})", net=True, destroy=True)
    # -- destructive -------------------------------------------------------------------
    if name == "rm":
        if short & {"r", "R", "f"} or long_ & {"--recursive", "--force", "--dir"}:
            flag("deletes files recursively or forcefully (rm -r/-f)", destroy=True)
        else:
            flag("deletes files (rm)", destroy=True)
    elif name in _DELETERS:
        flag(f"deletes or destroys file contents ({name})", destroy=True)
    elif name == "dd" and any(a.startswith("of=") for a in args):
        flag("writes raw data to a file or device (dd of=)", destroy=True)
    elif name.startswith("mkfs") or name in _DISK:
        flag(f"formats or repartitions a disk ({name})", destroy=True)
    elif name in ("chmod", "chown", "chgrp") and (short & {"R"} or "--recursive" in long_):
        flag(f"changes permissions or owners recursively ({name} -R)", destroy=True)
    elif name in _SYSTEM:
        flag(f"changes the system or other processes ({name})", destroy=True)
    elif name == "kill" and any(a in ("-1", "--", "0") or (a == "-9" and "-1" in args) for a in args):
        flag("signals many processes (kill -1 / 0)", destroy=True)
    elif name == "systemctl" and any(a in ("poweroff", "reboot", "halt", "stop", "disable", "mask", "kill", "isolate")
                                     for a in args):  # fmt: skip
        flag("changes system services (systemctl)", destroy=True)
    elif name == "git":
        _git(args, flag)
    elif name == "find":
        _find(args, flag, ctx, depth)
    elif name in ("mv", "cp", "install", "ln") and args and args[-1] in ("/dev/null", "/"):
        flag(f"moves or copies over a special path ({name})", destroy=True)
    elif name == "sed" and (short & {"i"} or "--in-place" in long_):
        flag("edits files in place (sed -i)", destroy=True)
    elif name == "tee":
        flag("writes files (tee)", destroy=True)
    # -- words and redirects -----------------------------------------------------------
    for word in raw:
        if "/dev/tcp/" in word or "/dev/udp/" in word:
            flag("opens a network connection (/dev/tcp)", net=True)
            break
    for word in raw:
        if _SECRET_WORD_RE.search(word):
            flag(f"touches secret files ({word[:60]})")
            break
    for kind, target in redirects:
        if target.startswith("/dev/tcp/") or target.startswith("/dev/udp/"):
            flag("redirects to a network connection (/dev/tcp)", net=True)
        elif (
            kind in (">", ">|", "&>", ">&")
            and target not in _SAFE_REDIRECT_TARGETS
            and not target.isdigit()
            and not target.startswith("/dev/fd/")
            and target != "-"
        ):
            flag(f"overwrites a file ({kind} {target})", destroy=True)
        elif kind in (">>", "&>>") and target not in _SAFE_REDIRECT_TARGETS:
            flag(f"appends to a file ({kind} {target})", destroy=True)
        elif kind == "<>":
            flag(f"opens a file for writing (<> {target})", destroy=True)
    reasons.extend(extra)
    decision = Decision.ASK if reasons else Decision.ALLOW
    return Segment(raw, tuple(inner), decision, tuple(dict.fromkeys(reasons)), depth, network, destructive)


def _git(args: list[str], flag) -> None:
    # skip global options: git -C dir, -c k=v, --git-dir=...
    i = 0
    while i < len(args) and args[i].startswith("-"):
        i += 2 if args[i] in ("-C", "-c") else 1
    if i >= len(args):
        return
    sub, rest = args[i], args[i + 1 :]
    short, long_ = _short_flags(rest), _long_flags(rest)
    if sub == "reset" and "--hard" in long_:
        flag("discards uncommitted changes (git reset --hard)", destroy=True)
    elif sub == "clean" and ("f" in short or "--force" in long_):
        flag("deletes untracked files (git clean -f)", destroy=True)
    elif sub == "checkout" and ("f" in short or "--force" in long_ or "--" in rest or "." in rest):
        flag("discards changes in the working tree (git checkout)", destroy=True)
    elif sub == "restore" and "--staged" not in long_:
        flag("discards changes in the working tree (git restore)", destroy=True)
    elif sub == "stash" and rest[:1] and rest[0] in ("drop", "clear"):
        flag("deletes stashed changes (git stash drop/clear)", destroy=True)
    elif sub == "branch" and ("D" in short or ("d" in short and "f" in short) or "--delete" in long_):
        flag("deletes branches (git branch -D)", destroy=True)
    elif sub in ("filter-branch", "filter-repo", "update-ref", "reflog", "gc", "prune", "rebase", "rm"):
        flag(f"rewrites or deletes history or files (git {sub})", destroy=True)
    if sub in ("push", "pull", "fetch", "clone", "ls-remote", "remote", "submodule", "send-email", "archive"):
        if sub == "push" and ("f" in short or long_ & {"--force", "--force-with-lease", "--mirror", "--delete"}):
            flag("overwrites remote history (git push --force)", net=True, destroy=True)
        elif sub != "remote" or rest[:1] in (["add"], ["set-url"]):
            flag(f"talks to a remote repository (git {sub})", net=True)
    if sub == "config" and any(a.startswith(("core.", "alias.", "credential.", "url.")) for a in rest):
        flag("changes git configuration that can run commands (git config)", destroy=True)


def _find(args: list[str], flag, ctx: _Ctx, depth: int) -> None:
    for i, a in enumerate(args):
        if a == "-delete":
            flag("deletes the files it finds (find -delete)", destroy=True)
        elif a in ("-exec", "-execdir", "-ok", "-okdir"):
            j = i + 1
            cmd: list[str] = []
            while j < len(args) and args[j] not in (";", "\\;", "+"):
                cmd.append(args[j])
                j += 1
            if cmd:
                seg = _analyse(cmd, [], ctx, depth + 1)
                ctx.segments.append(seg)
            flag(f"runs a command on every file it finds (find {a})")
        elif a in ("-fprint", "-fprint0", "-fprintf", "-fls"):
            flag(f"writes a file ({a})", destroy=True)


def _subs(word: Word, ctx: _Ctx, depth: int) -> None:
    """Classify the commands inside the substitutions of ``word`` (they run first)."""
    for sub in word.subs:
        if depth + 1 > MAX_DEPTH:
            raise _Unparseable("substitutions nested too deeply")
        _walk(sub, ctx, depth + 1)


def _assign_reasons(assigns: list[Word]) -> list[str]:
    out = []
    for a in assigns:
        if a.quoted_code:  # bash runs $(...) inside a variable's value when arithmetic reads it
            out.append(f"stores text containing a command substitution in a variable ({a.raw[:60]})")
        name = re.split(r"[\[+=]", a.raw, maxsplit=1)[0]
        if name in _RISKY_VARS or name.startswith(("LD_", "DYLD_", "BASH_FUNC_")):
            out.append(f"sets a variable that changes how programs run ({name})")
    return out


def _redirect_list(redirects: list[Redirect], ctx: _Ctx, depth: int) -> tuple[list[tuple[str, str]], list[str]]:
    pairs: list[tuple[str, str]] = []
    extra: list[str] = []
    for r in redirects:
        _subs(r.target, ctx, depth)
        if r.heredoc is not None or r.op in ("<<", "<<-"):
            extra.append("reads a here-document whose contents are not checked")
            continue
        pairs.append((r.op, r.target.value))
    return pairs, extra


def _walk(node: Node, ctx: _Ctx, depth: int) -> None:
    kind = node.kind
    if kind == "simple":
        for w in (*node.assigns, *node.words):
            _subs(w, ctx, depth)
        redirects, extra = _redirect_list(node.redirects, ctx, depth)
        extra += _assign_reasons(node.assigns)
        argv = [w.value for w in node.words]
        if argv and _base(argv[0]) in ("declare", "typeset", "local", "export", "readonly", "let"):
            extra += _assign_reasons([w for w in node.words[1:] if w.quoted_code])
        if node.words and node.words[0].pattern:
            extra.append(f"the command name is a pattern that expands at run time ({node.words[0].raw})")
        if argv or redirects or extra:
            ctx.segments.append(_analyse(argv, redirects, ctx, depth, extra))
        return
    if kind == "function":
        fname = node.name
        ctx.notes.append(f"defines a shell function ({fname})")
        sub = _Ctx()
        for child in node.children:
            _walk(child, sub, depth + 1)
        ctx.segments.extend(sub.segments)
        ctx.notes.extend(sub.notes)
        if any(s.argv[:1] == (fname,) for s in sub.segments):
            ctx.notes.append(f"possible fork bomb: function {fname} calls itself")
        return
    for w in node.words:  # for-loop lists, [[ ... ]]
        _subs(w, ctx, depth)
    if kind == "subst":
        if depth > MAX_DEPTH:
            raise _Unparseable("substitutions nested too deeply")
    for child in node.children:
        _walk(child, ctx, depth)
    if kind == "cond":
        ctx.segments.append(_analyse([w.value for w in node.words], [], ctx, depth))
    if node.redirects:  # redirections of a compound command: a segment only when they matter
        redirects, extra = _redirect_list(node.redirects, ctx, depth)
        seg = _analyse([], redirects, ctx, depth, extra)
        if seg.decision is not Decision.ALLOW:
            ctx.segments.append(seg)


def _parse_into(command: str, ctx: _Ctx, depth: int) -> None:
    if depth > MAX_DEPTH:
        raise _Unparseable("nested too deeply")
    if not command.strip():
        return
    try:
        tree = parse(command)
    except ParseError as exc:
        raise _Unparseable(str(exc)[:160]) from None
    _walk(tree, ctx, depth)


@functools.lru_cache(maxsize=512)
def classify_command(cmd: str) -> CommandVerdict:
    """Classify a shell command line; see the module docstring.

    Returns a :class:`CommandVerdict`: ``decision`` is ``ask`` when any segment
    is destructive, networked, opaque or privileged, or when the command cannot
    be parsed; otherwise ``allow`` (meaning: the engine's rules decide).
    """
    if not isinstance(cmd, str):
        return CommandVerdict(Decision.DENY, ["command is not a string"], [], parsed=False)
    if "\x00" in cmd:
        return CommandVerdict(Decision.DENY, ["command contains a NUL byte"], [], parsed=False)
    if len(cmd) > MAX_COMMAND_CHARS:
        return CommandVerdict(Decision.ASK, [f"command is too long to check ({len(cmd)} characters)"], [], False)
    ctx = _Ctx()
    try:
        _parse_into(cmd, ctx, 0)
    except _Unparseable as exc:
        return CommandVerdict(
            Decision.ASK, [f"could not parse the command, so it cannot be checked ({exc})"], ctx.segments, False
        )
    except RecursionError:
        return CommandVerdict(Decision.ASK, ["command is nested too deeply to check"], ctx.segments, False)
    reasons: list[str] = []
    for seg in ctx.segments:
        reasons.extend(seg.reasons)
    reasons.extend(ctx.notes)
    reasons = list(dict.fromkeys(reasons))
    decision = Decision.strictest([s.decision for s in ctx.segments] + ([Decision.ASK] if ctx.notes else []))
    if not ctx.segments and not ctx.notes:
        decision = Decision.ALLOW
    return CommandVerdict(
        decision,
        reasons,
        ctx.segments,
        True,
        any(s.network for s in ctx.segments),
        any(s.destructive for s in ctx.segments) or any("fork bomb" in n for n in ctx.notes),
        ctx.notes,
    )
