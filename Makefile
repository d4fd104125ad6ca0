# Atiende: the commands a contributor types. `make run` and `make test` work
# on a fresh Debian machine with only Go installed: missing PostgreSQL and
# Chromium are installed with apt-get when run as root.

SHELL := /bin/bash
.SHELLFLAGS := -eu -o pipefail -c
GO ?= go
BIN := bin/atiende
PG_BINS := $(firstword $(wildcard /usr/lib/postgresql/*/bin/initdb) $(shell command -v initdb 2>/dev/null))
CHROMIUM := $(firstword $(shell command -v chromium chromium-browser 2>/dev/null))

.PHONY: help run stop test test-short build generate fmt lint check-generated deps-postgres deps-chromium migrate-new clean bench chaos

help:
	@echo "make run     start a local database, load the demo desk and serve on :8080"
	@echo "make stop    stop the local database started by make run"
	@echo "make test    vet, staticcheck, format and generated-code checks, then every test with -race"
	@echo "make build   build $(BIN)"
	@echo "make fmt     format Go and templ sources"
	@echo "make chaos   fault injection: kill -9 and PostgreSQL crashes under load; counts lost and duplicated work"
	@echo "make bench   performance harness (BENCH_SCALE=small|medium|large, default medium); writes docs/benchmarks.md"

# --- dependencies ----------------------------------------------------------

deps-postgres:
	@if [ -z "$(PG_BINS)" ]; then \
		if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null; then \
			echo "Installing PostgreSQL with apt-get…"; \
			apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq postgresql postgresql-contrib >/dev/null; \
		else \
			echo "PostgreSQL is not installed: run 'sudo apt-get install postgresql' (or set DATABASE_URL)." >&2; exit 1; \
		fi; \
	fi

deps-chromium:
	@if [ -z "$(CHROMIUM)" ]; then \
		if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null; then \
			echo "Installing Chromium with apt-get…"; \
			apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium fonts-dejavu-core >/dev/null; \
		else \
			echo "Chromium is not installed: run 'sudo apt-get install chromium'." >&2; exit 1; \
		fi; \
	fi

# --- build and run ---------------------------------------------------------

build:
	CGO_ENABLED=0 $(GO) build -trimpath -o $(BIN) ./cmd/atiende

# run uses DATABASE_URL (and ATIENDE_MIGRATION_DATABASE_URL) when set,
# otherwise a local cluster in .data/: migrations run as its owner role
# atiende_owner, the server as the ordinary role atiende.
run: build
	@if [ -z "$${DATABASE_URL:-}" ]; then $(MAKE) --no-print-directory deps-postgres; fi
	@url="$${DATABASE_URL:-$$($(GO) run ./cmd/devdb start)}"; \
	if [ -z "$${DATABASE_URL:-}" ]; then \
		owner="$$($(GO) run ./cmd/devdb owner-url)"; export ATIENDE_MIGRATION_DATABASE_URL="$$owner"; \
	fi; \
	export DATABASE_URL="$$url"; \
	$(BIN) migrate up && $(BIN) demo && \
	echo "" && echo "Atiende: http://localhost:8080/   (stop with Ctrl-C; 'make stop' stops the database)" && \
	exec $(BIN) serve

stop:
	$(GO) run ./cmd/devdb stop

# --- performance -----------------------------------------------------------

# bench generates a help desk at BENCH_SCALE in its own PostgreSQL
# (.data/bench, never the demo database), serves it with atiende serve and
# drives load from a second process (bin/benchload), then writes
# docs/benchmarks.md. The data is generated once per scale and schema and
# cloned for every run (BENCH_REGEN=1 generates it again). BENCH_STEP sets
# each measurement's length (default 5s); BENCH_PPROF=1 also saves CPU
# profiles of the server under docs/bench/.
BENCH_SCALE ?= medium
bench: build deps-postgres
	CGO_ENABLED=0 $(GO) build -trimpath -o bin/bench ./cmd/bench
	CGO_ENABLED=0 $(GO) build -trimpath -o bin/benchload ./cmd/benchload
	bin/bench run -scale $(BENCH_SCALE) -atiende $(BIN) -driver bin/benchload -out docs/benchmarks.md

# --- fault injection -------------------------------------------------------

# chaos runs atiende over its own durable PostgreSQL cluster while killing
# the server (SIGKILL) and crashing PostgreSQL (immediate stop) under
# concurrent portal tickets, inbound mail and outbound notifications; it
# prints tried / acknowledged / lost / duplicated and fails on any loss or
# duplicate. About three minutes; CHAOS_ARGS passes flags (-duration,
# -fault-every, -portal, -mailers, -v). Not part of make test: it takes
# longer than a minute.
CHAOS_ARGS ?=
chaos: build deps-postgres
	$(GO) run ./cmd/chaos -atiende $(BIN) $(CHAOS_ARGS)

# --- quality gates ---------------------------------------------------------

generate:
	$(GO) tool templ generate

fmt:
	gofmt -w $$(git ls-files '*.go' | grep -v '_templ.go$$')
	$(GO) tool templ fmt web

lint:
	$(GO) vet ./...
	$(GO) tool staticcheck ./...
	@unformatted="$$(gofmt -l $$(git ls-files '*.go' | grep -v '_templ.go$$'))"; \
	if [ -n "$$unformatted" ]; then echo "gofmt needed:"; echo "$$unformatted"; exit 1; fi

# check-generated fails when a .templ file was changed without regenerating.
check-generated:
	@$(GO) tool templ generate >/dev/null
	@if ! git diff --quiet -- '*_templ.go' || [ -n "$$(git ls-files --others --exclude-standard -- '*_templ.go')" ]; then \
		echo "templ generate changed generated files: run 'make generate' and commit them"; \
		git status --short -- '*_templ.go'; exit 1; fi

# test is what CI runs. Tests start their own throwaway PostgreSQL unless
# ATIENDE_TEST_DATABASE_URL names a server; they fail rather than skip when
# PostgreSQL or Chromium is missing.
test: deps-postgres deps-chromium check-generated lint
	ATIENDE_REQUIRE_DB=1 ATIENDE_REQUIRE_BROWSER=1 $(GO) test -race -count=1 -timeout 12m ./...

test-short:
	$(GO) test -short ./...

migrate-new:
	@test -n "$(name)" || (echo "usage: make migrate-new name=add_something" >&2; exit 1)
	@n=$$(ls migrations/*.sql | wc -l); f=$$(printf "migrations/%05d_%s.sql" $$((n+1)) "$(name)"); \
	printf -- "-- +goose Up\n\n-- +goose Down\n" > $$f; echo "created $$f"

clean:
	rm -rf bin
