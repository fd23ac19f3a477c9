"""Short Russian explanations, one template per rule, with the student's words filled in."""

from __future__ import annotations

# Keys are rule ids; placeholders are `{original}`, `{correction}` and rule-specific words.
TEMPLATES: dict[str, str] = {
    # articles
    "an_before_consonant": "Перед согласным звуком пишем a, а не an: «{correction}».",
    "a_before_vowel": "Перед гласным звуком пишем an, а не a: «{correction}».",
    "missing_article": "{noun} — исчисляемое существительное: в единственном числе нужен "
    "артикль: «{correction}».",
    "article_uncountable": "{noun} — неисчисляемое существительное: артикль a/an с ним не "
    "ставится: «{correction}».",
    "the_with_name": "{name} употребляется с артиклем the: «{correction}».",
    # tense and aspect
    "perfect_with_past_time": "«{marker}» — точное время в прошлом: с ним нужен Past Simple, "
    "а не Present Perfect: «{correction}».",
    "since_for_perfect": "С «{marker}» (с какого момента / как долго) нужен Present Perfect: "
    "«{correction}».",
    # verb forms
    "irregular_past": "{lemma} — неправильный глагол: «{correction}», а не «{original}».",
    "perfect_participle": "После have/has/had нужна третья форма глагола (V3): «{correction}».",
    "did_with_past": "После did/didn't глагол стоит в начальной форме: «{correction}».",
    "modal_with_form": "После {modal} глагол стоит в начальной форме без окончаний: "
    "«{correction}».",
    # agreement
    "third_person_verb": "С he/she/it глагол в настоящем времени получает -s/-es: «{correction}».",
    "plural_subject_verb": "{subject} — множественное число, поэтому «{correction}».",
    "singular_subject_verb": "{subject} — единственное число, поэтому «{correction}».",
    "be_with_subject": "С «{subject}» глагол be имеет форму «{correction}».",
    # prepositions
    "verb_preposition": "Говорим «{correction}»: у {head} здесь другой предлог.",
    "missing_preposition": "После {head} нужен предлог: «{correction}».",
    "extra_preposition": "{head} присоединяет дополнение без предлога: «{correction}».",
    # word order
    "question_inversion": "В вопросе вспомогательный глагол стоит перед подлежащим: "
    "«{correction}».",
    "very_before_verb": "very не ставится перед глаголом: говорим «{correction}» "
    "(или «… very much» в конце).",
    # plural and countable
    "plural_after_number": "После {number} существительное ставится во множественном числе: "
    "«{correction}».",
    "plural_after_quantifier": "После {quantifier} нужно множественное число: «{correction}».",
    "uncountable_plural": "{noun} — неисчисляемое существительное: у него нет формы "
    "множественного числа: «{correction}».",
    "much_with_uncountable": "{noun} — неисчисляемое: с ним говорим much, а не many: "
    "«{correction}».",
    # pronouns
    "object_pronoun_as_subject": "В роли подлежащего нужна форма {correction}, а не {original}.",
    # calques
    "be_with_verb": "{verb} — глагол: говорим «{correction}», без am/is/are.",
    "explain_to": "explain требует предлога: explain something to someone — «{correction}».",
    "take_photo": "Фото по-английски «берут»: «{phrase}», а не make/do.",
    "magazine_shop": "magazine — журнал; магазин — shop или store: «{correction}».",
    "have_years": "Возраст называем через be: «{correction}», а не have.",
    "how_name": "Об имени спрашиваем what: «{correction}».",
    "visit_lessons": "Ходить на занятия — attend, а не visit: «{phrase}».",
    # word choice
    "do_make": "Устойчивое сочетание: «{phrase}».",
    "say_tell": "say не присоединяет человека без to: говорим «{correction}».",
    "amount_number": "amount — о неисчисляемом; для исчисляемых ({noun}) говорим number: "
    "«the number of {noun}».",
    "look_watch": "Смотреть телевизор или фильм — watch: «{phrase}».",
    # the deep pass (deep/): a language model preferred the edit; `phrase` is the corrected words
    "deep_article_insert": "Здесь нужен артикль: «{phrase}».",
    "deep_article_delete": "Артикль «{original}» здесь лишний: «{phrase}».",
    "deep_article_swap": "Здесь нужен другой артикль: «{phrase}» ({correction}, а не {original}).",
    "deep_prep_sub": "С этим словом употребляется другой предлог: «{phrase}» ({correction}, а не "
    "{original}).",
    "deep_prep_delete": "Предлог «{original}» здесь лишний: «{phrase}».",
    "deep_verb_form": "Здесь нужна другая форма глагола: «{phrase}» ({correction}, а не "
    "{original}).",
    "deep_word_choice": "Лучше сказать так: «{phrase}».",
    "deep_noun_number": "Здесь нужно другое число существительного: «{phrase}» ({correction}, а "
    "не {original}).",
    # harper lints without a rule of our own
    "spelling": "Опечатка: правильно «{correction}».",
    "split_word": "Пишется слитно: «{correction}».",
    "harper_grammar": "Правильно: «{correction}».",
    "harper_agreement": "Глагол согласуется с подлежащим: «{correction}».",
}


def explain(rule: str, **words: str) -> str:
    """The Russian explanation of `rule` with the given words filled in."""
    return TEMPLATES[rule].format(**words)
