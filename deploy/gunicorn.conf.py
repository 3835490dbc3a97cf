"""gunicorn settings for Linli behind nginx (deploy/up.sh). Everything comes from the environment
so the same file serves one machine and many."""

import multiprocessing
import os

bind = os.environ.get("LINLI_GUNICORN_BIND", "127.0.0.1:8001")
# Synchronous workers: requests are short and the database does the work. 2 × cores + 1.
workers = int(os.environ.get("LINLI_GUNICORN_WORKERS") or multiprocessing.cpu_count() * 2 + 1)
worker_class = "sync"
timeout = int(os.environ.get("LINLI_GUNICORN_TIMEOUT", "60"))
graceful_timeout = 30
keepalive = 5
# Restart workers now and then so a slow leak never grows without bound.
max_requests = 2000
max_requests_jitter = 200
# nginx is the only client; it passes the scheme and the client's address.
forwarded_allow_ips = "127.0.0.1"
accesslog = os.environ.get("LINLI_GUNICORN_ACCESS_LOG", "-")
errorlog = os.environ.get("LINLI_GUNICORN_ERROR_LOG", "-")
proc_name = "linli"
