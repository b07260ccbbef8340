"""gunicorn's settings for `make serve`: the dashboard served as in production.

Environment: HOST (default 127.0.0.1) and PORT (default 8050), as for `python app.py`;
WEB_CONCURRENCY: worker processes (default: one per core); GUNICORN_THREADS: threads per
worker (default 4).
"""

import os

# The app is built once, in the master process, before the workers are forked: the geography
# is loaded and the base maps prepared once, and every worker shares them (copy-on-write)
# instead of building its own; a worker restarted after max_requests is ready at once.
# Measured with 2 workers: each has about 30 MB of its own after 480 filter changes, 110 MB
# once it has exported an image, against 430 MB for a process that prepares everything.
wsgi_app = "app:create_server()"
preload_app = True

bind = f"{os.environ.get('HOST', '127.0.0.1')}:{os.environ.get('PORT', '8050')}"

# A callback is Python code holding the GIL most of its time: one process per core uses every
# core. A few threads per process overlap what waits without the GIL (reading a request,
# sending an answer, Chromium drawing an export), so one slow export does not hold up the
# maps of other visitors. Each worker starts its own Chromium on its first export: on a
# machine with many cores and little memory, lower WEB_CONCURRENCY.
workers = int(os.environ.get("WEB_CONCURRENCY") or os.cpu_count() or 1)
threads = int(os.environ.get("GUNICORN_THREADS") or 4)
worker_class = "gthread"

# With threads, timeout is how long a worker may go without a heartbeat (a computation that
# holds the GIL delays it), not a limit on a request; a restart (max_requests, HUP) lets the
# requests under way finish within graceful_timeout. Both are generous: an atlas of every
# région takes tens of seconds.
timeout = 120
graceful_timeout = 120

# A worker is replaced after about 2,000 requests, which bounds what a long-running process
# may accumulate; the jitter keeps the workers from being replaced all at once.
max_requests = 2000
max_requests_jitter = 200

accesslog = "-"   # one line per request on stdout (errors go to stderr), for journald or docker


def when_ready(server):
    """The page rendered once in the master, before the workers fork: Dash registers the
    page's script files when it first renders it, and a worker started later (after
    max_requests) would answer 500 for them until it rendered the page itself."""
    server.app.wsgi().test_client().get("/")
