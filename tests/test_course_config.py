"""The grading-day command reads nbgrader's configuration the way nbgrader
does: the user's and the machine's nbgrader_config.py first (a hub
administrator's exchange, an instructor's delegated control group), then the
course's own, which wins."""

from gradekit import grading


def test_user_config_is_read_and_the_course_wins(tmp_path, monkeypatch):
    user = tmp_path / "dot-jupyter"
    user.mkdir()
    (user / "nbgrader_config.py").write_text(
        "c = get_config()\n"
        "c.SubmissionLimits.cgroup_parent = 'gradekit-ann'\n"
        "c.Execute.timeout = 5\n")
    course = tmp_path / "course"
    course.mkdir()
    (course / "nbgrader_config.py").write_text(
        "c = get_config()\n"
        "c.Execute.timeout = 30\n")
    monkeypatch.setenv("JUPYTER_CONFIG_DIR", str(user))
    monkeypatch.delenv("JUPYTER_CONFIG_PATH", raising=False)
    grading.forget_config(course, "sqlite:///x.db")
    config = grading.course_config(course, "sqlite:///x.db")
    grading.forget_config(course, "sqlite:///x.db")
    assert config.SubmissionLimits.cgroup_parent == "gradekit-ann"
    assert config.Execute.timeout == 30
    assert config.CourseDirectory.root == str(course)
    assert config.CourseDirectory.db_url == "sqlite:///x.db"
