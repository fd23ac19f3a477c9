"""Rules on spaCy parses for the errors Russian speakers make most, one file per category.

Each rule reads a parsed `Doc` and yields findings. Rules are narrow on purpose: a rule fires only
on a pattern where the correction is certain, because a false correction teaches the wrong thing.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator

from spacy.tokens import Doc

from ailingva.grammar.findings import Finding
from ailingva.grammar.rules.agreement import (
    noun_verb_agreement,
    pronoun_verb_agreement,
    there_is_plural,
)
from ailingva.grammar.rules.articles import missing_article, missing_the_with_name
from ailingva.grammar.rules.calques import (
    be_with_verb,
    explain_to,
    have_years,
    how_name,
    magazine_shop,
)
from ailingva.grammar.rules.plural import singular_after_number, uncountable_as_countable
from ailingva.grammar.rules.prepositions import (
    extra_preposition,
    missing_preposition,
    time_preposition,
    wrong_preposition,
)
from ailingva.grammar.rules.pronouns import object_pronoun_as_subject
from ailingva.grammar.rules.tense import perfect_with_past_time, since_for_perfect
from ailingva.grammar.rules.verb_forms import (
    bare_form_after_auxiliary,
    past_after_have,
    regularised_irregular,
)
from ailingva.grammar.rules.word_choice import amount_of_countable, say_tell, wrong_collocation_verb
from ailingva.grammar.rules.word_order import question_without_inversion, very_before_verb

Rule = Callable[[Doc], Iterator[Finding]]

# The order the checker runs them in: where two findings share a span, the earlier rule's wins.
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
