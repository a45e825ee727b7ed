# Two commands on a fresh clone: `make run` (the demo) and `make test`.
VENV ?= .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed

.PHONY: run test bench campaign setup clean

# pyscard (PC/SC card readers) compiles against libpcsclite with swig; without
# them the box still installs and card tests skip, saying what is missing.
EXTRAS := test,postgres$(shell command -v swig >/dev/null && test -e /usr/include/PCSC/winscard.h && echo ,pcsc)

# A line per step, and pip's own line per package: on a Pi the install takes
# minutes, and silence looks like a hang.
say = @printf '\n==> %s\n' "$(1)"

$(STAMP): pyproject.toml
	$(call say,making the virtual environment $(VENV))
	python3 -m venv $(VENV)
	$(call say,updating pip)
	$(PY) -m pip install --upgrade pip
	$(call say,installing Pishkhan Edge and its dependencies [$(EXTRAS)]: a few minutes on a Raspberry Pi)
	$(PY) -m pip install -e '.[$(EXTRAS)]'
	@case "$(EXTRAS)" in *pcsc*) ;; *) echo "note: PC/SC card readers left out (install swig and libpcsclite-dev, then rm $(STAMP))";; esac
	touch $(STAMP)
	$(call say,installed: $(VENV) is ready)

setup: $(STAMP)

run: $(STAMP)
	$(call say,starting the demo: a gateway and a box with simulated devices; Ctrl-C stops both)
	$(VENV)/bin/edge demo

test: $(STAMP)
	$(call say,running the tests on every core)
	$(PY) -m pytest -n auto -q

bench: $(STAMP)
	$(PY) bench/run.py

# Every reliability campaign with its full budget (tests/campaigns/); prints the
# table the README's Reliability section quotes and writes tests/campaigns/results.json.
campaign: $(STAMP)
	$(PY) -m tests.campaigns

clean:
	rm -rf $(VENV) build *.egg-info
