"""formgrader's own pages, with what they show escaped.

nbgrader 0.9.6's formgrader renders its pages (Manage Assignments, Manage
Students, ...) with a Jinja environment that escapes nothing, and puts ids
taken from the URL into scripts: ``var student_id = "{{ student_id }}";``.
A link such as ``.../formgrader/manage_students/%22;alert(1);%22`` then runs
its script in the instructor's server, as the instructor (who, with a
terminal in JupyterLab, can do anything their account can). A student only
has to get the instructor to open a link.

This server extension turns on Jinja's autoescaping for those pages (they
show ids, names, URLs and the configuration as text, never HTML of their
own; the graded notebook itself is rendered by nbconvert, sanitised
elsewhere). Enable it in the instructor's server::

    {"ServerApp": {"jpserver_extensions": {"gradekit.formgrader_guard": true}}}

(gradekit.hub does this for every instructor).
"""

SETTING = "nbgrader_jinja2_env"


def _jupyter_server_extension_points():
    return [{"module": "gradekit.formgrader_guard"}]


def guard(settings):
    """Escape everything formgrader's own templates show; True if found."""
    environment = settings.get(SETTING)
    if environment is None:
        return False
    environment.autoescape = True
    if environment.cache is not None:
        environment.cache.clear()
    return True


def _load_jupyter_server_extension(serverapp):
    settings = serverapp.web_app.settings
    if guard(settings):
        return
    # formgrader may load after this extension (extensions load in name
    # order): guard before each request is handled until it is found.
    # (A transform is made for every request, before its handler runs.)
    from tornado.web import OutputTransform

    class Guard(OutputTransform):
        guarded = False

        def __init__(self, request):
            super().__init__(request)
            if not Guard.guarded:
                Guard.guarded = guard(settings)

    serverapp.web_app.add_transform(Guard)
