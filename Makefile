# Two commands do all the set-up on a fresh machine:
#   make run   virtual environment, install, database, sample data, dashboard
#   make test  virtual environment, install, lint, the whole test suite
# Both install exactly what uv.lock pins; `make upgrade` is the one way to change it.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-stamp
PORT ?= 8501
# uv, pinned, in a small environment of its own: `uv sync` keeps .venv exactly to the lock,
# so uv cannot live there.
UV_VERSION := 0.13.9
TOOLS := .tools
UV := $(TOOLS)/bin/uv

.PHONY: run test install db lint format clean bench upgrade

$(UV):
	$(PYTHON) -m venv $(TOOLS)
	$(TOOLS)/bin/python -m pip install --quiet uv==$(UV_VERSION)

# --locked: refuse to install when pyproject.toml has changed since uv.lock was written.
$(STAMP): pyproject.toml uv.lock | $(UV)
	$(UV) sync --locked --extra dev --python $(PYTHON) --quiet
	touch $(STAMP)

install: $(STAMP)

# Re-resolve every dependency to its newest allowed version, then run `make test`.
upgrade: | $(UV)
	$(UV) lock --upgrade

db: install
	$(BIN)/tracker init
	$(BIN)/tracker import data/

run: db
	$(BIN)/streamlit run dashboard/serve.py --server.headless true \
		--server.port $(PORT) --browser.gatherUsageStats false

lint: install
	$(BIN)/ruff check .
	$(BIN)/lint-imports --no-cache

format: install
	$(BIN)/ruff format tracker tests dashboard scripts

test: install lint
	$(BIN)/python -m pytest -n 2 --dist loadgroup

# The speed benchmark: prints each figure beside its floor. Choose with
#   make bench BENCH_ARGS="--sizes 10000,100000,1000000 --db sqlite,postgres --sections a,b,c,d,e,f"
BENCH_ARGS ?= --sizes 10000,100000 --db sqlite,postgres
bench: install
	$(BIN)/python benchmarks/run.py $(BENCH_ARGS)

clean:
	rm -rf $(VENV) $(TOOLS) benchmarks/.venv-datasette tracker.db tracker.db-wal tracker.db-shm .pytest_cache .ruff_cache
