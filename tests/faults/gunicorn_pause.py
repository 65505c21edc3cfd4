"""gunicorn settings for test_worker_killed.py: the project's gunicorn.conf.py, plus a pause.

While the file named by FAULTS_PAUSE_FILE exists and names a model (`Estimate`, `Rate`), the
next flush that writes a row of that model (its INSERTs sent, nothing committed) deletes the
file, writes the worker's pid to FILE.paused and sleeps, so the test can SIGKILL the worker
in the middle of that transaction.
"""
import os
import runpy
import time
from pathlib import Path

_project = runpy.run_path(str(Path(__file__).resolve().parents[2] / "gunicorn.conf.py"))
globals().update({name: value for name, value in _project.items() if not name.startswith("__")})


def post_worker_init(worker):
    from sqlalchemy import event
    from sqlalchemy.orm import Session

    trigger = Path(os.environ["FAULTS_PAUSE_FILE"])

    @event.listens_for(Session, "after_flush")
    def pause(session, _context):
        if not trigger.exists():
            return
        if trigger.read_text().strip() in {type(row).__name__ for row in session.new}:
            trigger.unlink()
            Path(f"{trigger}.paused").write_text(str(os.getpid()))
            time.sleep(60)
