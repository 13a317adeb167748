"""Citation Style Language: entries as CSL-JSON items, and bibliographies rendered through a CSL engine."""
