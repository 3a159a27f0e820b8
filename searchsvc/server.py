"""``searchsvc serve``: run the service under gunicorn with the project's config.

The settings (index, host, port, workers, API key, ...) travel as ``SEARCHSVC_*``
environment variables, so the gunicorn master (which reads gunicorn.conf.py) and
every worker (which builds the app from ``searchsvc.wsgi``) see the same values.
The process is replaced by gunicorn (``exec``): signals reach it directly.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

from .settings import BY_NAME, Settings

CONFIG = Path(__file__).parent / "web" / "gunicorn.conf.py"


def serve(settings: Settings) -> int:
    env = dict(os.environ)
    for name, value in settings.as_dict(reveal=True).items():
        if value != BY_NAME[name].default or BY_NAME[name].env in env:
            env[BY_NAME[name].env] = str(value)
    env[BY_NAME["index"].env] = str(Path(settings.index).resolve())
    argv = [sys.executable, "-m", "gunicorn", "-c", str(CONFIG), "searchsvc.wsgi:app"]
    os.execve(sys.executable, argv, env)
    return 0  # not reached
