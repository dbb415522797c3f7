"""gunicorn for Dudao: `gunicorn config.wsgi -c deploy/gunicorn.conf.py` (deploy/Procfile,
deploy/systemd/dudao-web.service). Every value can be overridden from the environment."""

import multiprocessing
import os


def _int(name: str, default: int) -> int:
    return int(os.environ.get(name, default))


# nginx in front (deploy/nginx/dudao.conf); gunicorn is never exposed directly.
bind = os.environ.get("GUNICORN_BIND", "127.0.0.1:8000")
# Sync workers: views are short and database-bound; long work (reports, imports) is Celery's.
workers = _int("GUNICORN_WORKERS", multiprocessing.cpu_count() * 2 + 1)
threads = _int("GUNICORN_THREADS", 1)
# The slowest page is an XLSX export of the whole district (~2,000 rows, a few seconds).
timeout = _int("GUNICORN_TIMEOUT", 60)
graceful_timeout = _int("GUNICORN_GRACEFUL_TIMEOUT", 30)
keepalive = _int("GUNICORN_KEEPALIVE", 5)
# Recycle workers now and then so a slow leak (WeasyPrint, openpyxl) cannot grow unbounded.
max_requests = _int("GUNICORN_MAX_REQUESTS", 1000)
max_requests_jitter = _int("GUNICORN_MAX_REQUESTS_JITTER", 100)
# Heartbeat files in memory, not on a possibly slow disk.
worker_tmp_dir = "/dev/shm" if os.path.isdir("/dev/shm") else None

# Only nginx on this host may tell us the scheme (X-Forwarded-Proto) and client address.
forwarded_allow_ips = os.environ.get("GUNICORN_FORWARDED_ALLOW_IPS", "127.0.0.1")

accesslog = os.environ.get("GUNICORN_ACCESS_LOG", "-")
errorlog = os.environ.get("GUNICORN_ERROR_LOG", "-")
loglevel = os.environ.get("GUNICORN_LOG_LEVEL", "info")
# The path without its query string (%(U)s): roster searches carry names, phone numbers and
# ID-number tails, which have no place in a log. %(M)s is the response time in milliseconds.
access_log_format = '%({x-real-ip}i)s %(u)s %(t)s "%(m)s %(U)s %(H)s" %(s)s %(B)s %(M)sms'
proc_name = "dudao-web"
