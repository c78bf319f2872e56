# Placement Desk: set-up, run, test and benchmark.
# `make run` and `make test` do all set-up on a fresh Debian/Ubuntu machine with
# only Python 3: they create .venv, install the package, and (when run as root)
# install the system libraries Qt needs with apt-get.

PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed
TEST_STAMP := $(VENV)/.installed-test
BUILD_STAMP := $(VENV)/.installed-build
DEMO_DB ?= .demo/placement-desk-demo.db

# Debian packages Qt needs: offscreen (tests) and a real window.
QT_OFFSCREEN_DEBS := libegl1 libgl1 libfontconfig1 libxkbcommon0 libdbus-1-3 libglib2.0-0 fonts-dejavu-core
# The tests read the PDFs they make as text (pdftotext).
TEST_DEBS := poppler-utils
QT_WINDOW_DEBS := libxkbcommon-x11-0 libxcb-cursor0 libxcb-icccm4 libxcb-keysyms1 libxcb-image0 libxcb-render-util0 libxcb-shape0 libxcb-xkb1

.DEFAULT_GOAL := help
.PHONY: help run test test-postgres lint typecheck bench demo smoke installer installer-test screenshots clean system-deps-offscreen system-deps-window system-deps-test

help: ## list the targets
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | sed 's/:.*## /\t/' | expand -t 24

$(PY):
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip

$(STAMP): pyproject.toml | $(PY)
	$(PY) -m pip install --quiet -e .
	@touch $@

$(TEST_STAMP): pyproject.toml | $(PY)
	$(PY) -m pip install --quiet -e '.[test]'
	@touch $@ $(STAMP)

$(BUILD_STAMP): pyproject.toml | $(PY)
	$(PY) -m pip install --quiet -e '.[test,build]'
	@touch $@ $(TEST_STAMP) $(STAMP)

system-deps-offscreen: ## install the libraries Qt needs offscreen (root only)
	@sh installer/debian-deps.sh $(QT_OFFSCREEN_DEBS)

system-deps-window: system-deps-offscreen ## install the libraries Qt needs for a window (root only)
	@sh installer/debian-deps.sh $(QT_WINDOW_DEBS)

system-deps-test: system-deps-offscreen ## also the tools the tests use, e.g. pdftotext (root only)
	@sh installer/debian-deps.sh $(TEST_DEBS)

run: $(STAMP) system-deps-window ## open the application on a demo database (made on first run)
	@test -f $(DEMO_DB) || $(PY) -m placement_desk demo --db $(DEMO_DB) --size council
	$(PY) -m placement_desk --db $(DEMO_DB)

demo: $(STAMP) ## make a fresh demo database at $(DEMO_DB)
	$(PY) -m placement_desk demo --db $(DEMO_DB) --size council --replace

smoke: $(STAMP) system-deps-offscreen ## start, draw the window offscreen and exit
	@test -f $(DEMO_DB) || $(PY) -m placement_desk demo --db $(DEMO_DB) --size council
	QT_QPA_PLATFORM=offscreen $(PY) -m placement_desk --db $(DEMO_DB) --smoke-test

test: $(TEST_STAMP) system-deps-test ## run the whole test suite offscreen
	QT_QPA_PLATFORM=offscreen $(PY) -m pytest -n 2 --dist loadfile $(PYTEST_ARGS)

installer: $(BUILD_STAMP) system-deps-offscreen ## build the one-folder bundle in dist/placement-desk (PyInstaller)
	$(PY) -m PyInstaller --noconfirm --log-level WARN --distpath dist --workpath build/pyinstaller installer/placement_desk.spec
	@du -sh dist/placement-desk

installer-test: installer system-deps-test ## build the bundle, then run its smoke test
	QT_QPA_PLATFORM=offscreen $(PY) -m pytest -p no:cacheprovider tests/test_installer_bundle.py $(PYTEST_ARGS)

screenshots: $(STAMP) system-deps-offscreen ## remake the user guide's screenshots (docs/images) from a demo database
	QT_QPA_PLATFORM=offscreen $(PY) docs/make_screenshots.py

test-postgres: $(TEST_STAMP) system-deps-test ## the suite again on a throwaway PostgreSQL server (installs it as root)
	QT_QPA_PLATFORM=offscreen $(PY) tools/throwaway_postgres.py -- \
		$(PY) -m pytest -n 2 --dist loadfile $(PYTEST_ARGS)

lint: $(TEST_STAMP) ## ruff and mypy
	$(VENV)/bin/ruff check .
	$(VENV)/bin/mypy

bench: $(TEST_STAMP) system-deps-offscreen ## build benchmark databases and run the benchmarks (on SQLite files and a throwaway PostgreSQL server)
	QT_QPA_PLATFORM=offscreen $(PY) -m bench.generate
	QT_QPA_PLATFORM=offscreen $(PY) tools/throwaway_postgres.py -- $(PY) -m bench.run $(BENCH_ARGS)

clean: ## remove the virtual environment and caches (keeps demo data)
	rm -rf $(VENV) .pytest_cache .mypy_cache .ruff_cache build dist *.egg-info
