"""The deep grammar pass (ANALYSIS, after the turn): candidate edits by error type, scored by a
language model through `scoring.LanguageScorer`, kept by a small classifier (`analyser.py`)."""
