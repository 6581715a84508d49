#!/usr/bin/env bash
# Time each step of a large run, one command at a time, under /usr/bin/time -v:
# synthesis (when the extract is missing), reading the extract as CSV and
# as Parquet (benchmarks/extract2parquet converts it), training (Skip-Gram
# and CBOW co-trained with CCSR, Skip-Gram on codes only; one epoch at
# dimension 100, two threads) and the evaluation with outcomes.
# Prints one markdown row per step: the step, its wall time, its peak
# resident memory and the command.
#
#   benchmarks/scale.sh HIERVEC DIR PATIENTS [STEP...]
#
# STEP is any of synth inspect parquet inspect-parquet sgco cbowco sg
# evaluate (default: all, in that order; parquet converts the extract,
# inspect-parquet reads the result; evaluate scores the vectors of the
# last training step that ran, sg_co.json when none did). DIR receives the
# extract (about 480 bytes a patient), the vectors and each step's
# /usr/bin/time output (DIR/STEP.time), standard output (DIR/STEP.out) and
# time-stamped standard error (DIR/STEP.err).
# Large runs take a long time: start it with nohup and read the rows as
# they come.
set -euo pipefail

if (($# < 3)); then
	echo "usage: $0 HIERVEC DIR PATIENTS [STEP...]" >&2
	exit 2
fi
bin=$1 dir=$2 patients=$3
shift 3
steps=("$@")
if ((${#steps[@]} == 0)); then
	steps=(synth inspect parquet inspect-parquet sgco cbowco sg evaluate)
fi
root=$(cd "$(dirname "$0")/.." && pwd)
mkdir -p "$dir"
x=$dir/extract.csv c=$dir/ccsr.csv o=$dir/outcomes.csv pq=$dir/extract.parquet
vectors=$dir/sg_co.json
train=(train -input "$x" -ccsr "$c" -dim 100 -epochs 1 -threads 2)

echo "| step | wall | peak RSS | command |"
echo "|---|---:|---:|---|"
for s in "${steps[@]}"; do
	case $s in
	synth)
		if [[ -e $x ]]; then
			continue
		fi
		cmd=(synth -patients "$patients" -seed 1 -out "$x" -ccsr-out "$c" -outcomes-out "$o")
		;;
	inspect) cmd=(inspect -input "$x") ;;
	parquet)
		(cd "$root" && go build -o "$dir/extract2parquet" ./benchmarks/extract2parquet)
		/usr/bin/time -v -o "$dir/$s.time" "$dir/extract2parquet" "$x" "$pq" >"$dir/$s.out"
		wall=$(sed -n 's/.*Elapsed (wall clock) time (h:mm:ss or m:ss): //p' "$dir/$s.time")
		kb=$(sed -n 's/.*Maximum resident set size (kbytes): //p' "$dir/$s.time")
		printf '| %s | %s | %s KB (%.2f GiB) | `go run ./benchmarks/extract2parquet %s %s` |\n' "$s" "$wall" "$kb" "$(echo "$kb / 1048576" | bc -l)" "$x" "$pq"
		continue
		;;
	inspect-parquet) cmd=(inspect -input "$pq") ;;
	sgco) vectors=$dir/sg_co.json; cmd=("${train[@]}" -cotrain -model sg -out "$vectors") ;;
	cbowco) vectors=$dir/cbow_co.json; cmd=("${train[@]}" -cotrain -model cbow -out "$vectors") ;;
	sg) vectors=$dir/sg.json; cmd=("${train[@]}" -model sg -out "$vectors") ;;
	evaluate) cmd=(evaluate -embeddings "$vectors" -ccsr "$c" -outcomes "$o" -input "$x" -quiet) ;;
	*)
		echo "$0: unknown step $s (want synth, inspect, parquet, inspect-parquet, sgco, cbowco, sg or evaluate)" >&2
		exit 2
		;;
	esac
	# Standard error, time-stamped, says when each phase (reading, the
	# view, training, writing) ended.
	/usr/bin/time -v -o "$dir/$s.time" "$bin" "${cmd[@]}" >"$dir/$s.out" \
		2> >(while IFS= read -r l; do printf '%s %s\n' "$(date +%T.%N | cut -c1-12)" "$l"; done >"$dir/$s.err")
	wall=$(sed -n 's/.*Elapsed (wall clock) time (h:mm:ss or m:ss): //p' "$dir/$s.time")
	kb=$(sed -n 's/.*Maximum resident set size (kbytes): //p' "$dir/$s.time")
	printf '| %s | %s | %s KB (%.2f GiB) | `hiervec %s` |\n' "$s" "$wall" "$kb" "$(echo "$kb / 1048576" | bc -l)" "${cmd[*]}"
done
