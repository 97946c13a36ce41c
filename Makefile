# sendreform: `make demo` sets everything up and serves the synthetic local area; `make test` runs every test.
PYTHON ?= python3
UV = $(PYTHON) -m uv
BIN = .venv/bin
ASSETS = sendreform/web/static/govuk/application.css
ADDRESS ?= 127.0.0.1:8000

.PHONY: demo test bench setup assets lint test-sqlite test-postgres browser-check clean

# The demo runs with SENDREFORM_DEMO=true: a secret key made in var/, and no two-factor sign-in.
demo: export SENDREFORM_DEMO = true
demo: setup assets
	$(BIN)/python manage.py migrate --noinput
	$(BIN)/python manage.py collectstatic --noinput --verbosity 0
	$(BIN)/sendreform demo
	$(BIN)/sendreform sen2 export --year 2025 --out var/sen2_2025.xml
	$(BIN)/sendreform sen2 export --year 2026 --out var/sen2_2026.xml
	$(BIN)/sendreform import samples --out var/samples
	$(BIN)/sendreform published load sendreform/published/data/ehcp
	$(BIN)/sendreform tables export --own-lists --out var/samples/council_lists.xlsx
	$(BIN)/sendreform tables export --out var/samples/tables
	$(BIN)/sendreform figures
	$(BIN)/sendreform serve --demo --bind $(ADDRESS)

test: setup assets lint browser-check test-sqlite test-postgres

setup: $(BIN)/.synced

$(BIN)/.synced: pyproject.toml uv.lock
	@$(UV) --version >/dev/null 2>&1 || $(PYTHON) -m pip install --quiet uv \
		|| $(PYTHON) -m pip install --quiet --user uv
	$(UV) sync --frozen
	@touch $@

assets: $(ASSETS)

$(ASSETS): frontend/package.json frontend/package-lock.json $(wildcard frontend/scss/*.scss) $(wildcard frontend/*.mjs)
	npm ci --prefix frontend --no-audit --no-fund
	npm run build --prefix frontend

lint:
	$(BIN)/ruff check .
	$(BIN)/lint-imports

browser-check:
	@test -x /usr/bin/chromium || { echo "Browser tests need Debian's chromium at /usr/bin/chromium:" \
		"sudo apt-get install chromium"; exit 1; }

test-sqlite:
	env -u DATABASE_URL $(BIN)/pytest

# The database tests again on a real PostgreSQL (a throwaway cluster unless DATABASE_URL is set).
test-postgres:
	$(PYTHON) scripts/with_postgres.py $(BIN)/pytest -m "(django_db or postgres) and not browser" -p no:cacheprovider

bench: setup
	$(BIN)/python bench/run.py

clean:
	rm -rf var sendreform/web/static/govuk frontend/node_modules
