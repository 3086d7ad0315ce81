# Kezek: `make demo` sets up and runs the product; `make test` sets up and passes the tests.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed-stamp
BUNDLE_DIR   ?= /tmp/kezek-build
BUNDLE_STAMP := $(VENV)/.bundle-stamp

.PHONY: setup system-deps demo test test-faults lint bench soak translations screenshots \
        readme-screenshots bundle bundle-check clean

$(STAMP): pyproject.toml
	@$(PYTHON) -c 'import sys; sys.exit(sys.version_info < (3, 11))' || \
	  { echo "Kezek needs Python 3.11 or newer (found $$($(PYTHON) -V))."; exit 1; }
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -e '.[dev]'
	touch $(STAMP)

system-deps:
	@bash scripts/system-deps.sh

setup: system-deps $(STAMP)

demo: setup
	bash scripts/demo.sh

lint: setup
	$(BIN)/ruff check kiosk ui printing tests bench scripts
	$(BIN)/mypy

test: setup lint
	$(BIN)/pytest

# The slow fault tests (workers killed, PostgreSQL restarted, a link cut) and the heavy
# property runs at length (`make test` runs the properties with a few dozen examples and
# leaves out the tests marked `faults`). CI runs both.
test-faults: setup
	HYPOTHESIS_PROFILE=faults $(BIN)/pytest -m faults
	HYPOTHESIS_PROFILE=faults $(BIN)/pytest tests/properties

bench: setup
	$(BIN)/python -m bench.engine --out bench/results/engine.json
	QT_QPA_PLATFORM=offscreen $(BIN)/python -m bench.kiosk --out bench/results/kiosk.json
	QT_QPA_PLATFORM=offscreen $(BIN)/python -m bench.desk --out bench/results/desk.json
	QT_QPA_PLATFORM=offscreen $(BIN)/python -m bench.sync --out bench/results/sync.json
	$(BIN)/python -m bench.report --out bench/results/report.json
	$(BIN)/python -m bench.simulate --out bench/results/simulate.json

# A day-long run: the four faces as offscreen processes through a busy day at three times
# its peak; memory per process and its growth per hour, the feed lag at the end.
SOAK_MINUTES ?= 30
soak: setup
	QT_QPA_PLATFORM=offscreen $(BIN)/python -m bench.soak --minutes $(SOAK_MINUTES) \
	  --out bench/results/soak.json

# Extract the messages of kiosk/, printing/ and ui/, merge them into each language's
# catalog, then compile. New messages arrive untranslated: a test lists them.
translations: setup
	$(BIN)/pybabel -q extract -F babel.cfg -k N_ -k tr_ --no-location --sort-output \
	  --project=Kezek --copyright-holder="Kezek developers" -o resources/locale/kezek.pot kiosk printing ui
	for lang in kk ru en; do \
	  if [ -f resources/locale/$$lang/LC_MESSAGES/kezek.po ]; then \
	    $(BIN)/pybabel -q update --no-fuzzy-matching --ignore-obsolete -D kezek -i resources/locale/kezek.pot -d resources/locale -l $$lang; \
	  else \
	    $(BIN)/pybabel -q init -D kezek -i resources/locale/kezek.pot -d resources/locale -l $$lang; \
	  fi; \
	done
	$(BIN)/python scripts/compile_catalogs.py

$(BUNDLE_STAMP): $(STAMP)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -e '.[dev,bundle]'
	touch $(BUNDLE_STAMP)

# One folder (faster start on a kiosk), built outside the work tree.
bundle: $(BUNDLE_STAMP)
	$(BIN)/pyinstaller --noconfirm --distpath $(BUNDLE_DIR)/dist --workpath $(BUNDLE_DIR)/work build.spec

# The bundled kezek: --version, offscreen selftest, init --demo and status (builds if stale).
bundle-check: $(BUNDLE_STAMP)
	KEZEK_BUNDLE_DIR=$(BUNDLE_DIR) bash scripts/bundle_check.sh

# Pictures of every face into build/screenshots/ (untracked); readme-screenshots writes
# them over the README's pictures in docs/screenshots/ (tracked files: review, then commit).
screenshots: setup
	QT_QPA_PLATFORM=offscreen $(BIN)/python scripts/screenshots.py build/screenshots

readme-screenshots: setup
	QT_QPA_PLATFORM=offscreen $(BIN)/python scripts/screenshots.py docs/screenshots
	@echo "docs/screenshots/ rewritten: the README shows these pictures; review and commit them."

clean:
	rm -rf $(VENV) build dist *.egg-info .pytest_cache .mypy_cache .ruff_cache
