#!/bin/bash
# Objective for examples/shell/hpo.yaml: error = (x-0.3)^2 + (y+1)^2.
# Usage (by hpo-run): objective.sh X Y   with HPO_RESULT set by the runner.
# Writes {"error": v} atomically: temporary file in the result's folder, then mv
# (a rename on the same file system), so the runner never reads half a file.
set -eu
export LC_ALL=C   # decimal point, whatever the user's locale

if [ "$#" -ne 2 ]; then
    echo "usage: $0 X Y" >&2
    exit 2
fi
: "${HPO_RESULT:?objective.sh: HPO_RESULT is not set: run this script through hpo-run or set it}"

number='^[-+]?([0-9]+\.?[0-9]*|\.[0-9]+)([eE][-+]?[0-9]+)?$'
for v in "$1" "$2"; do
    if ! [[ $v =~ $number ]]; then
        echo "objective.sh: not a number: '$v'" >&2
        exit 2
    fi
done

# awk prints the whole JSON object; %.17g round-trips doubles and is valid JSON
# for finite values (".5" or "+1" from argv would not be, hence no echo of $1/$2).
json=$(awk -v x="$1" -v y="$2" 'BEGIN {
    x += 0; y += 0
    v = (x - 0.3) ^ 2 + (y + 1) ^ 2
    printf "{\"error\": %.17g, \"x\": %.17g, \"y\": %.17g}\n", v, x, y
}')
case $json in
    *[Nn][Aa][Nn]* | *[Ii][Nn][Ff]*)
        echo "objective.sh: result is not finite: $json" >&2
        exit 1 ;;
esac

tmp="$HPO_RESULT.tmp.$$"
trap 'rm -f "$tmp"' EXIT
printf '%s\n' "$json" > "$tmp"
sync "$tmp" 2>/dev/null || true   # fsync (coreutils >= 8.24); best effort
mv -f "$tmp" "$HPO_RESULT"
trap - EXIT
