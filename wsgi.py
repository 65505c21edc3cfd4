"""WSGI entry point: `gunicorn wsgi:app`, `flask --app wsgi ...`."""
from costapi import create_app

app = create_app()
