"""An innocent, complete submission graded before the attackers: nothing
they do may change its files or its grades."""
EXPECTED = {}
