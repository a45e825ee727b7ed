# Two commands on a fresh clone: `make run` (the demo) and `make test`.
VENV ?= .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed

.PHONY: run test bench campaign setup clean

# pyscard (PC/SC card readers) compiles against libpcsclite with swig; without
# them the box still installs and card tests skip, saying what is missing.
EXTRAS := test,postgres$(shell command -v swig >/dev/null && test -e /usr/include/PCSC/winscard.h && echo ,pcsc)

$(STAMP): pyproject.toml
	python3 -m venv $(VENV)
	$(PY) -m pip install -q --upgrade pip
	$(PY) -m pip install -q -e '.[$(EXTRAS)]'
	@case "$(EXTRAS)" in *pcsc*) ;; *) echo "note: PC/SC card readers left out (install swig and libpcsclite-dev, then rm $(STAMP))";; esac
	touch $(STAMP)

setup: $(STAMP)

run: $(STAMP)
	$(VENV)/bin/edge demo

test: $(STAMP)
	$(PY) -m pytest -n auto -q

bench: $(STAMP)
	$(PY) bench/run.py

# Every reliability campaign with its full budget (tests/campaigns/); prints the
# table the README's Reliability section quotes and writes tests/campaigns/results.json.
campaign: $(STAMP)
	$(PY) -m tests.campaigns

clean:
	rm -rf $(VENV) build *.egg-info
