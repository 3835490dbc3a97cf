# Linli — `make run` starts the demo, `make test` runs the suite. Both install what they need first.
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
PY := $(VENV)/bin/python
MANAGE := $(PY) manage.py
PORT ?= 8000

.PHONY: install run test system-packages lock messages clean

install: $(VENV)/.installed node_modules/.installed messages

$(VENV)/.installed: requirements.lock pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -r requirements.lock
	touch $@

# Front-end assets come from the npm registry at install time, pinned by package-lock.json.
node_modules/.installed: package.json package-lock.json
	npm ci --ignore-scripts --no-audit --no-fund --loglevel=error
	touch $@

messages: $(VENV)/.installed
	@$(MANAGE) compilemessages --ignore=.venv --ignore=node_modules -v 0

run: install
	$(MANAGE) migrate --noinput
	$(MANAGE) seed_demo --if-empty
	@echo "Linli: http://127.0.0.1:$(PORT)/  (Ctrl-C stops the web server and the job consumer)"
	@$(MANAGE) run_huey --quiet & consumer=$$!; \
	trap 'kill $$consumer 2>/dev/null; wait $$consumer 2>/dev/null' EXIT INT TERM; \
	$(MANAGE) runserver 127.0.0.1:$(PORT)

# The system packages the tests need (a browser, CJK fonts, gettext, poppler-utils): installed when
# run as root on Debian, otherwise the one apt-get line to run, within the first second.
system-packages:
	@.ci/system-packages

# Two workers on two cores (pytest-xdist); TEST_WORKERS=0 runs in one process.
TEST_WORKERS ?= 2

test: system-packages install
	$(PY) -m pytest -n $(TEST_WORKERS) $(PYTEST_ARGS)

lock:
	rm -rf /tmp/linli-lock && $(PYTHON) -m venv /tmp/linli-lock
	/tmp/linli-lock/bin/pip install --quiet '.[test]'
	(echo "# The whole dependency tree, pinned (pip freeze of a clean install of pyproject.toml [test])."; \
	 echo "# Regenerate with: make lock"; /tmp/linli-lock/bin/pip freeze --exclude linli) > requirements.lock

clean:
	rm -rf $(VENV) node_modules var/staticfiles
