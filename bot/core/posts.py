"""Choice ids of the sharing pipeline's short-lived choices (see bot/core/sharing.py).

They are built and read only by the pipeline and shown by the adapters as buttons of a
non-persistent view (or the sandbox's numbered choices) that holds her text in memory.
"""

from __future__ import annotations

# The "reflect" note shown before a /share is relayed.
REFLECT_SHARE = "reflect:share"
REFLECT_EDIT = "reflect:edit"
# Which group a DM goes to, when she is in several: PICK_PREFIX + group id.
PICK_PREFIX = "pick:"
