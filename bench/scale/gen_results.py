#!/usr/bin/python3
"""Writes N finished trials of the seed's MLP space straight into a campaign's results/
folder, in the record format hpo-run writes (trial_id, state, config, attempt, history,
the metric, additional_info with start/end times, host, logs), about 18,000 files/s here: plain
writes, no fsync, records built by string formatting (the benchmark times the readers,
not this). Trials start in waves of --concurrency; a seeded RNG makes it repeatable.

  gen_results.py --dir CAMPAIGN --n 100000 [--start 0] [--seed 42]
"""
import argparse
import json
import math
import os
import random

HIDDEN = ["[1024,512,256]", "[2048,1024,512]"]


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--dir", required=True, help="campaign directory (made by hpo-submit)")
    ap.add_argument("--n", type=int, required=True)
    ap.add_argument("--start", type=int, default=0, help="first trial id")
    ap.add_argument("--seed", type=int, default=42)
    ap.add_argument("--concurrency", type=int, default=64)
    args = ap.parse_args()
    results = os.path.join(args.dir, "results")
    os.makedirs(results, exist_ok=True)
    rng = random.Random(args.seed * 1000003 + args.start)
    t0 = 1.7e9
    trials = os.path.join(args.dir, "trials")
    for i in range(args.start, args.start + args.n):
        lr = 10 ** rng.uniform(-4, -2)
        wd = 10 ** rng.uniform(-5, -3)
        batch = rng.choice((32, 64, 128))
        epochs = rng.choice((50, 100))
        hidden = rng.choice(HIDDEN)
        # The same made-up valley as tests/e2e/report_objective.sh.
        err = (0.06 + 0.03 * (math.log10(lr) + 2.6) ** 2 + 0.008 * (math.log10(wd) + 4.2) ** 2
               - 0.008 * (hidden == HIDDEN[1]) + 0.004 * math.log2(batch / 32) + rng.gauss(0, 0.004))
        wave, slot = divmod(i, args.concurrency)
        start = t0 + wave * 60.0 + slot * 0.3
        dur = epochs * (0.4 + 0.2 * rng.random())
        end = start + dur
        tdir = "%s/trial_%d" % (trials, i)
        rec = ('{"additional_info":{"attempt":1,"end_time":%.6f,"exit_code":0,"host":"node%03d",'
               '"restart_count":0,"start_time":%.6f,"stderr":%s,"stdout":%s,"training_time":%.6f},'
               '"attempt":1,"config":{"batch_size":%d,"hidden_sizes":%s,"input_size":3883,"lr":%r,'
               '"max_epochs":%d,"output_size":214,"weight_decay":%r},"error":%r,"history":[],'
               '"state":"finished","trial_id":%d}\n') % (
            end, slot, start, json.dumps(tdir + "/stderr.log"), json.dumps(tdir + "/stdout.log"),
            dur, batch, hidden, lr, epochs, wd, err, i)
        fd = os.open(os.path.join(results, "trial_%d.json" % i), os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o644)
        os.write(fd, rec.encode())
        os.close(fd)


if __name__ == "__main__":
    main()
