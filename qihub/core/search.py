"""Chinese text as a full-text index sees it: jieba words separated by spaces.

Both databases index words, not characters: SQLite's FTS5 ``unicode61`` tokenizer and
PostgreSQL's ``simple`` configuration split on spaces and punctuation, so the text is segmented
here first. Indexed text is cut with ``cut_for_search`` (a long word and its shorter words, so
``拉伸`` finds ``拉伸试验``); a query is cut with ``cut`` (its longest words), and each of its
words must then be in the index. HMM word discovery is off on both sides: it guesses
differently in different contexts, so a query could produce a word the index never saw.
"""

from __future__ import annotations

import logging
import re
import tempfile
import threading
from collections.abc import Iterable
from pathlib import Path

import jieba

from qihub.core.text import to_halfwidth

__all__ = ["query_terms", "segment"]

WORDS = Path(__file__).resolve().parent / "data" / "qi_words.txt"
# Words are runs of letters and digits; anything else (punctuation, ``/``, ``.``, ``-``) only
# separates them, so both index tokenizers see exactly the same words.
_WORD = re.compile(r"[^\W_]+")

_lock = threading.Lock()
_tokenizer: jieba.Tokenizer | None = None


def _jieba() -> jieba.Tokenizer:
    """One tokenizer per process, with the QI dictionary; its cache lives in the temp dir."""
    # Loaded once and lazily: the dictionary costs about a second and 70 MB.
    global _tokenizer
    if _tokenizer is None:
        with _lock:
            if _tokenizer is None:
                jieba.setLogLevel(logging.WARNING)
                tokenizer = jieba.Tokenizer()
                tokenizer.tmp_dir = tempfile.gettempdir()
                tokenizer.load_userdict(str(WORDS))
                _tokenizer = tokenizer
    return _tokenizer


def _words(tokens: Iterable[str]) -> list[str]:
    out: list[str] = []
    for token in tokens:
        out.extend(word.lower() for word in _WORD.findall(token))
    return out


def segment(text: str) -> str:
    """Text to index: its words and their sub-words, lower case, punctuation dropped."""
    text = to_halfwidth(text or "")
    return " ".join(_words(_jieba().cut_for_search(text, HMM=False)))


def query_terms(text: str) -> list[str]:
    """The words of a query, each of which a match must contain; duplicates dropped."""
    text = to_halfwidth(text or "")
    return list(dict.fromkeys(_words(_jieba().cut(text, HMM=False))))
