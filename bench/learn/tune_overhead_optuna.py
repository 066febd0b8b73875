"""Optuna 3.1's ask() latency, the peer of bench/learn/tune-overhead.ts (run by it; prints JSON).

A trial's sampling in Optuna happens in study.ask() (relative/multivariate) and in the suggest_float
calls (independent), so both are timed together, as Keel's ask() returns all parameters at once.
Usage: /usr/bin/python3 bench/learn/tune_overhead_optuna.py <trials> <checkpoints,...> <seeds>
"""
import json
import sys
import time
import warnings

import numpy as np
import optuna

optuna.logging.set_verbosity(optuna.logging.ERROR)
warnings.filterwarnings("ignore")

A = np.array([[10, 3, 17, 3.5, 1.7, 8], [0.05, 10, 17, 0.1, 8, 14], [3, 3.5, 1.7, 10, 17, 8], [17, 8, 0.05, 10, 0.1, 14]])
P = 1e-4 * np.array(
    [[1312, 1696, 5569, 124, 8283, 5886], [2329, 4135, 8307, 3736, 1004, 9991],
     [2348, 1451, 3522, 2883, 3047, 6650], [4047, 8828, 8732, 5743, 1091, 381]]
)
ALPHA = np.array([1.0, 1.2, 3.0, 3.2])


def hartmann6(x):
    return float(-np.sum(ALPHA * np.exp(-np.sum(A * (np.asarray(x) - P) ** 2, axis=1))))


def latencies(multivariate, seed, n_trials):
    study = optuna.create_study(sampler=optuna.samplers.TPESampler(seed=seed, multivariate=multivariate))
    out = []
    for _ in range(n_trials):
        t0 = time.perf_counter()
        trial = study.ask()
        x = [trial.suggest_float(f"x{i}", 0.0, 1.0) for i in range(6)]
        out.append((time.perf_counter() - t0) * 1000.0)
        study.tell(trial, hartmann6(x))
    return out


n_trials, checkpoints, seeds = int(sys.argv[1]), [int(c) for c in sys.argv[2].split(",")], int(sys.argv[3])
result = {"optuna": optuna.__version__}
for name, mv in (("tpe", False), ("tpe_multivariate", True)):
    runs = [latencies(mv, seed, n_trials) for seed in range(seeds)]
    # latency at n trials: median over all seeds of the asks made with n .. n+4 trials complete
    result[name] = {str(c): float(np.median([r[k] for r in runs for k in range(c, min(c + 5, n_trials))])) for c in checkpoints}
print(json.dumps(result))
