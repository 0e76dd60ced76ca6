"""Grade tables read from an nbgrader gradebook."""

from nbgrader.api import Gradebook, MissingEntry


def grade_table(db_url, assignment):
    """Scores of every submission of one assignment.

    Arguments:
    db_url -- str, the gradebook's SQLAlchemy URL, e.g. "sqlite:///gradebook.db"
    assignment -- str, the assignment id

    Returns:
    (columns, rows): columns is the list of test-cell grade_ids in notebook
    order; rows is a list, sorted by student id, of dicts with "student",
    "scores" (dict grade_id -> points), "total" and "max"
    """
    with Gradebook(db_url) as gradebook:
        try:
            found = gradebook.find_assignment(assignment)
        except MissingEntry:
            return [], []
        columns = [cell.name for notebook in found.notebooks for cell in notebook.grade_cells]
        rows = []
        for submission in sorted(found.submissions, key=lambda s: s.student.id):
            scores = {}
            for notebook in submission.notebooks:
                for grade in notebook.grades:
                    scores[grade.name] = grade.score
            rows.append({"student": submission.student.id, "scores": scores,
                         "total": submission.score, "max": submission.max_score})
    return columns, rows


def format_table(columns, rows):
    """The table as aligned text: one line a student, one column a test cell."""
    short = [c.removeprefix("test_") for c in columns]
    header = ["student", *short, "total"]
    body = [[row["student"], *[f"{row['scores'].get(c, 0):g}" for c in columns],
             f"{row['total']:g} / {row['max']:g}"] for row in rows]
    widths = [max(len(line[i]) for line in [header, *body]) for i in range(len(header))]
    lines = ["  ".join(cell.ljust(width) if i == 0 else cell.rjust(width)
                       for i, (cell, width) in enumerate(zip(line, widths)))
             for line in [header, *body]]
    lines.insert(1, "-" * len(lines[0]))
    return "\n".join(lines)
