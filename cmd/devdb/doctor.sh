#!/usr/bin/env bash
# doctor lists what `make test`, `make run` and `make bench` need from the
# machine and whether each is present. With -install, run as root on a
# system with apt-get, it installs what is missing first; otherwise it says
# exactly what to install and fails.
#
#   cmd/devdb/doctor.sh [-install] [need...]
#
# Needs: go git cc postgres chromium tzdata; the groups test, run and bench
# name the needs of those targets (the default is all of them). The README
# assumes only Go, git and make; everything else is checked here so a
# missing install step shows up before a long build, not after it.
set -euo pipefail
cd "$(dirname "$0")/../.."

install=0
if [ "${1:-}" = "-install" ]; then install=1; shift; fi
[ $# -gt 0 ] || set -- test run

needs=()
local_db=0 # whether some target needs a local PostgreSQL whatever the environment
for arg in "$@"; do
	case "$arg" in
	test)
		needs+=(go git cc postgres chromium tzdata)
		[ -n "${ATIENDE_TEST_DATABASE_URL:-}" ] || local_db=1 ;;
	run)
		needs+=(go postgres tzdata)
		[ -n "${DATABASE_URL:-}" ] || local_db=1 ;;
	bench | postgres) needs+=(go postgres); local_db=1 ;;
	go | git | cc | chromium | tzdata) needs+=("$arg") ;;
	*) echo "doctor: unknown need $arg (test, run, bench, go, git, cc, postgres, chromium, tzdata)" >&2; exit 2 ;;
	esac
done
# Keep the first mention of each need, in order.
mapfile -t needs < <(printf '%s\n' "${needs[@]}" | awk '!seen[$0]++')


go_wanted="$(awk '$1 == "go" { print $2; exit }' go.mod)"

# version_ge A B reports whether dotted version A >= B.
version_ge() {
	[ "$(printf '%s\n%s\n' "$2" "$1" | sort -V | head -n1)" = "$2" ]
}

# check NEED prints "what|where" when present and fails otherwise.
check() {
	case "$1" in
	go)
		command -v go >/dev/null || return 1
		local v
		v="$(go env GOVERSION 2>/dev/null)"; v="${v#go}"
		version_ge "$v" "$go_wanted" || return 1
		echo "Go $v|$(command -v go)" ;;
	git)
		command -v git >/dev/null || return 1
		echo "git|$(command -v git)" ;;
	cc)
		# go test -race needs cgo, and cgo needs a C compiler and the C
		# library's headers; without them Go quietly sets CGO_ENABLED=0.
		local cc
		cc="$(go env CC 2>/dev/null || echo gcc)"
		command -v "$cc" >/dev/null || return 1
		[ -e /usr/include/stdlib.h ] || return 1
		echo "C compiler for -race|$(command -v "$cc")" ;;
	postgres)
		local initdb
		initdb="$(command -v initdb 2>/dev/null || true)"
		[ -n "$initdb" ] || initdb="$(ls /usr/lib/postgresql/*/bin/initdb 2>/dev/null | sort -V | tail -n1)"
		[ -n "$initdb" ] || return 1
		# As root the server runs as the postgres system user.
		if [ "$(id -u)" = 0 ]; then id postgres >/dev/null 2>&1 || return 1; fi
		echo "PostgreSQL server|$initdb" ;;
	chromium)
		# The tests prefer the headless shell (lighter: see chromiumPath in
		# internal/server) and run on the full browser when it is all there is.
		local c
		c="$(command -v chromium-headless-shell chromium chromium-browser 2>/dev/null | head -n1 || true)"
		[ -n "$c" ] || return 1
		echo "Chromium (browser tests)|$c" ;;
	tzdata)
		[ -e /usr/share/zoneinfo/America/Mexico_City ] || return 1
		echo "time zone data|/usr/share/zoneinfo" ;;
	esac
}

# package NEED is the Debian package that provides it.
package() {
	case "$1" in
	git) echo git ;;
	cc) echo "gcc libc6-dev" ;;
	postgres) echo "postgresql postgresql-contrib" ;;
	chromium) echo "chromium-headless-shell fonts-dejavu-core" ;;
	tzdata) echo tzdata ;;
	esac
}

label() {
	case "$1" in
	go) echo "Go $go_wanted or newer" ;;
	git) echo "git" ;;
	cc) echo "C compiler for -race (cgo)" ;;
	postgres) echo "PostgreSQL server" ;;
	chromium) echo "Chromium (browser tests)" ;;
	tzdata) echo "time zone data" ;;
	esac
}

# skip reports whether an external database (DATABASE_URL for run,
# ATIENDE_TEST_DATABASE_URL for test) makes the local PostgreSQL unneeded.
skip() {
	[ "$1" = postgres ] && [ "$local_db" = 0 ]
}

missing=()
report() {
	missing=()
	for n in "${needs[@]}"; do
		local out
		if skip "$n"; then
			printf '  %-8s %-28s %s\n' "skip" "$(label "$n")" "not needed: an external database is set"
		elif out="$(check "$n")"; then
			printf '  %-8s %-28s %s\n' "ok" "${out%%|*}" "${out#*|}"
		else
			missing+=("$n")
			if [ "$n" = go ]; then
				printf '  %-8s %-28s %s\n' "missing" "$(label "$n")" "install it from https://go.dev/dl/ (found: $(go env GOVERSION 2>/dev/null || echo none))"
			else
				printf '  %-8s %-28s %s\n' "missing" "$(label "$n")" "apt-get install $(package "$n")"
			fi
		fi
	done
}

if [ $# -eq 1 ]; then
	echo "doctor: what make $1 needs"
else
	echo "doctor: what make $(printf '%s, make ' "${@:1:$#-1}")${*: -1} need" | sed 's/, make \([^,]*\) need$/ and make \1 need/'
fi
report
[ ${#missing[@]} -gt 0 ] || exit 0

pkgs=()
for n in "${missing[@]}"; do
	[ "$n" = go ] || pkgs+=($(package "$n"))
done
if [ "$install" = 1 ] && [ ${#pkgs[@]} -gt 0 ] && [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
	echo "doctor: installing ${pkgs[*]} with apt-get…"
	export DEBIAN_FRONTEND=noninteractive
	apt-get update -qq
	apt-get install -y -qq "${pkgs[@]}" >/dev/null
	echo "doctor: after installing"
	report
	[ ${#missing[@]} -gt 0 ] || exit 0
fi

echo >&2
if [ ${#pkgs[@]} -gt 0 ]; then
	echo "doctor: missing; install with: sudo apt-get install ${pkgs[*]}" >&2
	echo "        (make test and make run do this themselves when run as root)" >&2
fi
for n in "${missing[@]}"; do
	[ "$n" != go ] || echo "doctor: Go $go_wanted or newer is needed: https://go.dev/dl/" >&2
done
exit 1
