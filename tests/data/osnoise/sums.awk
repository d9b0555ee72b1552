# Independent sums of a tracefs "trace" file's osnoise *_noise events, per
# CPU and event (all threads together, workload and idle included), for
# tests/unit/test_osnoise.c: prints "cpu event count total_ns max_ns".
/ (irq|softirq|thread|nmi)_noise: / {
	cpu = $0; sub(/^[^[]*\[/, "", cpu); sub(/\].*/, "", cpu); cpu += 0
	ev = $0; sub(/_noise: .*/, "", ev); sub(/.* /, "", ev)
	d = $0; sub(/.* duration /, "", d); sub(/ ns.*/, "", d); d += 0
	k = cpu " " ev
	n[k]++; t[k] += d; if (d > m[k]) m[k] = d
}
END { for (k in n) printf "%s %d %.0f %.0f\n", k, n[k], t[k], m[k] }
