"""The language a release is written in, told from its most common short words.

Only a clear answer counts: the best language must have enough of its words and twice
as many as the next, or the language is left for a person to set.
"""

# ruff: noqa: RUF001 - words of other languages, typographic quotes and dashes

from __future__ import annotations

import re
from collections import Counter

_WORDS = {
    "en": "the and of to in is for with that on are will by from this as was have has it its "
    "their they which at be been an",
    "fr": "le la les des et est un une du pour dans que qui sur avec au aux par ne pas sont "
    "ont été cette ces leur plus",
    "de": "der die das und ist nicht mit den dem des ein eine zu für auf sich von im wird "
    "sie sind hat haben werden wurde auch heute bei nach aus oder um zum zur einer",
    "es": "el la los las y de que en un una por para con es del se al su lo como",
    "it": "il lo la gli le di che è un una per con del della sono non si nel alla",
    "pt": "o a os as e de que em um uma para com do da não é no na por se",
    "nl": "de het een en van is dat op te in met voor niet zijn aan ook als bij",
    "ru": "и в не на что с по это как к из для о от но за его а то же уже все они будет "
    "будут был была также",
}
_SETS = {language: frozenset(words.split()) for language, words in _WORDS.items()}
_MINIMUM = 8  # words of the language; a title alone says too little


def guess_language(text: str) -> str | None:
    words = re.findall(r"[^\W\d_]+", text.lower())
    scores = Counter({lang: sum(w in common for w in words) for lang, common in _SETS.items()})
    (best, first), (_, second) = scores.most_common(2)
    return best if first >= _MINIMUM and first >= 2 * second else None
