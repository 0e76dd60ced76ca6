"""The gradient-checking course: its hidden checks (registered by grade_id),
the reference implementation they compare with, and the course's own
tooling (the demo class, the accuracy catalogue, the self-check, the
command line). Never mounted into the sandbox."""
