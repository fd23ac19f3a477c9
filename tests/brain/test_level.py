from ailingva.brain.level import estimate_level


def test_short_simple_speech_with_many_errors_is_a_beginner() -> None:
    estimate = estimate_level(
        ["cat", "dog", "go", "like"], turn_word_counts=[3, 2, 4, 3], error_count=5
    )
    assert estimate.level == "A1"


def test_long_accurate_speech_with_a_wide_vocabulary_is_advanced() -> None:
    rare = [
        "nevertheless",
        "meticulous",
        "ubiquitous",
        "endeavour",
        "substantial",
        "ambiguity",
        "perceive",
        "profound",
        "inevitable",
        "scrutiny",
        "coherent",
        "elaborate",
    ]
    vocabulary = rare + [f"word{i}" for i in range(2000)]
    estimate = estimate_level(vocabulary, turn_word_counts=[22, 25, 19, 30], error_count=0)
    assert estimate.level in {"C1", "C2"}
    assert estimate.errors_per_100_words == 0


def test_no_speech_is_the_lowest_estimate_not_an_error() -> None:
    estimate = estimate_level([], turn_word_counts=[], error_count=0)
    assert estimate.level == "A1" and estimate.mean_utterance_words == 0
