# streamkit — every set-up step lives here, so a fresh Debian/Ubuntu machine needs only `make`.
PYTHON ?= python3
VENV   ?= .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed
# Debian packages of the real-OBS test tier: OBS under Xvfb, and nginx with RTMP as a target.
SYSTEM_PACKAGES := obs-studio xvfb xauth nginx-light libnginx-mod-rtmp ngircd
PYTEST_ARGS ?=
# OBS versions the real-OBS tier runs on: 29 is the host's Debian package, 32 runs in a Debian
# sid chroot built once into STREAMKIT_OBS32_ROOT (outside the checkout, kept between runs).
export STREAMKIT_OBS_VERSIONS ?= 29,32
export STREAMKIT_OBS32_ROOT ?= /var/cache/streamkit/obs32

.PHONY: help venv system-deps obs32 test-bed demo test lint bench soak clean

help:
	@echo "make demo         set up .venv and open the show-control screen on the built-in OBS simulator"
	@echo "make test         set up .venv, install the real-OBS packages (root + apt), run all tests"
	@echo "make lint         ruff over the code"
	@echo "make bench        run the benchmarks and print their tables"
	@echo "make soak         a 3-hour event in 30 minutes: TUI and health --watch, leaks and alarms"
	@echo "make system-deps  only install the Debian packages of the real-OBS tier"
	@echo "make obs32        only build the OBS 32 chroot (root; once, into STREAMKIT_OBS32_ROOT)"

venv: $(STAMP)

$(STAMP): pyproject.toml
	@$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else "streamkit needs Python 3.11 or newer; set PYTHON=python3.11 (or newer)")'
	@$(PYTHON) -c 'import venv, ensurepip' 2>/dev/null || { \
	  echo "Python's venv module is missing: apt-get install python3-venv"; exit 2; }
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[test]'
	@touch $(STAMP)

system-deps:
	@missing=""; \
	for cmd in obs xvfb-run xauth nginx; do command -v $$cmd >/dev/null 2>&1 || missing="$$missing $$cmd"; done; \
	[ -f /usr/lib/nginx/modules/ngx_rtmp_module.so ] || missing="$$missing rtmp-module"; \
	[ -x /usr/sbin/ngircd ] || missing="$$missing ngircd"; \
	if [ -z "$$missing" ]; then exit 0; fi; \
	if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then \
	  echo "installing the real-OBS test tier:$(SYSTEM_PACKAGES)"; \
	  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq \
	    --no-install-recommends $(SYSTEM_PACKAGES) >/dev/null; \
	else \
	  echo "real-OBS tests will be skipped: missing$$missing."; \
	  echo "install them with: sudo apt-get install --no-install-recommends $(SYSTEM_PACKAGES)"; \
	fi

obs32:
	@tests/bed/build-obs32-chroot "$(STREAMKIT_OBS32_ROOT)"

# The OBS 32 chroot, when STREAMKIT_OBS_VERSIONS names 32.
test-bed: system-deps
	@case ",$(STREAMKIT_OBS_VERSIONS)," in *,32,*) tests/bed/build-obs32-chroot "$(STREAMKIT_OBS32_ROOT)";; esac

demo: venv
	$(BIN)/streamkit demo

test: venv test-bed
	$(BIN)/ruff check streamkit tests benchmarks
	$(BIN)/python -m pytest $(PYTEST_ARGS)

lint: venv
	$(BIN)/ruff check streamkit tests benchmarks
	$(BIN)/ruff format --check streamkit tests benchmarks

bench: venv test-bed
	@status=0; for b in benchmarks/bench_*.py; do echo "== $$b"; $(BIN)/python $$b || status=1; done; \
	exit $$status

soak: venv
	$(BIN)/python benchmarks/soak_evening.py

clean:
	rm -rf $(VENV) .pytest_cache .ruff_cache .hypothesis
