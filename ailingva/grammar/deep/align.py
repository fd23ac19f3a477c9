"""A corrector's sentence turned into edits of the learner's words, ERRANT-style.

A strong language model asked for a corrected sentence answers with a whole sentence; the
learner needs to see which of their words were wrong. The two are aligned word by word (case and
punctuation left aside: a voice tutor hears neither), each run of changed words becomes one
edit, and a run of as many words on both sides becomes one edit a word (as ERRANT splits
substitutions). A corrected sentence far from the learner's is a rewrite, not a correction: it
gives no edits, and neither does a run that changes many words at once.
"""

from __future__ import annotations

import re
from difflib import SequenceMatcher

from lemminflect import getAllLemmas

from ailingva.grammar.deep.candidates import ARTICLES, PREPOSITIONS, Edit, EditKind

WORD = re.compile(r"[A-Za-z0-9]+(?:['’][A-Za-z]+)*")
# A run changing more words than this on either side is a rewrite of the phrase: left out.
MAX_WORDS = 3
# The share of words the two sentences have in common below which the whole answer is ignored.
MIN_SIMILARITY = 0.6


def align(text: str, corrected: str) -> list[Edit]:
    """The edits that turn the words of `text` into those of `corrected`, in text order."""
    spans = [(m.start(), m.end()) for m in WORD.finditer(text)]
    old = [text[s:e] for s, e in spans]
    new = WORD.findall(corrected)
    matcher = SequenceMatcher(None, [w.lower() for w in old], [w.lower() for w in new], False)
    if not old or matcher.ratio() < MIN_SIMILARITY:
        return []
    edits: list[Edit] = []
    for op, i1, i2, j1, j2 in matcher.get_opcodes():
        if op == "equal" or max(i2 - i1, j2 - j1) > MAX_WORDS:
            continue
        if op == "replace" and i2 - i1 == j2 - j1:
            for k in range(i2 - i1):
                edits.append(_edit(text, spans, old, i1 + k, i1 + k + 1, new[j1 + k : j1 + k + 1]))
        else:
            edits.append(_edit(text, spans, old, i1, i2, new[j1:j2]))
    return edits


def _edit(
    text: str, spans: list[tuple[int, int]], old: list[str], i1: int, i2: int, words: list[str]
) -> Edit:
    kind = kind_of(old[i1:i2], words)
    if i1 == i2:  # an insertion before word i1 (or after the last word)
        if i1 < len(spans):
            at = spans[i1][0]
            return Edit(at, at, "", " ".join(words) + " ", kind)
        at = spans[-1][1]
        return Edit(at, at, "", " " + " ".join(words), kind)
    start, end = spans[i1][0], spans[i2 - 1][1]
    if words:
        return Edit(start, end, text[start:end], " ".join(words), kind)
    if i2 < len(spans):  # a deletion takes the space after the words with it
        end = spans[i2][0]
    elif i1 > 0:
        start = spans[i1 - 1][1]
    return Edit(start, end, text[start:end], "", kind)


def kind_of(old: list[str], new: list[str]) -> EditKind:
    """The kind of error an edit corrects, from the words it changes."""
    a, b = [w.lower() for w in old], [w.lower() for w in new]
    if set(a) | set(b) <= ARTICLES:
        if not a:
            return EditKind.ARTICLE_INSERT
        return EditKind.ARTICLE_SWAP if b else EditKind.ARTICLE_DELETE
    if set(a) | set(b) <= PREPOSITIONS.keys():
        return EditKind.PREP_SUB if a and b else EditKind.PREP_DELETE
    if len(a) == len(b) == 1 and _lemmas(a[0], "VERB") & _lemmas(b[0], "VERB"):
        return EditKind.VERB_FORM
    if len(a) == len(b) == 1 and _lemmas(a[0], "NOUN") & _lemmas(b[0], "NOUN"):
        return EditKind.NOUN_NUMBER
    return EditKind.WORD_CHOICE


def _lemmas(word: str, pos: str) -> set[str]:
    return set(getAllLemmas(word, upos=pos).get(pos, ())) | {word}
