# A student on the course's JupyterHub, with a terminal in their own server,
# reaching for what is not theirs. tests/test_hub.py runs each line below
# as one student (the placeholders filled in) after the semester: every
# line must fail, and nothing it aims at may change.
#
# the instructor's course: solutions, hidden tests, the gradebook
cat {instructor_home}/gradient-checking/source/gradient_checking/Gradient_Checking.ipynb
ls {instructor_home}
cp {instructor_home}/gradient-checking/gradebook.db /tmp/stolen.db
# a neighbour's work and feedback
ls {neighbour_home}
cat {neighbour_home}/gradient_checking/Gradient_Checking.ipynb
# the exchange: other students' submissions, the release everyone fetches
ls {exchange}/{course_id}/inbound
touch {exchange}/{course_id}/outbound/gradient_checking/extra.py
cp /etc/hostname {exchange}/{course_id}/outbound/gradient_checking/Gradient_Checking.ipynb
rm -rf {exchange}/{course_id}/outbound/gradient_checking
mv {exchange}/{course_id} {exchange}/taken
mkdir {exchange}/{course_id}/outbound/next_assignment
# the control group delegated to the instructor: join it, loosen it, fill it
echo $$ > {cgroup}/cgroup.procs
echo -1 > {cgroup}/memory.limit_in_bytes
mkdir {cgroup}/mine
# the course's own package in the hub's venv: its checks and reference answers
cat {answers}/reference.py
cat {answers}/checks.py
# the checkout the hub was installed from: every answer is in it
cat {checkout}/source/gradient_checking/Gradient_Checking.ipynb
cat {checkout}/demo/students/complete.py
