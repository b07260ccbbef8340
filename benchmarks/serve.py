"""The dashboard as `python app.py` serves it, plus the naive way on demand, for the benchmarks.

    PORT=8765 python -m benchmarks.serve

Same factory and server as app.py (`create_app()`, Flask's threaded server, no debug). A request
carrying the header X-Bench-Naive first forgets every geometry the process prepared, so that
the callback behind it rebuilds geometry as a naive callback would on each request. One
server thus answers both ways and the two are measured on the same process. With
BENCH_GLIBC_ARENAS=1, the process keeps glibc's default memory arenas (the naive way of the
memory benchmark).
"""

import logging
import os

from flask import request

NAIVE_HEADER = "X-Bench-Naive"
GLIBC_ARENAS_ENV = "BENCH_GLIBC_ARENAS"   # set: the server keeps glibc's default arenas


def main() -> None:
    from app import create_app, limit_malloc_arenas
    from benchmarks.naive import forget_geometry

    logging.basicConfig(level=logging.WARNING)
    app = create_app()
    if os.environ.get(GLIBC_ARENAS_ENV):
        limit_malloc_arenas(0)   # the naive way of memory: glibc's arenas, one per thread

    @app.server.before_request
    def _naive_way():
        if request.headers.get(NAIVE_HEADER):
            forget_geometry()

    app.run(host="127.0.0.1", port=int(os.environ["PORT"]), debug=False)


if __name__ == "__main__":
    main()
