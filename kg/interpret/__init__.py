"""What records mean beyond what they print: which names are one unit, which subject a narrative line means,
budget execution rates, whether indicators were met, and whether the tables add up (reconciliation)."""
