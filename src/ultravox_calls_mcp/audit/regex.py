"""Regular expressions in Python's syntax, run by RE2: linear time in the text, for any pattern.

Python's ``re`` backtracks: ``(a|aa)*b`` over a long message runs for minutes and cannot be
interrupted. RE2 (Google's engine, the ``google-re2`` binding) matches with automata, so a
search costs at most (text length) × (compiled program size); the program size is capped
here, and RE2 releases the GIL while it matches.

A pattern is first compiled by Python's ``re`` (syntax errors read as before), then
translated so it means in RE2 what it means in Python:

* ``\\w \\d \\s`` and their negations become the exact code-point sets Python's ``re`` uses
  (RE2's own are ASCII-only);
* ``\\Z`` → ``\\z``, ``{,n}`` → ``{0,n}``, ``\\uXXXX``/``\\UXXXXXXXX``/``\\N{name}``/octal →
  ``\\x{…}``; named groups become plain ones (nothing is captured);
* what RE2 cannot do in linear time (backreferences, lookaround, atomic groups, possessive
  repeats, conditionals) is refused, naming the construct and an alternative.

Known differences left: ``\\b``/``\\B`` count only ASCII letters, digits and ``_`` as word
characters, and ``$`` (without ``(?m)``) matches only at the very end, not before a final
newline.
"""

from __future__ import annotations

import array
import re
import unicodedata
import warnings
from dataclasses import dataclass
from functools import cache
from typing import Final, Protocol

import re2  # type: ignore[import-untyped]  # google-re2 ships no type information

# A search costs up to (text length) × program size. Each \w is ~1,350 instructions (the
# UTF-8 automaton of Python's word characters), so this admits a dozen of them. Ordinary
# patterns take microseconds per message; the worst found under this cap (counted repeats
# that defeat RE2's DFA cache, e.g. (?s)(.*a.*){999}x) took ~1 s per 20,000 characters on
# a 2-core machine, which is why scans run the matching off the event loop.
MAX_PROGRAM_SIZE: Final = 20_000
REPEAT_LIMIT: Final = 1_000  # RE2's own cap on a counted repeat {n}

_SURROGATE = re.compile("[\ud800-\udfff]")
_QUANTIFIER = re.compile(r"\{(\d*)(,?)(\d*)\}")
_OCTAL = frozenset("01234567")
_PASSED_ESCAPES = frozenset("afnrtvAbB")  # same meaning in RE2 (\b inside a class aside)


class QueryError(ValueError):
    """A query we will not run; the message says how to fix it."""


class _Span(Protocol):
    def span(self) -> tuple[int, int]: ...


class _Engine(Protocol):
    programsize: int

    def search(self, text: str) -> _Span | None: ...


@dataclass(frozen=True)
class LinearPattern:
    """A compiled pattern; ``search`` gives the first match's span in characters."""

    engine: _Engine

    def search(self, text: str) -> tuple[int, int] | None:
        try:
            found = self.engine.search(text)
        except UnicodeEncodeError:
            # A lone surrogate (JSON can carry one) cannot be UTF-8; one char for one keeps
            # the offsets.
            found = self.engine.search(_SURROGATE.sub("\ufffd", text))
        return None if found is None else found.span()


def compile_linear(source: str, *, case_sensitive: bool) -> LinearPattern:
    """Raises ``QueryError`` for an invalid pattern or one RE2 cannot run."""
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # e.g. "possible nested set": not the model's concern
            re.compile(source, 0 if case_sensitive else re.IGNORECASE)
    except re.error as exc:
        raise QueryError(
            f"query is not a valid regular expression ({exc.msg} at position {exc.pos}). "
            "Fix the pattern, or pass regex=false to search for the text literally."
        ) from None
    translated = _Translator(source).run()
    options = re2.Options()
    options.log_errors = False  # RE2 would write every refusal to stderr
    options.never_capture = True  # only the whole match's span is used
    options.case_sensitive = case_sensitive
    try:
        engine: _Engine = re2.compile(translated, options)
    except re2.error as exc:
        raise QueryError(_engine_refusal(exc)) from None
    size = engine.programsize
    if size > MAX_PROGRAM_SIZE:
        raise QueryError(
            f"this regex compiles to {size:,} steps; the limit is {MAX_PROGRAM_SIZE:,}. "
            "Large counted repeats ({n}) and Unicode classes (\\w is ~1,350 steps) add up: "
            "use smaller counts, or [A-Za-z0-9_] where ASCII words will do."
        )
    return LinearPattern(engine)


def _engine_refusal(exc: Exception) -> str:
    reason = exc.args[0] if exc.args else ""
    text = reason.decode("utf-8", "replace") if isinstance(reason, bytes) else str(reason)
    if "repetition size" in text or "repetition operator" in text:
        return (
            f"a repeat count is over {REPEAT_LIMIT:,}, or repeats nest to more than "
            f"{REPEAT_LIMIT:,} in all (the linear-time engine's limit). Use smaller counts."
        )
    if "too large" in text:
        return "this regex is too large to compile. Use a shorter pattern or smaller counts."
    # The engine quotes the translated pattern after the colon; the kind of error is enough.
    kind = text.split(":", 1)[0].strip() or "unsupported construct"
    return (
        f"the linear-time regex engine cannot run this pattern ({kind}). "
        "Simplify it, or pass regex=false to search for the text literally."
    )


def _unsupported(construct: str, alternative: str) -> QueryError:
    return QueryError(
        f"{construct} is not supported: regex search runs in linear time (RE2), which rules "
        f"it out. {alternative}"
    )


class _Translator:
    """One pass over a pattern Python's ``re`` already accepted."""

    def __init__(self, source: str) -> None:
        self.source = source
        self.at = 0
        self.out: list[str] = []
        self.in_class = False

    def run(self) -> str:
        while self.at < len(self.source):
            char = self.source[self.at]
            if char == "\\":
                self._escape()
            elif self.in_class:
                self._class_char(char)
            else:
                self._outside(char)
        return "".join(self.out)

    def _peek(self, count: int = 1, offset: int = 0) -> str:
        return self.source[self.at + offset : self.at + offset + count]

    def _open_class(self) -> None:
        self.out.append("[")
        self.at += 1
        self.in_class = True
        if self._peek() == "^":
            self.out.append("^")
            self.at += 1
        if self._peek() == "]":  # a "]" first in a set is a member in Python
            self.out.append("\\]")
            self.at += 1

    def _class_char(self, char: str) -> None:
        if char == "]":
            self.in_class = False
            self.out.append("]")
        elif char == "[":
            self.out.append("\\[")  # RE2 would read [:alpha:] as a POSIX class
        else:
            self.out.append(_literal(char) if char.isspace() or not char.isascii() else char)
        self.at += 1

    def _outside(self, char: str) -> None:
        if char == "[":
            self._open_class()
            return
        if char == "(" and self._peek(offset=1) == "?":
            self._group_extension()
            return
        if char in "*+?":
            self.out.append(char)
            self.at += 1
            self._refuse_possessive()
            return
        if char == "{":
            quantifier = _QUANTIFIER.match(self.source, self.at)
            if quantifier is not None and (quantifier.group(1) or quantifier.group(2)):
                low, comma, high = quantifier.groups()
                self.out.append(f"{{{low or '0'}{comma}{high}}}")  # Python's {,n} is {0,n}
                self.at = quantifier.end()
                self._refuse_possessive()
                return
            self.out.append("\\{")
            self.at += 1
            return
        if char == "}":
            self.out.append("\\}")
        else:
            self.out.append(_literal(char) if char.isspace() or not char.isascii() else char)
        self.at += 1

    def _refuse_possessive(self) -> None:
        if self._peek() == "+":
            raise _unsupported(
                "A possessive repeat (*+, ++, ?+, {n}+)",
                "Drop the trailing + (RE2 never backtracks, so the plain repeat is as fast).",
            )

    def _group_extension(self) -> None:
        rest = self.source[self.at + 2 :]
        if rest.startswith(("=", "!")):
            raise _unsupported(
                "Lookahead (?=…) / (?!…)",
                "Match the following text itself, or search for it separately.",
            )
        if rest.startswith(("<=", "<!")):
            raise _unsupported(
                "Lookbehind (?<=…) / (?<!…)",
                "Match the preceding text itself, or search for it separately.",
            )
        if rest.startswith("P="):
            raise _unsupported(
                "A named backreference (?P=name)",
                "Spell the repeated text out, or search for it literally.",
            )
        if rest.startswith(">"):
            raise _unsupported("An atomic group (?>…)", "Use a plain group (?:…).")
        if rest.startswith("("):
            raise _unsupported(
                "A conditional group (?(…)…)", "Write the alternatives out with | instead."
            )
        if rest.startswith("#"):
            self.at = self.source.index(")", self.at) + 1  # a comment cannot hold ")"
            return
        if rest.startswith("P<"):
            self.out.append("(?:")  # nothing is captured, so the name has no use
            self.at = self.source.index(">", self.at) + 1
            return
        flags = re.match(r"[a-zA-Z]*(?:-[a-zA-Z]*)?[:)]", rest)
        if flags is not None:
            self._flags(flags.group())
            return
        self.out.append("(?")
        self.at += 2

    def _flags(self, spec: str) -> None:
        letters = spec[:-1].replace("-", "")
        if "x" in letters:
            raise _unsupported(
                "The verbose flag (?x)", "Write the pattern without layout spaces or comments."
            )
        if "a" in letters or "L" in letters:
            raise _unsupported(
                "The ASCII/locale flag (?a) / (?L)", "Write classes out, e.g. [A-Za-z0-9_]."
            )
        kept = spec.replace("u", "")  # Unicode matching is the default already
        if kept in (")", "-)"):
            self.at += 2 + len(spec)
            return
        if kept in (":", "-:"):
            kept = ":"
        self.out.append("(?" + kept)
        self.at += 2 + len(spec)

    def _escape(self) -> None:
        letter = self._peek(offset=1)
        self.at += 2
        if letter in "wWdDsS":
            self.out.append(_class_text(letter, inside=self.in_class))
        elif letter.isdigit():
            self._number_escape(letter)
        elif letter in ("Z", "z"):  # Python's end of text (\z from Python 3.14 on)
            self.out.append("\\z")
        elif letter in ("u", "U"):
            width = 4 if letter == "u" else 8
            self.out.append(_literal(chr(int(self._take(width), 16))))
        elif letter == "N":
            name = self.source[self.at + 1 : self.source.index("}", self.at)]
            self.at += len(name) + 2
            self.out.append(_literal(unicodedata.lookup(name)))
        elif letter == "x":
            self.out.append(_literal(chr(int(self._take(2), 16))))
        elif letter == "b" and self.in_class:
            self.out.append(_literal("\b"))  # backspace inside a set, in Python
        elif letter in _PASSED_ESCAPES:
            self.out.append("\\" + letter)
        else:
            # Any other escaped character stands for itself.
            self.out.append(_literal(letter))

    def _take(self, count: int) -> str:
        taken = self.source[self.at : self.at + count]
        self.at += count
        return taken

    def _number_escape(self, first: str) -> None:
        """Python's rules: an octal escape, or (outside a set) a group reference."""
        digits = first
        while len(digits) < 3 and self._peek() and self._peek() in _OCTAL:
            digits += self._take(1)
        octal = first == "0" or self.in_class or (len(digits) == 3 and set(digits) <= _OCTAL)
        if not octal:
            raise _unsupported(
                f"A backreference (\\{first}…)",
                "Spell the repeated text out, or search for it literally.",
            )
        self.out.append(_literal(chr(int(digits, 8))))


def _literal(char: str) -> str:
    return f"\\x{{{ord(char):X}}}"


def _class_text(letter: str, *, inside: bool) -> str:
    body = _code_point_ranges(letter)
    return body if inside else f"[{body}]"


@cache
def _code_point_ranges(letter: str) -> str:
    """The code points Python's ``re`` matches with ``\\<letter>``, as RE2 class ranges.

    Computed from ``re`` itself (once, on first use: ~0.2 s), so the meaning follows the
    running Python's Unicode tables exactly."""
    ranges: list[str] = []
    run = re.compile(f"\\{letter}+")
    # Surrogates cannot be UTF-8, so RE2 never sees one; leave them out of the ranges.
    for low, high in ((0, 0xD800), (0xE000, 0x110000)):
        text = array.array("I", range(low, high)).tobytes().decode("utf-32-le")
        for found in run.finditer(text):
            first, last = low + found.start(), low + found.end() - 1
            ranges.append(
                _literal(chr(first)) + ("" if first == last else "-" + _literal(chr(last)))
            )
    return "".join(ranges)
