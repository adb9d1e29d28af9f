# Two commands do all the set-up on a fresh machine:
#   make run   virtual environment, install, database, sample data, dashboard
#   make test  virtual environment, install, lint, the whole test suite
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-stamp
PORT ?= 8501

.PHONY: run test install db lint format clean bench

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	touch $(STAMP)

install: $(STAMP)

db: install
	$(BIN)/tracker init
	$(BIN)/tracker import data/

run: db
	$(BIN)/streamlit run dashboard/app.py --server.headless true \
		--server.port $(PORT) --browser.gatherUsageStats false

lint: install
	$(BIN)/ruff check .

format: install
	$(BIN)/ruff format tracker tests dashboard scripts

test: install lint
	$(BIN)/python -m pytest -n 2 --dist loadgroup

# The speed benchmark (issue #6): prints each figure beside its floor. Choose with
#   make bench BENCH_ARGS="--sizes 10000,100000,1000000 --db sqlite,postgres --sections a,b,c,d,e,f"
BENCH_ARGS ?= --sizes 10000,100000 --db sqlite,postgres
bench: install
	$(BIN)/python benchmarks/run.py $(BENCH_ARGS)

clean:
	rm -rf $(VENV) benchmarks/.venv-datasette tracker.db tracker.db-wal tracker.db-shm .pytest_cache .ruff_cache
