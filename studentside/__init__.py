"""What runs inside the sandbox, and nothing else of ours does.

* ``studentside.kernel``: starts the student's ipykernel so that it talks
  to the grader over sockets the grader created (no writable folder is
  shared with the host);
* ``studentside.server``: runs a notebook's cells for the trusted regrade
  and answers its calls;
* ``studentside.wire``: plain data across the boundary;
* ``studentside.standins``: the functions a check binds in place of the
  ones a student's function calls (helpers every student is given; none of
  them computes an exercise's answer).

Nothing here may know an exercise's answer: a student's code can import
and read all of it.
"""
