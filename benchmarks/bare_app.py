"""The baseline for benchmarks/wizard_load.py: a bare Flask app answering "hello".

Served the same way as kcs-assess (gunicorn, sync workers, same worker count), it shows how
fast this machine, this server and this load generator can go with no application work, so the
wizard's figures can be read as a share of it.

    .venv/bin/gunicorn -w 2 -k sync -b 127.0.0.1:8001 --pythonpath benchmarks bare_app:app
"""

from flask import Flask

app = Flask(__name__)


@app.get("/")
def hello() -> str:
    return "hello"
