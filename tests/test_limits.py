"""Limits for a whole submission (gradekit.limits), through the real
grading command, next to an honest bystander.

The attacks are in tests/hostile/limits/; each is bounded, so that a limit
that failed would cost the test machine a few GiB or a few CPU-seconds,
never take it down. The class is graded with tighter limits than the
defaults (LIMITS below) so that each limit is reached quickly.
"""

import csv
import dataclasses
import json
import os
import re
from pathlib import Path

import nbformat
import pytest

from conftest import ROOT, gradekit_command
from gccourse import course, demo, submissions
from gradekit import limits

HOSTILE = ROOT / "tests" / "hostile"
ATTACKS = HOSTILE / "limits"
BASELINE = course.DEMO_STUDENTS / "complete.py"
MiB = 1024 ** 2
MEMORY = 768 * MiB
PROCESSES = 64
TMP, SHM, FILE = 64 * MiB, 16 * MiB, 32 * MiB
LIMITS = f"""
c.SubmissionLimits.memory_bytes = {MEMORY}
c.SubmissionLimits.processes = {PROCESSES}
c.SubmissionLimits.tmp_bytes = {TMP}
c.SubmissionLimits.shm_bytes = {SHM}
c.SubmissionLimits.file_bytes = {FILE}
c.SubmissionLimits.open_files = 256
"""
NAMES = sorted(p.stem for p in ATTACKS.glob("*.py"))


def new_class(folder, names):
    root = demo.new_course(folder)
    with open(root / "nbgrader_config.py", "a") as config:
        config.write(LIMITS)
    base = submissions.load(BASELINE)
    for path in [HOSTILE / "aaa_bystander.py", *(ATTACKS / f"{n}.py" for n in names)]:
        entry = submissions.load(path)
        merged = dataclasses.replace(entry, cells={**base.cells, **entry.cells})
        submissions.write_submitted(root, course.ASSIGNMENT, course.NOTEBOOK, merged)
    return root


def seconds_of(summary, student):
    """The student's grading time from the summary's "slowest" line; when
    it is not among the slowest listed, the fastest of those bounds it."""
    line = next(l for l in summary.splitlines() if l.strip().startswith("slowest:"))
    found = re.search(rf"\b{student} ([0-9.]+) s", line)
    if found:
        return float(found.group(1))
    return min(float(n) for n in re.findall(r" ([0-9.]+) s", line))


def groups_left():
    """Submission groups in the machine's cgroup hierarchies whose grading
    process has ended (left behind; groups of a grading run still going on
    elsewhere on the machine are not counted)."""
    found = []
    for base in ("/sys/fs/cgroup", "/sys/fs/cgroup/memory", "/sys/fs/cgroup/pids",
                 "/sys/fs/cgroup/cpu"):
        folder = Path(base) / "gradekit"
        if folder.is_dir():
            found += [p.name for p in folder.iterdir() if p.is_dir() and p.name.startswith("gradekit-")
                      and p.name != limits.GRADER_LEAF
                      and not limits._alive(int(p.name.split("-")[1]))]
    return found


def course_files(root):
    return {str(p.relative_to(root)): p.stat().st_size for p in root.rglob("*")
            if p.is_file() and "submitted" not in p.parts}


@pytest.fixture(scope="module")
def graded(tmp_path_factory):
    alone = new_class(tmp_path_factory.mktemp("alone") / "course", [])
    solo = gradekit_command("grade", "--course", str(alone), "--workers", "1", "--no-feedback")
    assert solo.returncode == 0, solo.stderr
    root = new_class(tmp_path_factory.mktemp("limits") / "course", NAMES)
    before = course_files(root)
    result = gradekit_command("grade", "--course", str(root), "--workers", "2", "--no-feedback",
                              timeout=900)
    assert result.returncode == 0, result.stderr
    with open(root / "grades.csv", newline="") as handle:
        rows = {row["student_id"]: row for row in csv.DictReader(handle)}
    return {"root": root, "summary": result.stdout, "solo": solo.stdout, "rows": rows,
            "before": before, "after": course_files(root)}


def printed(run, student):
    """What the student's cells printed, from the autograded notebook."""
    path = run["root"] / "autograded" / student / course.ASSIGNMENT / f"{course.NOTEBOOK}.ipynb"
    notebook = nbformat.read(path, 4)
    return "".join(o.get("text", "") for c in notebook.cells if c.cell_type == "code"
                   for o in c.get("outputs", []) if o.get("output_type") == "stream")


@pytest.mark.cluster
@pytest.mark.hostile
@pytest.mark.serial
@pytest.mark.parametrize("student", ["aaa_bystander", *NAMES])
def test_every_submission_keeps_its_honest_score(graded, student):
    row = graded["rows"][student]
    assert float(row["score"]) == float(row["max_score"]) == 20, row


@pytest.mark.cluster
@pytest.mark.hostile
@pytest.mark.serial
def test_children_that_hoard_memory_are_held_to_the_submissions_limit(graded):
    status = graded["rows"]["limited_children_hoard_memory"]["status"]
    assert f"memory limit of {MEMORY // MiB} MiB for the whole submission reached in cell" in status
    # the largest submission's peak (all its processes and files) is within the limit
    line = next(l for l in graded["summary"].splitlines() if "peak memory" in l)
    peaks = [int(n) for n in re.findall(r"/ (\d+) MiB", line)]
    assert peaks and 400 <= max(peaks) <= MEMORY // MiB, line


@pytest.mark.cluster
@pytest.mark.hostile
@pytest.mark.serial
def test_processes_and_open_files_are_capped(graded):
    status = graded["rows"]["limited_forks_and_opens_files"]["status"]
    assert "process limit reached in cell" in status
    assert f"{PROCESSES // 2} processes and threads for each of the submission's two sandboxes" \
        in status
    output = printed(graded, "limited_forks_and_opens_files")
    started = int(re.search(r"processes started: (\d+)", output).group(1))
    opened = int(re.search(r"files opened: (\d+)", output).group(1))
    assert 0 < started < PROCESSES and 0 < opened < 256, output


@pytest.mark.cluster
@pytest.mark.hostile
@pytest.mark.serial
def test_only_the_sized_private_folders_take_writes(graded):
    output = printed(graded, "limited_fills_every_disk_it_sees")
    written = json.loads(re.search(r"written: (\{.*\})", output).group(1))
    assert written["/dev"] == written["/"] == written[next(k for k in written if k.startswith(
        str(graded["root"])))] == 0, written
    assert 0 < written["/tmp"] + written["/tmp/home"] <= TMP, written
    assert 0 < written["/dev/shm"] <= SHM, written
    # each file stops at the file-size limit
    assert written["/tmp"] <= 4 * FILE
    assert "control groups visible: False" in output


@pytest.mark.cluster
@pytest.mark.hostile
@pytest.mark.serial
def test_a_submission_cannot_make_a_user_namespace_to_leave_its_group(graded):
    output = printed(graded, "limited_cannot_leave_its_group")
    assert "user namespace refused: True" in output, output
    assert "host cgroups visible: False" in output, output


@pytest.mark.cluster
@pytest.mark.hostile
@pytest.mark.serial
def test_busy_children_do_not_starve_the_bystander(graded):
    alone = seconds_of(graded["solo"], "aaa_bystander")
    beside = seconds_of(graded["summary"], "aaa_bystander")
    assert beside <= 3 * alone + 5, (alone, beside)


@pytest.mark.cluster
@pytest.mark.hostile
@pytest.mark.serial
def test_nothing_is_left_on_the_host(graded):
    assert not groups_left()
    added = {name: size for name, size in graded["after"].items() if name not in graded["before"]}
    assert not [n for n in added if "filler" in n]
    assert all(size < 16 * MiB for size in added.values()), added
    assert "bystander" in graded["summary"]


def test_grading_refuses_to_start_without_a_control_group(tmp_path):
    """Where no group can be made, grading stops with a reason and a way out,
    as it does when the sandbox is missing (here: the configured parent is
    a file, not a group)."""
    root = new_class(tmp_path / "course", [])
    with open(root / "nbgrader_config.py", "a") as config:
        config.write("\nc.SubmissionLimits.cgroup_parent = 'cgroup.procs'\n")
    result = gradekit_command("grade", "--course", str(root), "--workers", "1")
    assert result.returncode == 1
    assert "no control group can be made for each submission's limits" in result.stderr
    assert "--SubmissionLimits.enabled=False" in result.stderr
    assert not (root / "autograded").exists()


# ---------------------------------------------------------------- cgroup v2, on a copy

def fake_v2(tmp_path, controllers="cpuset cpu io memory pids"):
    """A folder laid out like a cgroup v2 mount (its files are plain files:
    what gradekit writes into them can be read back), and a mounts table
    naming it."""
    mount = tmp_path / "cgroup2"
    mount.mkdir()
    (mount / "cgroup.controllers").write_text(controllers + "\n")
    (mount / "cgroup.subtree_control").write_text("")
    mounts = tmp_path / "mounts"
    mounts.write_text(f"cgroup2 {mount} cgroup2 rw,nosuid 0 0\n"
                      f"cgroup {tmp_path}/v1 cgroup rw,memory 0 0\n")
    return mount, mounts


def test_on_cgroup_v2_each_submission_gets_a_limited_group(tmp_path, monkeypatch):
    mount, mounts = fake_v2(tmp_path)
    monkeypatch.setattr(limits, "_HIERARCHIES", {})
    monkeypatch.setattr(limits, "_is_root", lambda: True)
    real_mkdir = os.mkdir

    def mkdir(path, *args):  # the kernel makes a group's files; the copy must too
        real_mkdir(path, *args)
        for name in ("cgroup.controllers", "cgroup.subtree_control", "cgroup.procs",
                     "memory.swap.max"):
            Path(path, name).write_text("memory pids cpu\n" if name == "cgroup.controllers" else "")
    monkeypatch.setattr(limits.os, "mkdir", mkdir)
    settings = limits.SubmissionLimits(memory_bytes=3 * MiB, processes=7, cpu_cores=0.5)
    where = limits.hierarchy(settings, mounts_file=str(mounts))
    assert where.version == 2 and where.parent == str(mount / "gradekit")
    assert (mount / "cgroup.subtree_control").read_text() == "+memory +pids +cpu"
    # all the sandboxes together weigh like one busy task per core
    assert (mount / "gradekit" / "cpu.weight").read_text() == str(min(10000, 100 * os.cpu_count()))
    group = limits.SubmissionGroup(settings, where)
    folder = Path(group.folders[0])
    assert folder.parent == mount / "gradekit"
    assert (folder / "memory.max").read_text() == str(3 * MiB)
    assert (folder / "memory.swap.max").read_text() == "0"
    assert (folder / "pids.max").read_text() == "7"
    assert (folder / "cpu.max").read_text() == "50000 100000"
    command = group.wrap(["x"], "kernel")
    assert command[-1] == "x" and str(folder / "kernel" / "cgroup.procs") in command
    # each of the two sandboxes gets half the processes, under the group's limits
    assert (folder / "cgroup.subtree_control").read_text() == "+memory +pids +cpu"
    assert (folder / "kernel" / "pids.max").read_text() == "3"
    (folder / "memory.events").write_text("low 0\nhigh 0\nmax 9\noom 2\noom_kill 1\n")
    (folder / "pids.events").write_text("max 3\n")
    assert group.limit_hits() == {"memory": 1, "processes": 3}
    for part in (folder / "kernel", folder):
        for name in os.listdir(part):
            if (part / name).is_file():
                os.remove(part / name)  # (the kernel removes a group's files itself)
    group.close()
    assert not folder.exists()


def test_on_cgroup_v2_without_the_controllers_grading_refuses_with_the_reason(tmp_path, monkeypatch):
    _, mounts = fake_v2(tmp_path, controllers="cpu io")
    (tmp_path / "mounts").write_text(mounts.read_text().splitlines()[0] + "\n")
    monkeypatch.setattr(limits, "_HIERARCHIES", {})
    with pytest.raises(limits.LimitsUnavailable, match="offers only cpu, io"):
        limits.hierarchy(limits.SubmissionLimits(), mounts_file=str(mounts))


def test_a_parent_outside_the_hierarchy_is_refused(monkeypatch):
    monkeypatch.setattr(limits, "_HIERARCHIES", {})
    with pytest.raises(limits.LimitsUnavailable, match="inside the cgroup hierarchy"):
        limits.hierarchy(limits.SubmissionLimits(cgroup_parent="gradekit/../../etc"))


def test_on_cgroup_v2_in_a_container_the_grader_moves_into_a_leaf(tmp_path, monkeypatch):
    """As root in a container with its own cgroup namespace, the top of the
    cgroup v2 mount holds the container's processes, so controllers cannot
    be turned on for its children there: the grader then moves those
    processes into a leaf and makes the submissions' groups beside it."""
    mount, mounts = fake_v2(tmp_path)
    (mount / "cgroup.procs").write_text("101\n102\n")
    monkeypatch.setattr(limits, "_HIERARCHIES", {})
    monkeypatch.setattr(limits, "_is_root", lambda: True)
    monkeypatch.setattr(limits, "_own_group", lambda key: "/")
    real_write = limits._write
    moved = []

    def write(path, value):
        if path == str(mount / "cgroup.subtree_control") and not moved:
            raise OSError(16, "Device or resource busy")  # processes still in the top group
        if path.endswith(f"{limits.GRADER_LEAF}/cgroup.procs"):
            moved.append(value)
        real_write(path, value)
    monkeypatch.setattr(limits, "_write", write)
    where = limits.hierarchy(limits.SubmissionLimits(), mounts_file=str(mounts))
    assert where.parent == str(mount)
    assert moved == ["101", "102"]
    assert (mount / "cgroup.subtree_control").read_text() == "+memory +pids +cpu"
