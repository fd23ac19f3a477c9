"""Rules on spaCy parses for the errors Russian speakers make most.

Each rule reads a parsed `Doc` and yields findings. Rules are narrow on purpose: a rule fires only
on a pattern where the correction is certain, because a false correction teaches the wrong thing.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator

from lemminflect import getInflection
from spacy.tokens import Doc, Token
from wordfreq import zipf_frequency

from ailingva.grammar.explanations import explain
from ailingva.grammar.findings import Category, Finding
from ailingva.grammar.lexicon import (
    HOW_MODIFIERS,
    MID_ADVERBS,
    MODALS,
    NEGATIONS,
    NUMBER_NOUNS,
    NUMBER_WORDS,
    OBJECT_PRONOUNS,
    OBJECT_TO_SUBJECT,
    PLURAL_NOUNS,
    SUBJECT_PRONOUNS,
    THIRD_SINGULAR_PRONOUNS,
    UNCOUNTABLE,
    WH_WORDS,
    indefinite_article,
    inflect,
    is_countable,
    match_case,
    verb_lemma,
)

Rule = Callable[[Doc], Iterator[Finding]]


def _finding(
    doc: Doc,
    first: Token,
    last: Token,
    correction: str,
    category: Category,
    rule: str,
    **words: str,
) -> Finding:
    """A finding over the tokens `first`..`last` with the rule's explanation."""
    start, end = first.idx, last.idx + len(last.text)
    original = doc.text[start:end]
    explanation = explain(rule, original=original, correction=correction, **words)
    return Finding(start, end, original, correction, category, explanation, source="rules")


def _next_word(doc: Doc, i: int, skip: frozenset[str] = MID_ADVERBS) -> Token | None:
    """The first token after index `i` that is not in `skip`."""
    for tok in doc[i + 1 :]:
        if tok.lower_ not in skip:
            return tok
    return None


def _prev(doc: Doc, tok: Token) -> Token | None:
    return doc[tok.i - 1] if tok.i > 0 else None


def _next(doc: Doc, tok: Token) -> Token | None:
    return doc[tok.i + 1] if tok.i + 1 < len(doc) else None


def _is_third_singular(subject: Token | None) -> bool:
    """Whether a subject takes -s: he/she/it, this/that, or a singular common noun."""
    if subject is None:
        return False
    low = subject.lower_
    if low in SUBJECT_PRONOUNS:
        return low in THIRD_SINGULAR_PRONOUNS
    if low in PLURAL_NOUNS or any(c.dep_ == "conj" for c in subject.children):
        return False
    return subject.tag_ in {"NN", "NNP", "DT"}


def _subject(verb: Token) -> Token | None:
    return next((c for c in verb.children if c.dep_ in {"nsubj", "nsubjpass", "expl"}), None)


def _be_form(subject: Token | None, *, past: bool = False) -> str:
    """The form of "be" that agrees with `subject`: am/is/are, or in the past was/were."""
    first_person = subject is not None and subject.lower_ == "i"
    if past:
        return "was" if first_person or _is_third_singular(subject) else "were"
    if first_person:
        return "am"
    return "is" if _is_third_singular(subject) else "are"


def _with_host(aux: Token, host: Token | None, correction: str) -> tuple[Token, str]:
    """Where a contracted `aux` ('ve, 'm) is replaced, the word it leans on goes with it.

    The span then starts at `host` and the correction repeats it ("I've seen" -> "I saw").
    """
    if aux.text.startswith("'") and host is not None:
        return host, f"{host.text} {correction}"
    return aux, correction


# --- agreement -------------------------------------------------------------------------------

FREQUENCY_ADVERBS = frozenset(
    {"often", "always", "usually", "never", "also", "really", "sometimes", "just", "still"}
)
# Words before a pronoun that make the pronoun part of a question or an object clause.
NOT_FINITE_CONTEXT = frozenset({"do", "does", "did", "let", "make", "help", "to", "that", "if"})


def pronoun_verb_agreement(doc: Doc) -> Iterator[Finding]:
    """He have / she go / she don't / they goes / I is."""
    for subj in doc:
        low = subj.lower_
        if low not in SUBJECT_PRONOUNS or subj.dep_ not in {"nsubj", "nsubjpass"}:
            continue
        prev = _prev(doc, subj)
        if prev is not None and (prev.lower_ in NOT_FINITE_CONTEXT | MODALS):
            continue
        verb = _next_word(doc, subj.i, FREQUENCY_ADVERBS)
        if verb is None or verb.text.startswith("'") or verb.lower_ == "were":
            continue
        if low in THIRD_SINGULAR_PRONOUNS and verb.tag_ == "VBP":
            correction = "is" if verb.lower_ in {"are", "am"} else inflect(verb.lemma_, "VBZ")
        elif low not in THIRD_SINGULAR_PRONOUNS and verb.tag_ == "VBZ":
            correction = _be_form(subj) if verb.lemma_ == "be" else verb.lemma_
        elif low in {"you", "we", "they"} and verb.lower_ == "was":
            correction = "were"
        else:
            continue
        if correction != verb.lower_:
            rule = "third_person_verb" if low in THIRD_SINGULAR_PRONOUNS else "be_with_subject"
            yield _finding(doc, verb, verb, correction, Category.AGREEMENT, rule, subject=subj.text)


COLLECTIVE_NOUNS = frozenset(
    {"family", "team", "government", "staff", "crew", "audience", "class", "group", "majority"}
    | {"number", "couple", "public", "company", "committee", "youth", "police", "percent"}
)
PLURAL_VERB_FOR = {"is": "are", "was": "were", "has": "have", "does": "do"}
SINGULAR_VERB_FOR = {"are": "is", "were": "was", "have": "has", "do": "does"}
SINGULAR_DETERMINERS = frozenset({"a", "an", "this", "that", "every", "each", "my", "his", "her"})


def noun_verb_agreement(doc: Doc) -> Iterator[Finding]:
    """People is / my brother have: a noun subject right before a finite verb."""
    for subj in doc[:-1]:
        if subj.dep_ != "nsubj" or any(c.dep_ == "conj" for c in subj.children):
            continue
        verb = doc[subj.i + 1]
        if verb.head != subj.head and verb != subj.head:
            continue
        plural = subj.lower_ in PLURAL_NOUNS or (
            subj.tag_ == "NNS" and not subj.lower_.endswith(("ss", "ics", "news"))
        )
        if plural and verb.lower_ in PLURAL_VERB_FOR:
            forms, rule = PLURAL_VERB_FOR, "plural_subject_verb"
        elif (
            subj.tag_ == "NN"
            and subj.lower_ not in COLLECTIVE_NOUNS
            and verb.lower_ in SINGULAR_VERB_FOR
            and any(c.lower_ in SINGULAR_DETERMINERS for c in subj.lefts)
        ):
            forms, rule = SINGULAR_VERB_FOR, "singular_subject_verb"
        else:
            continue
        correction = forms[verb.lower_]
        yield _finding(doc, verb, verb, correction, Category.AGREEMENT, rule, subject=subj.text)


# --- tense and aspect ------------------------------------------------------------------------

DAY_NAMES = frozenset(
    {"monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday"}
)
TIME_NOUNS = (
    frozenset({"week", "month", "year", "night", "summer", "winter", "spring", "autumn", "time"})
    | DAY_NAMES
)


def _past_time_marker(verb: Token) -> Token | None:
    """A phrase on `verb` naming a finished time: yesterday, ago, last week, in 2010."""
    for child in verb.children:
        words = [t.lower_ for t in child.subtree]
        if child.lower_ == "yesterday" or (child.dep_ != "prep" and "ago" in words):
            return child
        if child.lower_ in TIME_NOUNS and any(c.lower_ == "last" for c in child.children):
            return child
        if child.lower_ == "in" and any(
            c.text.isdigit() and len(c.text) == 4 and c.text[:2] in {"19", "20"}
            for c in child.children
        ):
            return child
    return None


def perfect_with_past_time(doc: Doc) -> Iterator[Finding]:
    """I have seen him yesterday -> I saw him yesterday."""
    for aux in doc:
        if aux.lower_ not in {"have", "has", "'ve"} or aux.dep_ != "aux":
            continue
        verb = aux.head
        between = doc[aux.i + 1 : verb.i]
        if verb.tag_ != "VBN" or verb.i < aux.i or any(t.lower_ not in NEGATIONS for t in between):
            continue
        marker = _past_time_marker(verb)
        if marker is None:
            continue
        subject = _subject(verb)
        if verb.lemma_ == "be":
            past = _be_form(subject, past=True)
            correction = past + "n't" if len(between) else past
        else:
            correction = "didn't " + verb.lemma_ if len(between) else inflect(verb.lemma_, "VBD")
        phrase = doc[marker.left_edge.i : marker.right_edge.i + 1].text
        first, correction = _with_host(aux, subject, correction)
        yield _finding(
            doc, first, verb, correction, Category.TENSE, "perfect_with_past_time", marker=phrase
        )


DURATION_NOUNS = frozenset({"year", "month", "week", "day", "hour", "minute", "age", "time"})
DURATION_VERBS = frozenset({"know", "live", "be", "love", "have", "work", "study", "learn"})
HABIT_WORDS = frozenset({"every", "usually", "always", "often", "sometimes", "each", "daily"})


def _since_or_for(verb: Token) -> Token | None:
    """A since/for phrase on a present (or, for since, past) simple verb that needs the perfect."""
    for child in verb.children:
        if child.dep_ == "prep" and child.lower_ == "since" and any(child.children):
            return child
        if (
            child.dep_ == "prep"
            and child.lower_ == "for"
            and verb.tag_ != "VBD"
            and verb.lemma_ in DURATION_VERBS
            and any(
                obj.lemma_ in DURATION_NOUNS
                and any(c.dep_ in {"nummod", "amod", "det"} for c in obj.children)
                for obj in child.children
            )
        ):
            return child
        if (
            child.dep_ == "advcl"
            and child.i > verb.i
            and child.tag_ == "VBD"
            and verb.tag_ != "VBD"
            and any(c.dep_ == "mark" and c.lower_ == "since" for c in child.children)
        ):
            return next(c for c in child.children if c.lower_ == "since")
    return None


def since_for_perfect(doc: Doc) -> Iterator[Finding]:
    """I live here since 2010 -> I have lived here since 2010."""
    for verb in doc:
        if verb.tag_ not in {"VBP", "VBZ", "VBD"} or verb.dep_ not in {"ROOT", "conj"}:
            continue
        if any(c.dep_ in {"aux", "auxpass", "neg"} for c in verb.children):
            continue
        words = {t.lower_ for t in verb.sent}
        subject = _subject(verb)
        marker = _since_or_for(verb)
        if marker is None or subject is None or words & HABIT_WORDS or "ago" in words:
            continue
        have = "has" if _is_third_singular(subject) else "have"
        correction = f"{have} {inflect(verb.lemma_, 'VBN')}"
        yield _finding(
            doc, verb, verb, correction, Category.TENSE, "since_for_perfect", marker=marker.text
        )


# --- verb forms ------------------------------------------------------------------------------

HAVE_FORMS = frozenset({"have", "has", "had", "'ve", "having"})
BE_FORMS = frozenset({"am", "is", "are", "was", "were", "be", "been", "being", "'m", "'re"})


def regularised_irregular(doc: Doc) -> Iterator[Finding]:
    """goed -> went, buyed -> bought; after have/be the participle (gone, bought)."""
    for tok in doc:
        low = tok.lower_
        if not (low.endswith("ed") and low.isalpha()) or zipf_frequency(low, "en") >= 3.0:
            continue
        lemma = verb_lemma(low)
        past_forms = getInflection(lemma, "VBD")
        if lemma == low or not past_forms or low in past_forms or past_forms[0].endswith("ed"):
            continue
        before = _prev_word(doc, tok)
        tag = "VBN" if before is not None and before.lower_ in HAVE_FORMS | BE_FORMS else "VBD"
        correction = match_case(inflect(lemma, tag), tok.text)
        yield _finding(doc, tok, tok, correction, Category.VERB_FORM, "irregular_past", lemma=lemma)


def _prev_word(doc: Doc, tok: Token) -> Token | None:
    """The nearest token before `tok` that is not a mid-sentence adverb."""
    for prev in reversed(doc[: tok.i]):
        if prev.lower_ not in MID_ADVERBS:
            return prev
    return None


# Participles British English uses where lemminflect knows only the American form ("gotten").
BRITISH_PARTICIPLES = ("got",)


def past_after_have(doc: Doc) -> Iterator[Finding]:
    """have went -> have gone, has came -> has come."""
    for aux in doc:
        if aux.lower_ not in HAVE_FORMS or aux.lemma_ != "have":
            continue
        verb = _next_word(doc, aux.i)
        if verb is None or not verb.is_alpha:
            continue
        low = verb.lower_
        lemma = verb_lemma(low)
        participle = inflect(lemma, "VBN")
        participles = (*getInflection(lemma, "VBN"), *BRITISH_PARTICIPLES)
        if lemma != low and low in getInflection(lemma, "VBD") and low not in participles:
            yield _finding(doc, verb, verb, participle, Category.VERB_FORM, "perfect_participle")


def _bare_form_after(doc: Doc, aux: Token) -> tuple[Token, str] | None:
    """The verb after an auxiliary (and an optional subject pronoun) if it is not bare."""
    verb = _next_word(doc, aux.i)
    if verb is not None and verb.lower_ in SUBJECT_PRONOUNS:
        verb = _next_word(doc, verb.i)
    if verb is None or verb.tag_ not in {"VBD", "VBZ"}:
        return None
    lemma = verb_lemma(verb.lower_)
    if lemma == verb.lower_ or lemma == "be":
        return None
    if verb.lower_ not in getInflection(lemma, verb.tag_):
        return None
    return verb, lemma


def bare_form_after_auxiliary(doc: Doc) -> Iterator[Finding]:
    """didn't went -> didn't go, can speaks -> can speak, does he likes -> does he like."""
    for aux in doc:
        is_do = aux.lemma_ == "do" and aux.pos_ == "AUX"
        is_modal = aux.lower_ in MODALS and aux.tag_ == "MD"
        if not (is_do or is_modal):
            continue
        found = _bare_form_after(doc, aux)
        if found is None:
            continue
        verb, lemma = found
        rule = "did_with_past" if is_do else "modal_with_form"
        yield _finding(doc, verb, verb, lemma, Category.VERB_FORM, rule, modal=aux.lower_)


# --- calques and false friends ---------------------------------------------------------------

# Verbs Russian speakers put after am/is/are ("I am agree", "it is depend").
CALQUE_VERBS = frozenset(
    {"agree", "disagree", "understand", "depend", "know", "believe", "prefer", "remember"}
    | {"like", "want", "need", "think", "mean", "hope", "live", "work", "study", "go"}
)
# Words that after "be" may well be a preposition, an adjective or a noun.
AMBIGUOUS_CALQUE_VERBS = frozenset({"like", "go", "live", "work", "study", "mean", "need", "hope"})


def be_with_verb(doc: Doc) -> Iterator[Finding]:
    """I am agree -> I agree; it is depend -> it depends; I'm not agree -> I don't agree."""
    for be in doc[:-1]:
        if be.lemma_ != "be" or be.lower_ not in {"am", "is", "are", "'m", "'s", "'re"}:
            continue
        negated = doc[be.i + 1].lower_ in NEGATIONS
        verb = doc[be.i + 1 + int(negated)] if be.i + 1 + int(negated) < len(doc) else None
        if verb is None or verb.lower_ not in CALQUE_VERBS:
            continue
        if verb.lower_ in AMBIGUOUS_CALQUE_VERBS and verb.tag_ not in {"VB", "VBP"}:
            continue  # "it is like a dream", "he is mean", "the work is hard"
        third = be.lower_ in {"is", "'s"}
        if negated:
            correction = ("doesn't " if third else "don't ") + verb.lower_
        else:
            correction = inflect(verb.lower_, "VBZ" if third else "VBP")
        first, correction = _with_host(be, _prev(doc, be), correction)
        yield _finding(
            doc, first, verb, correction, Category.CALQUE, "be_with_verb", verb=verb.text
        )


def _pronoun_object(doc: Doc, verb: Token) -> Token | None:
    """A personal pronoun right after `verb` used as its object (not "her" as a determiner)."""
    obj = _next(doc, verb)
    if obj is not None and obj.lower_ in OBJECT_PRONOUNS | {"you"} and obj.dep_ != "poss":
        return obj
    return None


def explain_to(doc: Doc) -> Iterator[Finding]:
    """explain me -> explain to me."""
    for verb in doc:
        obj = _pronoun_object(doc, verb) if verb.lemma_ == "explain" else None
        if obj is not None:
            correction = f"{verb.text} to {obj.text}"
            yield _finding(doc, verb, obj, correction, Category.CALQUE, "explain_to")


def say_tell(doc: Doc) -> Iterator[Finding]:
    """say me -> tell me; said him -> told him."""
    for verb in doc[:-2]:
        if verb.lemma_ != "say" or not verb.tag_.startswith("VB"):
            continue
        obj = _pronoun_object(doc, verb)
        if obj is None or obj.lower_ == "you" or doc[obj.i + 1].is_punct:
            continue  # "say them" at the end of a clause is a thing said, not a listener
        correction = match_case(inflect("tell", verb.tag_), verb.text)
        yield _finding(doc, verb, verb, correction, Category.WORD_CHOICE, "say_tell")


# A verb, its objects' lemmas, the verb a student should use, the rule and its category.
COLLOCATIONS: tuple[tuple[frozenset[str], frozenset[str], str, str, Category], ...] = (
    (
        frozenset({"make", "do"}),
        frozenset({"photo", "photograph", "selfie", "pic"}),
        "take",
        "take_photo",
        Category.CALQUE,
    ),
    (
        frozenset({"make"}),
        frozenset({"homework", "sport", "sports", "exercise", "shopping", "housework"}),
        "do",
        "do_make",
        Category.WORD_CHOICE,
    ),
    (
        frozenset({"do"}),
        frozenset({"mistake", "decision", "noise", "progress"}),
        "make",
        "do_make",
        Category.WORD_CHOICE,
    ),
    (
        frozenset({"visit"}),
        frozenset({"lesson", "lecture", "class", "course", "seminar"}),
        "attend",
        "visit_lessons",
        Category.CALQUE,
    ),
    (
        frozenset({"look"}),
        frozenset({"tv", "television", "film", "movie", "cartoon", "series", "match"}),
        "watch",
        "look_watch",
        Category.WORD_CHOICE,
    ),
)


def wrong_collocation_verb(doc: Doc) -> Iterator[Finding]:
    """make a photo -> take, make homework -> do, do a mistake -> make, look TV -> watch."""
    for verb in doc:
        if verb.pos_ != "VERB":
            continue
        for verbs, objects, right, rule, category in COLLOCATIONS:
            if verb.lemma_ not in verbs:
                continue
            obj = next(
                (c for c in verb.children if c.dep_ == "dobj" and c.lemma_.lower() in objects),
                None,
            )
            if obj is not None:
                correction = match_case(inflect(right, verb.tag_), verb.text)
                phrase = f"{right} {obj.text}"
                yield _finding(doc, verb, verb, correction, category, rule, phrase=phrase)


SHOP_CONTEXT = frozenset(
    {"buy", "food", "bread", "milk", "grocery", "product", "sell", "shopping", "price"}
    | {"vegetable", "fruit", "sausage", "cheese", "meat", "discount", "cashier"}
)


def magazine_shop(doc: Doc) -> Iterator[Finding]:
    """magazine (журнал) used for магазин: "buy bread in the magazine" -> shop."""
    lemmas = {t.lemma_.lower() for t in doc}
    if not lemmas & SHOP_CONTEXT:
        return
    for tok in doc:
        if tok.lower_ in {"magazine", "magazines"} and tok.head.lower_ in {
            "in",
            "to",
            "at",
            "from",
        }:
            correction = match_case("shops" if tok.lower_.endswith("s") else "shop", tok.text)
            yield _finding(doc, tok, tok, correction, Category.CALQUE, "magazine_shop")


def have_years(doc: Doc) -> Iterator[Finding]:
    """I have 20 years -> I am 20 years old."""
    for have in doc[:-2]:
        num, years = doc[have.i + 1], doc[have.i + 2]
        if have.lemma_ != "have" or not num.like_num or years.lower_ not in {"years", "year"}:
            continue
        after = _next(doc, years)
        if after is not None and not (after.is_punct or after.lower_ in {"old", "and"}):
            continue
        subject = _subject(have)
        if subject is None:
            continue
        be = _be_form(subject, past=have.lower_ == "had")
        old = "" if after is not None and after.lower_ == "old" else " old"
        correction = f"{be} {num.text} {years.text}{old}"
        yield _finding(doc, have, years, correction, Category.CALQUE, "have_years")


def how_name(doc: Doc) -> Iterator[Finding]:
    """How is your name? -> What is your name?"""
    for how in doc[:-3]:
        be, poss, name = doc[how.i + 1 : how.i + 4]
        if (
            how.lower_ == "how"
            and be.lower_ in {"is", "'s"}
            and poss.dep_ == "poss"
            and name.lower_ == "name"
        ):
            yield _finding(doc, how, how, match_case("what", how.text), Category.CALQUE, "how_name")


# --- prepositions ----------------------------------------------------------------------------

# (head word or lemma, wrong preposition) -> the preposition English uses.
WRONG_PREPOSITIONS: dict[tuple[str, str], str] = {
    ("depend", "from"): "on",
    ("depend", "of"): "on",
    ("dependent", "from"): "on",
    ("married", "with"): "to",
    ("consist", "from"): "of",
    ("afraid", "from"): "of",
    ("interested", "about"): "in",
    ("interested", "on"): "in",
    ("interested", "to"): "in",
    ("participate", "at"): "in",
    ("participate", "on"): "in",
    ("congratulate", "with"): "on",
    ("angry", "on"): "with",
    ("divide", "on"): "into",
    ("translate", "on"): "into",
    ("similar", "with"): "to",
    ("responsible", "of"): "for",
    ("proud", "with"): "of",
    ("proud", "by"): "of",
    ("famous", "by"): "for",
    ("arrive", "to"): "in",
}
# Verbs that take a direct object, where learners add a preposition ("discuss about").
NO_PREPOSITION: dict[str, frozenset[str]] = {
    "discuss": frozenset({"about"}),
    "mention": frozenset({"about"}),
    "enter": frozenset({"to", "in"}),
    "reach": frozenset({"to"}),
    "attend": frozenset({"at", "on", "to"}),
    "resemble": frozenset({"to", "on"}),
    "answer": frozenset({"on"}),
}
MOTION_VERBS = frozenset({"go", "come", "get", "return", "walk", "drive", "run", "hurry", "fly"})
ADVERB_PLACES = frozenset({"home", "abroad", "there", "here", "downtown"})


def _preposition_fix(doc: Doc, prep: Token, right: str, head: Token) -> Finding:
    """`prep` replaced by the preposition `right` that `head` takes."""
    correction = match_case(right, prep.text)
    return _finding(
        doc, prep, prep, correction, Category.PREPOSITIONS, "verb_preposition", head=head.text
    )


def wrong_preposition(doc: Doc) -> Iterator[Finding]:
    """depend from -> depend on, married with -> married to, arrive to -> arrive in."""
    for prep in doc:
        if prep.dep_ != "prep" or not any(c.dep_ == "pobj" for c in prep.children):
            continue
        head = prep.head
        right = WRONG_PREPOSITIONS.get((head.lower_, prep.lower_)) or WRONG_PREPOSITIONS.get(
            (head.lemma_, prep.lower_)
        )
        if right is None or (
            head.lower_ == "married" and head.i > 0 and doc[head.i - 1].lemma_ not in {"be", "get"}
        ):
            continue  # "he married with her" wants no preposition, not "to"
        if head.lemma_ == "arrive":
            obj = next(c for c in prep.children if c.dep_ == "pobj")
            right = "in" if obj.pos_ == "PROPN" else "at"
        yield _preposition_fix(doc, prep, right, head)


def extra_preposition(doc: Doc) -> Iterator[Finding]:
    """discuss about -> discuss; go to home -> go home."""
    for verb in doc[:-2]:
        prep, obj = doc[verb.i + 1], doc[verb.i + 2]
        if verb.pos_ != "VERB":
            continue
        extra = prep.lower_ in NO_PREPOSITION.get(verb.lemma_, frozenset())
        motion = verb.lemma_ in MOTION_VERBS and prep.lower_ == "to" and obj.lower_ in ADVERB_PLACES
        if extra and not obj.is_punct:
            first, last, kept = verb, prep, verb  # "discuss about" -> "discuss"
        elif motion:
            first, last, kept = prep, obj, obj  # "to home" -> "home"
        else:
            continue
        yield _finding(
            doc, first, last, kept.text, Category.PREPOSITIONS, "extra_preposition", head=kept.text
        )


def missing_preposition(doc: Doc) -> Iterator[Finding]:
    """listen music -> listen to music; wait you -> wait for you."""
    for verb in doc[:-1]:
        obj = doc[verb.i + 1]
        if verb.lemma_ == "listen" and obj.pos_ in {"NOUN", "PRON", "PROPN", "DET"}:
            prep = "to"
        elif verb.lemma_ == "wait" and _pronoun_object(doc, verb) is not None:
            prep = "for"  # "wait her" but not "wait her turn"
        else:
            continue
        correction = f"{verb.text} {prep} {obj.text}"
        yield _finding(
            doc,
            verb,
            obj,
            correction,
            Category.PREPOSITIONS,
            "missing_preposition",
            head=verb.lemma_,
        )


DAY_PARTS = frozenset({"morning", "afternoon", "evening"})


def time_preposition(doc: Doc) -> Iterator[Finding]:
    """in Monday -> on Monday; at the morning -> in the morning; in night -> at night."""
    for prep in doc[:-1]:
        nxt = doc[prep.i + 1]
        noun = doc[prep.i + 2] if nxt.lower_ == "the" and prep.i + 2 < len(doc) else nxt
        low = prep.lower_
        if low in {"in", "at"} and nxt.lower_ in DAY_NAMES:
            right = "on"
        elif low == "at" and noun.lower_ in DAY_PARTS and noun is not nxt:
            right = "in"
        elif low == "in" and nxt.lower_ == "night":
            right = "at"
        else:
            continue
        yield _preposition_fix(doc, prep, right, noun)


# --- word order ------------------------------------------------------------------------------

INVERTING_VERBS = frozenset({"am", "is", "are", "was", "were"}) | MODALS


def question_without_inversion(doc: Doc) -> Iterator[Finding]:
    """Where you live? -> Where do you live?  Why he is sad? -> Why is he sad?"""
    for sent in doc.sents:
        words = [t for t in sent if not t.is_space]
        if len(words) < 4 or words[-1].text != "?" or words[0].lower_ not in WH_WORDS:
            continue
        k = 1
        if words[0].lower_ == "how" and words[1].lower_ in HOW_MODIFIERS:
            k = 2
        if words[0].lower_ in {"what", "which", "how"} and words[k].tag_ in {"NN", "NNS"}:
            k += 1
        if k + 1 >= len(words) - 1 or words[k].lower_ not in SUBJECT_PRONOUNS:
            continue
        subj, verb = words[k], words[k + 1]
        if verb.lower_ in INVERTING_VERBS:
            correction = f"{verb.text} {subj.text}"
        elif verb.pos_ == "VERB" and verb.tag_ in {"VBP", "VBZ", "VBD"}:
            lemma = verb_lemma(verb.lower_)
            if verb.tag_ == "VBD":
                aux = "did"
            elif subj.lower_ in THIRD_SINGULAR_PRONOUNS or verb.tag_ == "VBZ":
                aux = "does"
            else:
                aux = "do"
            correction = f"{aux} {subj.text} {lemma}"
        else:
            continue
        yield _finding(doc, subj, verb, correction, Category.WORD_ORDER, "question_inversion")


LIKING_VERBS = frozenset(
    {"like", "love", "want", "enjoy", "hate", "need", "miss", "appreciate", "hope", "agree"}
)


def very_before_verb(doc: Doc) -> Iterator[Finding]:
    """I very like it -> I really like it."""
    for very in doc[1:-1]:
        verb = doc[very.i + 1]
        prev = doc[very.i - 1]
        if very.lower_ != "very" or verb_lemma(verb.lower_) not in LIKING_VERBS:
            continue
        if prev.pos_ in {"PRON", "NOUN", "PROPN"} or prev.lower_ == "also":
            correction = f"really {verb.text}"
            yield _finding(doc, very, verb, correction, Category.WORD_ORDER, "very_before_verb")


# --- plural and countable --------------------------------------------------------------------

QUANTIFIERS = frozenset({"many", "several", "few", "various", "numerous", "these", "those"})


def _is_number_above_one(tok: Token) -> bool:
    if tok.lower_ in NUMBER_WORDS:
        return True
    return tok.text.isdigit() and tok.text != "1" and len(tok.text) < 4


def singular_after_number(doc: Doc) -> Iterator[Finding]:
    """two brother -> two brothers; many friend -> many friends; many information -> much."""
    for noun in doc[1:]:
        if noun.tag_ != "NN" or not noun.is_alpha or noun.dep_ in {"compound", "amod", "npadvmod"}:
            continue
        nxt = _next(doc, noun)
        if nxt is not None and (nxt.pos_ in {"NOUN", "PROPN"} or nxt.text in {"-", "of"}):
            continue
        prev = doc[noun.i - 1]
        quantifier = next(
            (
                c
                for c in noun.lefts
                if c.i == noun.i - 1 and (c.dep_ == "nummod" or c.lower_ in QUANTIFIERS)
            ),
            None,
        )
        if quantifier is None or prev.lower_ in NUMBER_NOUNS or noun.lower_ in NUMBER_NOUNS:
            continue
        if quantifier.lower_ == "many" and noun.lower_ in UNCOUNTABLE:
            yield _finding(
                doc,
                quantifier,
                quantifier,
                match_case("much", quantifier.text),
                Category.PLURAL,
                "much_with_uncountable",
                noun=noun.text,
            )
            continue
        counted = quantifier.dep_ == "nummod" and _is_number_above_one(quantifier)
        if not (counted or quantifier.lower_ in QUANTIFIERS) or not is_countable(noun.lower_):
            continue
        rule = "plural_after_number" if counted else "plural_after_quantifier"
        yield _finding(
            doc,
            noun,
            noun,
            inflect(noun.lower_, "NNS"),
            Category.PLURAL,
            rule,
            number=quantifier.text,
            quantifier=quantifier.text,
        )


UNCOUNTABLE_PLURALS = {f"{noun}s": noun for noun in UNCOUNTABLE if not noun.endswith("s")}


def uncountable_as_countable(doc: Doc) -> Iterator[Finding]:
    """informations -> information; an advice -> advice; a news -> news."""
    for tok in doc:
        low = tok.lower_
        if tok.pos_ == "NOUN" and low in UNCOUNTABLE_PLURALS:
            correction = match_case(UNCOUNTABLE_PLURALS[low], tok.text)
            yield _finding(
                doc, tok, tok, correction, Category.PLURAL, "uncountable_plural", noun=correction
            )
        elif low in {"a", "an"} and tok.dep_ == "det":
            noun = tok.head
            if noun.lower_ in UNCOUNTABLE - {"knowledge"} and noun.i > tok.i:
                rest = doc.text[doc[tok.i + 1].idx : noun.idx + len(noun.text)]
                yield _finding(
                    doc,
                    tok,
                    noun,
                    match_case(rest, tok.text),
                    Category.PLURAL,
                    "article_uncountable",
                    noun=noun.text,
                )


# --- articles --------------------------------------------------------------------------------

# Singular nouns used without an article after have/be in correct English.
ARTICLE_FREE = frozenset(
    {"time", "fun", "lunch", "breakfast", "dinner", "supper", "part", "use", "access", "home"}
    | {"work", "school", "english", "trouble", "luck", "bed", "birthday", "class", "sex", "kind"}
    | {"sort", "type", "fault", "turn", "way", "plenty", "lot", "chance", "place"}
    | {"summer", "winter", "spring", "autumn", "fall", "family"}
)
NO_ARTICLE_DEPS = frozenset({"det", "poss", "nummod", "predet", "quantmod", "neg"})
# Words that already quantify a noun phrase, so it needs no article ("such", "more", "little").
QUANTIFYING_WORDS = frozenset({"such", "several", "little", "much", "more", "most", "enough"})
PERSON_SUBJECTS = frozenset({"i", "you", "he", "she", "we", "they", "it", "this", "that"})


def missing_article(doc: Doc) -> Iterator[Finding]:
    """He is teacher -> He is a teacher; I have car -> I have a car."""
    for noun in doc:
        head = noun.head
        be_attr = noun.dep_ == "attr" and head.lemma_ == "be"
        have_obj = noun.dep_ == "dobj" and head.lemma_ == "have" and head.pos_ == "VERB"
        if noun.tag_ != "NN" or not (be_attr or have_obj) or head.i > noun.i:
            continue
        if not noun.text.islower() or noun.lower_ in ARTICLE_FREE or not is_countable(noun.lower_):
            continue
        subject = _subject(head)
        if subject is None or subject.lower_ not in PERSON_SUBJECTS:
            continue
        if any(c.dep_ in NO_ARTICLE_DEPS for c in noun.lefts) or any(
            c.dep_ in {"prep", "relcl"} for c in noun.rights
        ):
            continue
        phrase = doc[noun.left_edge.i : noun.i + 1]
        first = phrase[0]
        if any(t.lower_ in QUANTIFYING_WORDS or t.tag_ in {"JJS", "JJR", "CD"} for t in phrase):
            continue
        if not all(t.pos_ in {"ADJ", "NOUN", "ADV"} and t.is_alpha for t in phrase):
            continue
        correction = f"{indefinite_article(first.text)} {first.text}"
        yield _finding(
            doc, first, first, correction, Category.ARTICLES, "missing_article", noun=noun.text
        )


# Names that take "the": the USA, the UK, the Middle East, the Internet.
THE_NAMES: dict[str, str] = {
    "usa": "USA",
    "uk": "UK",
    "uae": "UAE",
    "netherlands": "Netherlands",
    "philippines": "Philippines",
    "internet": "Internet",
}
THE_PHRASES = frozenset({("middle", "east"), ("united", "states"), ("united", "kingdom")})


def missing_the_with_name(doc: Doc) -> Iterator[Finding]:
    """in USA -> in the USA; on Internet -> on the Internet; Middle East -> the Middle East."""
    for tok in doc:
        nxt = _next(doc, tok)
        named = tok.lower_ in THE_NAMES or (
            nxt is not None and (tok.lower_, nxt.lower_) in THE_PHRASES
        )
        prev = _prev(doc, tok)
        if not named or (prev is not None and prev.lower_ in THE_PHRASES_BEFORE):
            continue
        if prev is not None and (prev.dep_ in {"det", "poss"} or prev.tag_ in {"DT", "PRP$"}):
            continue
        if tok.dep_ == "compound" or (
            tok.lower_ == "internet" and (prev is None or prev.pos_ != "ADP")
        ):
            continue  # "UK residents", "Internet access": a modifier, no article
        correction = f"{'The' if tok.i == tok.sent.start else 'the'} {tok.text}"
        yield _finding(doc, tok, tok, correction, Category.ARTICLES, "the_with_name", name=tok.text)


# "the" is already there, or the first word is part of a longer name ("Southern Middle East").
THE_PHRASES_BEFORE = frozenset({"the", "south", "north", "east", "west", "greater"})


def there_is_plural(doc: Doc) -> Iterator[Finding]:
    """There is many people -> There are many people."""
    for be in doc[1:-1]:
        if doc[be.i - 1].lower_ != "there" or be.lower_ not in {"is", "was"}:
            continue
        noun = next((c for c in be.children if c.dep_ in {"attr", "nsubj"} and c.i > be.i), None)
        if noun is None or noun.tag_ != "NNS" or not noun.is_alpha:
            continue
        if any(c.dep_ == "det" and c.lower_ in {"a", "an"} for c in noun.children):
            continue
        if any(c.dep_ == "conj" for c in noun.children):
            continue  # "there is a cat and two dogs": agreement with the first noun is fine
        correction = "are" if be.lower_ == "is" else "were"
        yield _finding(
            doc, be, be, correction, Category.AGREEMENT, "plural_subject_verb", subject=noun.text
        )


def amount_of_countable(doc: Doc) -> Iterator[Finding]:
    """the amount of people -> the number of people."""
    for amount in doc[:-2]:
        of, noun = doc[amount.i + 1], doc[amount.i + 2]
        if amount.lower_ != "amount" or of.lower_ != "of":
            continue
        obj = next((c for c in of.children if c.dep_ == "pobj"), noun)
        if obj.tag_ == "NNS" and obj.lower_ not in UNCOUNTABLE_PLURALS and obj.is_alpha:
            yield _finding(
                doc, amount, amount, "number", Category.WORD_CHOICE, "amount_number", noun=obj.text
            )


# --- pronouns --------------------------------------------------------------------------------

CLAUSE_OPENERS = frozenset({",", "and", "but", "because", "so", "when", "then", "that"})


def object_pronoun_as_subject(doc: Doc) -> Iterator[Finding]:
    """Me and him went -> I and he went (better: He and I went)."""
    for tok in doc:
        if tok.lower_ not in OBJECT_TO_SUBJECT:
            continue
        is_subject = tok.dep_ == "nsubj" and tok.head.pos_ in {"VERB", "AUX"}
        is_conj_subject = tok.dep_ == "conj" and tok.head.dep_ == "nsubj"
        prev = _prev(doc, tok)
        opens_clause = prev is None or prev.lower_ in CLAUSE_OPENERS or prev.is_sent_start
        if (is_subject and opens_clause and tok.head.dep_ not in {"ccomp", "xcomp"}) or (
            is_conj_subject and tok.head.lower_ in OBJECT_PRONOUNS | SUBJECT_PRONOUNS
        ):
            correction = match_case(OBJECT_TO_SUBJECT[tok.lower_], tok.text)
            yield _finding(
                doc, tok, tok, correction, Category.PRONOUNS, "object_pronoun_as_subject"
            )


RULES: tuple[Rule, ...] = (
    pronoun_verb_agreement,
    noun_verb_agreement,
    perfect_with_past_time,
    since_for_perfect,
    regularised_irregular,
    past_after_have,
    bare_form_after_auxiliary,
    be_with_verb,
    explain_to,
    say_tell,
    wrong_collocation_verb,
    magazine_shop,
    have_years,
    how_name,
    wrong_preposition,
    extra_preposition,
    missing_preposition,
    time_preposition,
    question_without_inversion,
    very_before_verb,
    singular_after_number,
    uncountable_as_countable,
    missing_article,
    missing_the_with_name,
    there_is_plural,
    amount_of_countable,
    object_pronoun_as_subject,
)
