"""Long tasks (a big import) on a background thread, with progress a page can poll.

Jobs live in the app process (app.extensions), which suits the desktop app. A multi-process
server deployment would move them to a task queue.
"""

from __future__ import annotations

import threading
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from desktop import native
from flask import Flask, current_app, url_for

MAX_KEPT = 20


@dataclass
class Job:
    """One task's progress and outcome."""

    id: str
    title: str
    done: int = 0
    total: int = 0
    state: str = "running"  # running, finished, failed
    message: str = ""
    result: Any = None
    _lock: threading.Lock = field(default_factory=threading.Lock, repr=False)

    def progress(self, done: int, total: int) -> None:
        """Report progress (called from the job's thread)."""
        with self._lock:
            self.done, self.total = done, total

    def as_dict(self) -> dict[str, Any]:
        """What the progress page polls."""
        with self._lock:
            return {"id": self.id, "title": self.title, "state": self.state, "done": self.done,
                    "total": self.total, "message": self.message}


def _registry(app: Flask) -> dict[str, Job]:
    return app.extensions.setdefault("inkwell_jobs", {})


def start(title: str, work: Callable[[Job], tuple[Any, str]], *, page_endpoint: str | None = None) -> Job:
    """Run `work(job)` on a thread inside an app context; it returns (result, message).

    In the desktop app, a notification says when it ends (the user may be elsewhere by then);
    clicking it shows `page_endpoint` (given `job_id`), the job's progress page."""
    app = current_app._get_current_object()
    job = Job(id=uuid.uuid4().hex, title=title)
    page = url_for(page_endpoint, job_id=job.id) if page_endpoint else None
    jobs = _registry(app)
    for old in list(jobs)[:-MAX_KEPT]:
        jobs.pop(old)
    jobs[job.id] = job

    def run() -> None:
        with app.app_context():
            try:
                job.result, job.message = work(job)
                job.state = "finished"
            except Exception as exc:  # reported on the progress page; the log has the detail
                app.logger.warning("job %s failed", title, exc_info=not isinstance(exc, ValueError))
                job.message = str(exc) if isinstance(exc, ValueError) else "it failed unexpectedly; see the log"
                job.state = "failed"
            outcome = "finished" if job.state == "finished" else "failed"
            native.notify(f"{title.capitalize()} {outcome}", job.message, url=page, only_when_away=True)

    threading.Thread(target=run, name=f"job-{title}", daemon=True).start()
    return job


def get(job_id: str) -> Job | None:
    """A job of this app by id."""
    return _registry(current_app).get(job_id)
