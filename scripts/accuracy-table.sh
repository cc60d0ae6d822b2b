#!/usr/bin/env bash
# Trains the reference mlp (784-256-256-10, batch 128, 2,000 steps, full Fashion-MNIST) with every rule,
# and the default convnet with sgdm, two runs at a time (one libtorch thread each), and prints the
# README's accuracy table in Markdown.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
lrid="$root/bin/lrid"
out="$(mktemp -d)"
"$lrid" rules >/dev/null # build once before the parallel runs
jobs=()
for rule in $("$lrid" rules --json | python3 -c 'import json,sys; print(" ".join(r["rule"] for r in json.load(sys.stdin)))'); do
  jobs+=("--rule $rule")
done
jobs+=("--rule sgdm --arch convnet")
printf '%s\n' "${jobs[@]}" | xargs -P 2 -I{} sh -c "\"$lrid\" train {} --steps 2000 --batch-size 128 --seed 0 --json --quiet | tail -1 > \"$out/\$(echo {} | tr ' -' '__').json\""
echo "| rule | arch | held-out accuracy | final batch loss | steps/s (1 thread, 2 runs at once) |"
echo "|---|---|---|---|---|"
for f in "$out"/*.json; do
  python3 - "$f" <<'PY'
import json, sys
d = json.load(open(sys.argv[1]))
acc = "diverged" if d["diverged"] else f'{d["test_accuracy"]:.4f}'
print(f'| {d["rule"]} | {d["arch"]} | {acc} | {d["final_loss"]:.3f} | {d["steps_per_second"]:.0f} |')
PY
done | sort -t'|' -k3,3 -k2,2
rm -rf "$out"
