#!/usr/bin/env bash
# Fuzzes every parser of data that comes from outside (targets and what they reach:
# fuzz/README.md), one target after the other, one process each, corpora seeded from the
# recorded fixtures.
#   ./scripts/fuzz.sh                   each target for 600 s or 1 M executions, whichever first
#   ./scripts/fuzz.sh 120               each target for 120 s (or 1 M executions)
#   ./scripts/fuzz.sh --smoke           each target for a few seconds (CI)
#   ./scripts/fuzz.sh 600 html bundle   only the targets named
# Fails when a target finds a crash, a hang or an out-of-memory; the input that did it is in
# fuzz/artifacts/<target>/. A summary (executions, coverage, corpus) ends the run.
# cargo-fuzz is installed when missing. libFuzzer needs nightly compiler flags: on a stable
# toolchain RUSTC_BOOTSTRAP=1 lets rustc accept them.
set -euo pipefail
cd "$(dirname "$0")/.."

ALL_TARGETS=(inventory_linux inventory_packages inventory_windows inventory_macos inventory_import
  bundle html answers action_file)
SECONDS_PER_TARGET=600
MAX_RUNS=1000000
SMOKE=0
if [[ ${1:-} == --smoke ]]; then
  SECONDS_PER_TARGET=5
  SMOKE=1
  shift
elif [[ ${1:-} =~ ^[0-9]+$ ]]; then
  SECONDS_PER_TARGET=$1
  shift
fi
TARGETS=("$@")
[[ ${#TARGETS[@]} -gt 0 ]] || TARGETS=("${ALL_TARGETS[@]}")

command -v cargo-fuzz >/dev/null || cargo install cargo-fuzz --locked
export RUSTC_BOOTSTRAP=1
# Debug assertions (and with them overflow checks) on: an arithmetic overflow is a finding.
FUZZ_FLAGS=(--debug-assertions)
# The smoke (CI) builds without AddressSanitizer: the project's code is safe Rust (unsafe is
# denied), so a panic or an overflow is what a few seconds can find, and an ASan build of the
# eight targets costs about 18 CPU-minutes. The real runs keep ASan for the dependencies.
[[ $SMOKE == 1 ]] && FUZZ_FLAGS+=(--sanitizer none)

INV=crates/guichet-inventory/tests/fixtures
SEEDS=fuzz/seeds
# The same GLPI Agent fixtures as third-party/, when a checkout of them sits beside the project.
AGENT_DIRS=(third-party/glpi-agent-fixtures/resources)
[[ -d ../shared/fixtures/glpi-agent/resources ]] && AGENT_DIRS+=(../shared/fixtures/glpi-agent/resources)

# seed TARGET SELECTOR FILE...: each file becomes a corpus input, the selector byte (which
# parser of the target) before its bytes. READMEs, missing files and files over 64 KiB (whose
# size would become libFuzzer's input length, slowing every mutation) are skipped.
seed() {
  local target=$1 selector=$2 f
  shift 2
  for f in "$@"; do
    [[ -f $f && $(wc -c <"$f") -le 65536 ]] || continue
    case $(basename "$f") in README*) continue ;; esac
    seed_as "$target" "$selector" "$(printf '%s' "${f#../}" | tr '/' '_')" "$f"
  done
}

# seed_as TARGET SELECTOR NAME FILE: one corpus input.
seed_as() {
  mkdir -p "fuzz/corpus/$1"
  { printf "\\$(printf '%03o' "$2")"; cat "$4"; } >"fuzz/corpus/$1/seed-$2-$3"
}

# agent PATTERN...: the files matching PATTERN in every GLPI Agent fixture folder.
agent() {
  local d p
  for d in "${AGENT_DIRS[@]}"; do
    for p in "$@"; do
      compgen -G "$d/$p" || true
    done
  done
}

# committed TARGET: the hand-written seeds of fuzz/seeds/TARGET, named <selector>-<name>.
committed() {
  local f sel
  for f in "$SEEDS/$1"/*; do
    [[ -f $f ]] || continue
    sel=$(basename "$f")
    seed "$1" "${sel%%-*}" "$f"
  done
}

# A bundle of each kind from the committed payloads: real sizes and digests, a signature of the
# right shape that does not verify (the unverified read goes on, the real one stops there).
seed_bundle() {
  local dir kind
  dir=$(mktemp -d)
  for kind in outgoing return; do
    rm -rf "${dir:?}/b" && mkdir -p "$dir/b/blobs"
    cp "$SEEDS"/bundle/?-"$kind"-payload.json "$dir/b/payload.json"
    printf 'hello\n' >"$dir/b/blobs/5891b5b522d5df086d0ff0b110fbd9d21bb4fc7163af34d08286a2e846f6be03"
    (cd "$dir/b" && bundle_manifest "$kind" "$(seed_counts "$kind")" payload.json blobs/* >manifest.json)
    printf '%0128d\n' 0 >"$dir/b/manifest.sig"
    (cd "$dir/b" && tar --format=ustar --owner=0 --group=0 --mtime=@0 -cf ../bundle.tar \
      manifest.json manifest.sig payload.json blobs/*)
    seed_as bundle 0 "$kind.tar" "$dir/bundle.tar"
    seed_as bundle 1 "$kind.tar" "$dir/bundle.tar"
    seed_as bundle 2 "$kind-manifest.json" "$dir/b/manifest.json"
  done
  rm -rf "$dir"
}

# seed_counts KIND: the counts of the committed payload of that kind (the reader refuses a
# manifest whose counts are not its payload's, and would stop there).
seed_counts() {
  case $1 in
    outgoing) printf '"tickets":1,"replies":1,"inventories":0,"site_changes":1,"entries":2,"articles":0' ;;
    return) printf '"tickets":1,"replies":1,"inventories":0,"site_changes":0,"entries":1,"articles":1' ;;
  esac
}

# bundle_manifest KIND COUNTS MEMBER...: the manifest of a bundle listing the members (current
# folder); COUNTS are its counts but for blobs, which are the members under blobs/.
bundle_manifest() {
  local kind=$1 counts=$2 sep="" m
  shift 2
  printf '{"format":"guichet-bundle","version":1,"kind":"%s",' "$kind"
  printf '"bundle_uuid":"0e1c2a4e-0b1d-4c8e-9a51-1e2f3a4b5c6d","source_deviceid":"pc-01",'
  printf '"recipient_deviceid":null,"created_at":"2026-11-23T15:00:00Z",'
  printf '"public_key":"%064d","counts":{%s,"blobs":1},"entries":[' 0 "$counts"
  for m in "$@"; do
    printf '%s{"path":"%s","size":%s,"sha256":"%s"}' "$sep" "$m" "$(wc -c <"$m" | tr -d ' ')" \
      "$(sha256sum "$m" | cut -d' ' -f1)"
    sep=","
  done
  printf ']}'
}

seed_corpora() {
  local t
  for t in "${ALL_TARGETS[@]}"; do committed "$t"; done
  # shellcheck disable=SC2046 # file lists split on purpose (fixture names have no spaces)
  {
    seed inventory_linux 0 $(agent 'linux/proc/cpuinfo/*') $INV/virt/cpuinfo
    seed inventory_linux 1 $(agent 'generic/dmidecode/*' 'generic/dmidecode/*/*')
    seed inventory_linux 2 $INV/ip_json/*.json
    seed inventory_linux 3 $INV/udev/*
    seed inventory_linux 4 $INV/lspci/* $(agent 'generic/lspci/*')
    seed inventory_linux 5 $INV/meminfo/*
    seed inventory_linux 6 $INV/mountinfo/*
    seed inventory_linux 7 $INV/proc_net/*
    seed inventory_linux 8 $(agent 'linux/distro/os-release-*')
    seed inventory_linux 10 $INV/passwd/*
    seed inventory_linux 11 $INV/firewall/*
    seed inventory_linux 12 $(agent 'generic/edid/*') $INV/clamav/*
    seed inventory_linux 13 $INV/pci_ids/* $INV/usb_ids/*
    seed inventory_linux 15 $INV/virt/*
    seed inventory_packages 0 $INV/dpkg/status
    seed inventory_packages 1 $(agent 'linux/packaging/dpkg')
    seed inventory_packages 2 $(agent 'linux/packaging/rpm')
    seed inventory_packages 3 $INV/pacman/local/*/desc
    seed inventory_packages 4 $INV/snap/* $(agent 'linux/packaging/snap_*')
    seed inventory_packages 5 $(agent 'linux/packaging/flatpak*')
    seed inventory_packages 7 $(agent 'linux/packaging/nix')
    seed inventory_windows 0 $(agent 'win32/registry/*.reg')
    seed inventory_windows 1 $(agent 'win32/wmi/*.wmi')
    seed inventory_windows 2 $(agent 'win32/wmi/*Win32_OperatingSystem.wmi')
    seed inventory_macos 0 $(agent 'macos/system_profiler/1*' 'macos/system_profiler/charging-*' \
      'macos/system_profiler/sample?.SPApplicationsDataType')
    seed inventory_macos 1 $(agent 'macos/system_profiler/*.xml' 'macos/system_profiler/*-xml')
    seed inventory_macos 2 $(agent 'macos/system_profiler/sample1.SPApplicationsDataType')
    seed inventory_import 0 $INV/import/*.xml third-party/glpi-inventory-format/examples/*.json
    seed inventory_import 1 $INV/import/*.xml
    seed inventory_import 2 third-party/glpi-inventory-format/examples/*.json
  }
  seed_bundle
}

seed_corpora
echo "== building the fuzz targets" >&2
cargo fuzz build "${FUZZ_FLAGS[@]}"

mkdir -p fuzz/logs
failed=()
summary=()
for t in "${TARGETS[@]}"; do
  echo "== fuzzing $t (${SECONDS_PER_TARGET} s or ${MAX_RUNS} runs)" >&2
  log=fuzz/logs/$t.log
  start=$(date +%s)
  # One job in one worker process; its output goes to fuzz-0.log in the current folder.
  rm -f fuzz-0.log
  status=0
  nice -n 10 cargo fuzz run "${FUZZ_FLAGS[@]}" "$t" "$PWD/fuzz/corpus/$t" -- \
    -jobs=1 -workers=1 -max_total_time="$SECONDS_PER_TARGET" -runs="$MAX_RUNS" \
    -rss_limit_mb=2048 -timeout=10 -print_final_stats=1 >"$log" 2>&1 || status=$?
  if [[ -f fuzz-0.log ]]; then cat fuzz-0.log >>"$log" && rm -f fuzz-0.log; fi
  seconds=$(($(date +%s) - start))
  last=$(grep -E '^#[0-9]+' "$log" | tail -n 1 || true)
  execs=$(grep -oE 'stat::number_of_executed_units: [0-9]+' "$log" | tail -n 1 | grep -oE '[0-9]+$' || true)
  cov=$(grep -oE 'cov: [0-9]+' <<<"$last" | grep -oE '[0-9]+' || true)
  ft=$(grep -oE 'ft: [0-9]+' <<<"$last" | grep -oE '[0-9]+' || true)
  corpus=$(find "fuzz/corpus/$t" -type f | wc -l)
  summary+=("$(printf '%-20s %10s %6ss %6s %7s %7s' "$t" "${execs:-?}" "$seconds" "${cov:-?}" "${ft:-?}" "$corpus")")
  if [[ $status -ne 0 ]] || grep -qE '^(==[0-9]+== ?ERROR|SUMMARY: libFuzzer)|deadly signal|Test unit written' "$log"; then
    failed+=("$t")
    echo "!! $t found a problem: see $log and fuzz/artifacts/$t/" >&2
    tail -n 40 "$log" >&2
  fi
done

printf '%-20s %10s %7s %6s %7s %7s\n' target executions time cov ft corpus
printf '%s\n' "${summary[@]}"
if [[ ${#failed[@]} -gt 0 ]]; then
  echo "fuzzing found problems in: ${failed[*]}" >&2
  exit 1
fi
