# Atiende: the commands a contributor types. `make run` and `make test` work
# on a fresh Debian machine with only Go, git and make installed: what else
# they need (a C compiler, PostgreSQL, Chromium) is installed with apt-get
# when run as root, and named otherwise (`make doctor`).

SHELL := /bin/bash
.SHELLFLAGS := -eu -o pipefail -c
GO ?= go
BIN := bin/atiende

.PHONY: help doctor run stop test test-short build generate fmt lint check-generated deps-postgres deps-chromium migrate-new clean bench chaos

help:
	@echo "make doctor  list what make test and make run need and whether it is present"
	@echo "make run     start a local database, load the demo desk and serve on 127.0.0.1:8080"
	@echo "make stop    stop the local database started by make run"
	@echo "make test    vet, staticcheck, go.mod tidiness, dead code, format and generated-code checks, then every test with -race"
	@echo "make build   build $(BIN)"
	@echo "make fmt     format Go and templ sources"
	@echo "make chaos   fault injection: kill -9 and PostgreSQL crashes under load; counts lost and duplicated work"
	@echo "make bench   performance harness (BENCH_SCALE=small|medium|large, default medium); writes docs/benchmarks.md"

# --- dependencies ----------------------------------------------------------

# doctor lists what make test and make run need and whether each is present
# (cmd/devdb/doctor.sh). test, run and bench call it first with -install, which as
# root installs what is missing with apt-get and otherwise says what to install.
doctor:
	@cmd/devdb/doctor.sh test run

deps-postgres:
	@cmd/devdb/doctor.sh -install postgres

deps-chromium:
	@cmd/devdb/doctor.sh -install chromium

# --- build and run ---------------------------------------------------------

build:
	CGO_ENABLED=0 $(GO) build -trimpath -o $(BIN) ./cmd/atiende

# run uses DATABASE_URL (and ATIENDE_MIGRATION_DATABASE_URL) when set,
# otherwise a local cluster in .data/: migrations run as its owner role
# atiende_owner, the server as the ordinary role atiende.
#
# It listens on loopback only (127.0.0.1:8080, SMTP on 127.0.0.1:2525);
# ATIENDE_ADDR and ATIENDE_SMTP_ADDR choose other addresses or ports.
run:
	@cmd/devdb/doctor.sh -install run
	@$(MAKE) --no-print-directory build
	@export ATIENDE_ADDR="$${ATIENDE_ADDR:-127.0.0.1:8080}" ATIENDE_SMTP_ADDR="$${ATIENDE_SMTP_ADDR:-127.0.0.1:2525}"; \
	host="$$ATIENDE_ADDR"; case "$$host" in :* | 127.0.0.1:*) host="localhost:$${host##*:}" ;; esac; \
	export ATIENDE_BASE_URL="$${ATIENDE_BASE_URL:-http://$$host}"; \
	url="$${DATABASE_URL:-$$($(GO) run ./cmd/devdb start)}"; \
	if [ -z "$${DATABASE_URL:-}" ]; then \
		owner="$$($(GO) run ./cmd/devdb owner-url)"; export ATIENDE_MIGRATION_DATABASE_URL="$$owner"; \
	fi; \
	export DATABASE_URL="$$url"; \
	$(BIN) migrate up && $(BIN) demo && \
	echo "" && echo "Atiende: $$ATIENDE_BASE_URL/   (stop with Ctrl-C; 'make stop' stops the database)" && \
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
bench: deps-postgres build
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
	$(GO) tool templ generate -log-level warn

fmt:
	gofmt -w $$(git ls-files '*.go' | grep -v '_templ.go$$')
	$(GO) tool templ fmt web

lint:
	$(GO) vet ./...
	$(GO) tool staticcheck ./...
	$(GO) mod tidy -diff
	@# -test counts what tests call as used, so test helpers (pgtest) are
	@# not reported; deadcode exits 0 with findings, hence the check.
	@dead="$$($(GO) tool deadcode -test ./...)" || exit 1; \
	if [ -n "$$dead" ]; then echo "dead code:"; echo "$$dead"; exit 1; fi
	@unformatted="$$(gofmt -l $$(git ls-files '*.go' | grep -v '_templ.go$$'))"; \
	if [ -n "$$unformatted" ]; then echo "gofmt needed:"; echo "$$unformatted"; exit 1; fi

# check-generated fails when a .templ file was changed without regenerating.
check-generated:
	@$(GO) tool templ generate -log-level warn
	@if ! git diff --quiet -- '*_templ.go' || [ -n "$$(git ls-files --others --exclude-standard -- '*_templ.go')" ]; then \
		echo "templ generate changed generated files: run 'make generate' and commit them"; \
		git status --short -- '*_templ.go'; exit 1; fi

# test is what CI runs. Tests start their own throwaway PostgreSQL unless
# ATIENDE_TEST_DATABASE_URL names a server; they fail rather than skip when
# PostgreSQL or Chromium is missing. The two longest packages are named
# first so that they start first: go test runs packages in the order given,
# and the server's (browser tests) would otherwise start last of all.
test:
	@cmd/devdb/doctor.sh -install test
	@$(MAKE) --no-print-directory check-generated lint
	ATIENDE_REQUIRE_DB=1 ATIENDE_REQUIRE_BROWSER=1 $(GO) test -race -count=1 -timeout 12m ./internal/server ./internal/postgres ./...

test-short:
	$(GO) test -short ./...

migrate-new:
	@test -n "$(name)" || (echo "usage: make migrate-new name=add_something" >&2; exit 1)
	@n=$$(ls migrations/*.sql | wc -l); f=$$(printf "migrations/%05d_%s.sql" $$((n+1)) "$(name)"); \
	printf -- "-- +goose Up\n\n-- +goose Down\n" > $$f; echo "created $$f"

clean:
	rm -rf bin
