"""Production settings of the example project: what the project itself decides for production.

deployspec never edits this file. Its generated notesite/deploy_settings.py imports it and layers on what
deploy.yaml declares (the secret key, hosts, the database URL, static files, HTTPS), keeping what is set here.
"""
from notesite.settings import *  # noqa: F401,F403

DEBUG = False
# The hosts are deploy.yaml's (`hosts:`), plus the platform's own domain where the app runs.
ALLOWED_HOSTS = []
ADMINS = [("Ops", "ops@notes.example.com")]
TIME_ZONE = "Europe/Berlin"
# Connection options the project needs in production; the database URL only supplies where to connect.
DATABASES = {"default": {**DATABASES["default"], "ATOMIC_REQUESTS": True, "OPTIONS": {"connect_timeout": 5}}}
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "loggers": {"notes": {"handlers": ["console"], "level": "INFO"}},
}
