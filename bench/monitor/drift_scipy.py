"""SciPy peer of bench/monitor/drift.ts: the same drift statistics on the same data, timed.

Usage: /usr/bin/python3 drift_scipy.py <data dir> <plan.json> <repeats>
Reads manifest.json and the raw arrays written by drift-data.ts, and plan.json (for each mode,
each column's tests and whether Keel treated a numeric column as discrete, i.e. <= 5 values);
prints JSON: per mode the median seconds over <repeats> runs and every statistic of the last run.
Discreteness is given, not detected, so the peer does slightly less work than Keel.
"""
import json
import os
import statistics
import sys
import time
import warnings

import numpy as np
import scipy
from scipy import stats
from scipy.spatial.distance import jensenshannon

QS = np.linspace(0.1, 0.9, 9)
EPS = 1e-4


def psi_from_counts(rc, cc):
    pr = rc / rc.sum()
    pc = cc / cc.sum()
    pr = np.where(pr == 0, EPS, pr)
    pc = np.where(pc == 0, EPS, pc)
    return float(np.sum((pc - pr) * np.log(pc / pr)))


def z_test(rc, cc):
    n1, n2 = rc.sum(), cc.sum()
    if np.count_nonzero(rc) == 1 and np.count_nonzero(cc) == 1 and np.argmax(rc) == np.argmax(cc):
        return 0.0, 1.0
    p1 = (n1 - rc[0]) / n1
    p2 = (n2 - cc[0]) / n2
    P = (p1 * n1 + p2 * n2) / (n1 + n2)
    z = (p1 - p2) / np.sqrt(P * (1 - P) * (1.0 / n1 + 1.0 / n2))
    return float(z), float(2 * (1 - stats.norm.cdf(abs(z))))


def count_tests(tests, rc, cc, out):
    for t in tests:
        if t == "psi":
            v = psi_from_counts(rc, cc)
            out[t] = {"statistic": v, "score": v}
        elif t == "jensenshannon":
            v = float(jensenshannon(rc, cc))
            out[t] = {"statistic": v, "score": v}
        elif t == "chisquare":
            r = stats.chisquare(cc, rc * (cc.sum() / rc.sum()))
            out[t] = {"statistic": float(r[0]), "score": float(r[1])}
        elif t == "chi2_contingency":
            r = stats.chi2_contingency(np.vstack([rc, cc]))
            out[t] = {"statistic": float(r[0]), "score": float(r[1])}
        elif t == "g_test":
            r = stats.chi2_contingency(np.vstack([rc, cc]), correction=False, lambda_="log-likelihood")
            out[t] = {"statistic": float(r[0]), "score": float(r[1])}
        elif t == "z":
            z, p = z_test(rc, cc)
            out[t] = {"statistic": z, "score": p}


def numeric_column(ref, cur, plan):
    r = ref[np.isfinite(ref)]
    c = cur[np.isfinite(cur)]
    out = {}
    tests = plan["tests"]
    if "ks" in tests:
        k = stats.ks_2samp(r, c)
        out["ks"] = {"statistic": float(k.statistic), "score": float(k.pvalue)}
    if "wasserstein" in tests:
        w = stats.wasserstein_distance(r, c)
        out["wasserstein"] = {"statistic": float(w), "score": float(w / max(np.std(r), 0.001))}
    if plan["discrete"]:
        vals, inv = np.unique(np.concatenate([r, c]), return_inverse=True)
        rc = np.bincount(inv[: len(r)], minlength=len(vals)).astype(np.float64)
        cc = np.bincount(inv[len(r):], minlength=len(vals)).astype(np.float64)
        count_tests([t for t in tests if t not in ("ks", "wasserstein")], rc, cc, out)
    elif "psi" in tests or "jensenshannon" in tests:
        cuts = np.unique(np.quantile(r, QS))
        rc = np.bincount(np.searchsorted(cuts, r, side="left"), minlength=len(cuts) + 1).astype(np.float64)
        cc = np.bincount(np.searchsorted(cuts, c, side="left"), minlength=len(cuts) + 1).astype(np.float64)
        count_tests([t for t in tests if t in ("psi", "jensenshannon")], rc, cc, out)
    return out


def categorical_column(ref, cur, levels, plan):
    rc = np.bincount(ref[ref >= 0], minlength=levels).astype(np.float64)
    cc = np.bincount(cur[cur >= 0], minlength=levels).astype(np.float64)
    present = (rc + cc) > 0
    out = {}
    count_tests(plan["tests"], rc[present], cc[present], out)
    return out


def main():
    # chisquare with a category only in current data divides by zero on purpose (statistic inf, p 0).
    warnings.simplefilter("ignore", RuntimeWarning)
    data_dir, plan_file, repeats = sys.argv[1], sys.argv[2], int(sys.argv[3])
    manifest = json.load(open(os.path.join(data_dir, "manifest.json")))
    plans = json.load(open(plan_file))
    arrays = {}
    for col in manifest["columns"]:
        ext = "f64" if col["kind"] == "numeric" else "i32"
        dtype = np.float64 if col["kind"] == "numeric" else np.int32
        arrays[col["name"]] = tuple(np.fromfile(os.path.join(data_dir, f"{col['name']}.{side}.{ext}"), dtype=dtype)
                                    for side in ("ref", "cur"))
    result = {"scipy": scipy.__version__, "numpy": np.__version__, "modes": {}}
    for mode, plan in plans.items():
        times = []
        stats_out = {}
        for _ in range(repeats):
            t0 = time.perf_counter()
            for col in manifest["columns"]:
                p = plan.get(col["name"])
                if p is None:
                    continue
                ref, cur = arrays[col["name"]]
                if col["kind"] == "numeric":
                    stats_out[col["name"]] = numeric_column(ref, cur, p)
                else:
                    stats_out[col["name"]] = categorical_column(ref, cur, len(col["levels"]), p)
            times.append(time.perf_counter() - t0)
        result["modes"][mode] = {"seconds": statistics.median(times), "runs": times, "stats": stats_out}
    json.dump(result, sys.stdout)


if __name__ == "__main__":
    main()
