# lima: build, demo, tests, benchmarks and the reproducible LIMA run.
# Finds a JDK 21+ by itself (bin/find-java); the default `java` here may be older.
SHELL := /bin/bash
JAVA_HOME := $(shell bin/find-java --home)
export JAVA_HOME
JAVA_MAJOR := $(shell $(JAVA_HOME)/bin/java -XshowSettings:properties -version 2>&1 | sed -n 's/^ *java.specification.version = //p')
# Maven's bundled Guava calls sun.misc.Unsafe; JDK 24+ warns about it on every build. Silence that noise only.
ifeq ($(shell [ "$(JAVA_MAJOR)" -ge 24 ] 2>/dev/null && echo yes),yes)
export MAVEN_OPTS += --sun-misc-unsafe-memory-access=allow
endif
COMMIT := $(shell git rev-parse --short HEAD 2>/dev/null || echo unknown)
MVN := mvn -B -q -Dlima.commit=$(COMMIT) -Dstyle.color=never
# Tests print Surefire's per-module summary ("Tests run: N, Failures: 0, ..."), so no -q there.
MVN_TEST := mvn -B --no-transfer-progress -Dlima.commit=$(COMMIT) -Dstyle.color=never \
  -Dorg.slf4j.simpleLogger.log.org.apache.maven.plugins.shade=warn
LIMA := bin/lima
OUT ?= out
# The Python of `lima train --engine fsdp` and its tests: a venv with python/requirements.txt (torch, numpy).
# `make venv` creates it once; afterwards it is a quick no-op (a stamp named by the requirements' hash).
LIMA_VENV ?= $(HOME)/.cache/lima/venv-torch2.7.1
LIMA_PYTHON := $(LIMA_VENV)/bin/python
VENV_STAMP := $(LIMA_VENV)/.lima-requirements-$(shell sha256sum python/requirements.txt 2>/dev/null | cut -c1-16)

.PHONY: build test test-all demo bench lima-data clean help venv FORCE experiments experiment-select experiment-ablations experiment-dialogue experiment-perplexity

help:
	@echo "make build     build everything, leaves bin/lima"
	@echo "make demo      run the main job on the bundled samples in data/samples/ (writes $(OUT)/demo)"
	@echo "make test      the default test suite (fast; real-data tests run when ../shared/real is there)"
	@echo "make test-all  every test, slow ones included"
	@echo "make venv      the Python venv of the fsdp engine (LIMA_VENV=$(LIMA_VENV))"
	@echo "make bench     benchmarks (prints figures; writes bench/out/)"
	@echo "make lima-data DUMPS=dir   the whole LIMA curation from raw files"
	@echo "make experiments [SCALE=tiny|full MODEL=dir DUMPS=dir JUDGE=url]   the paper's experiments (docs/experiments.md)"

# The jar is rebuilt only when a module's main sources, a pom, the Maven JVM config or the git commit changed, so
# a no-op `make build` (and every target that depends on it) takes a second, not a Maven run.
JAR := cli/target/lima.jar
JAR_INPUTS := pom.xml $(wildcard */pom.xml) $(wildcard .mvn/jvm.config) \
  $(shell find $(wildcard */src/main) -type f 2>/dev/null) cli/target/.commit-stamp

build: $(JAR)
	@echo "bin/lima is up to date (commit $$(cat cli/target/.commit-stamp))"

$(JAR): $(JAR_INPUTS)
	$(MVN) -DskipTests install
	@touch $@
	@echo "built: bin/lima ($$($(LIMA) --version | head -1))"

# Holds the commit the jar reports (lima --version, manifests); rewritten only when HEAD moves.
cli/target/.commit-stamp: FORCE
	@mkdir -p $(@D); [ "$$(cat $@ 2>/dev/null)" = "$(COMMIT)" ] || echo "$(COMMIT)" > $@

FORCE:

# The quick tiny experiment runs first (it needs the built jar), so that Surefire's summary closes the output.
test: venv build
	SCALE=tiny TINY_EPOCHS=2 bash data/experiments/run.sh perplexity $(OUT)/experiments-test/perplexity
	$(MVN_TEST) -Dlima.python=$(LIMA_PYTHON) install

test-all: venv build
	for e in $(EXPERIMENTS); do SCALE=tiny bash data/experiments/run.sh $$e $(OUT)/experiments-test/$$e || exit 1; done
	$(MVN_TEST) -Dlima.test.excludedGroups=none -Dlima.python=$(LIMA_PYTHON) install

venv: $(VENV_STAMP)

$(VENV_STAMP): python/requirements.txt
	@test -x $(LIMA_PYTHON) || python3 -m venv $(LIMA_VENV)
	$(LIMA_PYTHON) -m pip install --disable-pip-version-check --no-input -q -r python/requirements.txt
	@rm -f $(LIMA_VENV)/.lima-requirements-* && touch $@
	@echo "venv: $(LIMA_VENV) ($$($(LIMA_PYTHON) -c 'import torch; print("torch", torch.__version__)'))"

demo: build
	bash data/demo.sh $(OUT)/demo

bench: build
	bash bench/run.sh

lima-data: build
	@test -n "$(DUMPS)" || { echo "usage: make lima-data DUMPS=dir [OUT=out]"; exit 2; }
	bash data/lima-data.sh "$(DUMPS)" $(OUT)/lima-data

# The paper's experiments (docs/experiments.md): each writes OUT/experiments/NAME/{results.json,figure.png,figure.svg,report.md}.
# SCALE=tiny: the bundled samples, a tiny random model, a scripted plumbing-only judge, CPU, minutes.
# SCALE=full: MODEL= (base model folder), DUMPS= (raw dumps), JUDGE= (OpenAI-compatible URL; key from $$OPENAI_API_KEY).
EXPERIMENTS := select ablations dialogue perplexity
SCALE ?= tiny
experiments: $(addprefix experiment-,$(EXPERIMENTS))

$(addprefix experiment-,$(EXPERIMENTS)): experiment-%: build
	SCALE=$(SCALE) MODEL=$(MODEL) DUMPS=$(DUMPS) JUDGE=$(JUDGE) $(if $(JUDGE_MODEL),JUDGE_MODEL=$(JUDGE_MODEL)) \
	  bash data/experiments/run.sh $* $(OUT)/experiments/$*

clean:
	$(MVN) clean
	rm -rf $(OUT) bench/out
