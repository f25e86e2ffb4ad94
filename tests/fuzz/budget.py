"""The fuzzer's budget: a fixed seed, no example database, no shrinking, and a bounded number of
examples per operation and mode, sized so the whole run stays under 3 minutes on a 2-core
machine (measured: see docs/api.md)."""

from __future__ import annotations

from typing import Any

import hypothesis
from hypothesis import HealthCheck, Phase

SEED = 20261129
EXAMPLES_PER_MODE = 12  # per operation: this many valid cases and this many invalid ones

CONFIG: dict[str, Any] = {
    "seed": SEED,
    "generation": {
        "deterministic": True,
        "database": "none",
        # The callers send their own bearer tokens: invalid input goes to the parameters and
        # bodies, past authentication, rather than to the Authorization header.
        "with-security-parameters": False,
    },
}

SETTINGS = hypothesis.settings(
    max_examples=EXAMPLES_PER_MODE,
    derandomize=True,
    database=None,
    deadline=None,
    # A failure is reported as found: shrinking it would cost minutes of requests.
    phases=[Phase.explicit, Phase.generate],
    suppress_health_check=list(HealthCheck),
    print_blob=False,
)
