"""The WSGI entry point gunicorn serves: ``gunicorn searchsvc.wsgi:app`` (settings from SEARCHSVC_* env)."""

from .web import create_app

app = create_app()
