"""XGBoost batch prediction on the fraud CSV, the peer of `keel predict` in bench/serving/batch.ts.

    /usr/bin/python3 bench/serving/xgb_batch.py --data tx.csv --models <peers>/models --out out.csv

Uses the model train_peers.py --save-models wrote (xgb.json, meta.json: native categoricals as the
training codes). Prints one JSON line: rows, predict_s (Booster.inplace_predict on the encoded
matrix, 2 threads: what the learners' benchmark times), and e2e_s (pandas read_csv + encode +
predict + to_csv of the rows with their probability: the same job as keel predict).
"""
import argparse
import json
import math
import os
import time

import numpy as np
import pandas as pd
import xgboost as xgb

ap = argparse.ArgumentParser()
ap.add_argument("--data", required=True)
ap.add_argument("--models", required=True)
ap.add_argument("--out", required=True)
ap.add_argument("--threads", type=int, default=2)
a = ap.parse_args()

with open(os.path.join(a.models, "meta.json")) as f:
    meta = json.load(f)
booster = xgb.Booster()
booster.load_model(os.path.join(a.models, "xgb.json"))
booster.set_param({"nthread": a.threads})

t0 = time.perf_counter()
df = pd.read_csv(a.data)
cols = [df[c].to_numpy(dtype=np.float64) for c in meta["numeric"]]
for c in meta["categorical"]:
    codes = {v: float(i) for i, v in enumerate(meta["levels"][c])}
    cols.append(df[c].map(codes).astype(np.float64).to_numpy())
x = np.column_stack(cols)
t1 = time.perf_counter()
p = booster.inplace_predict(x)
t2 = time.perf_counter()
df["probability"] = p
df.to_csv(a.out, index=False)
t3 = time.perf_counter()
print(json.dumps({"rows": len(df), "predict_s": t2 - t1, "read_encode_s": t1 - t0, "write_s": t3 - t2, "e2e_s": t3 - t0,
                  "xgboost": xgb.__version__, "pandas": pd.__version__}))
