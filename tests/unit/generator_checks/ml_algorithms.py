"""Independent checks of the `ml-algorithms-libraries` generators (bot/catalog/generators/ml_algorithms.py).

Each check reads the chat text a member sees (`Seen`) and solves it another way (numpy, scipy,
scikit-learn, brute force); GOLDEN pins each generator's answer and input fingerprint for
test_generators.GOLDEN_SEED.
"""

from __future__ import annotations

from collections.abc import Callable

from tests.unit.generator_checks.common import Check, Seen

CHECKS: dict[str, Callable[[Seen], Check]] = {}
GOLDEN: dict[str, tuple[str, str]] = {}
