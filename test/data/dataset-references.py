# Computes the reference statistics in dataset-references.ts with pandas, independently of Keel.
# Run from the repository root with Debian's Python (pandas 1.5.3):
#   /usr/bin/python3 test/data/dataset-references.py > test/data/dataset-references.json
# Types follow Keel's documented rules: numbers whose every value is written without a decimal
# point -> integer, other numbers -> numeric, ISO dates/times ->
# timestamp, strings -> categorical when distinct <= max(50, min(1000, floor(5% of non-missing)))
# and the name is not an identifier (id, *_id...), else text.
import json, math, re
import pandas as pd

DATASETS = {
    "weather": "test/fixtures/datasets/weather/weather.csv",
    "flights": "test/fixtures/datasets/flights/flights.csv",
    "airports": "test/fixtures/datasets/flights/airports.csv",
    "penguins": "test/fixtures/datasets/penguins/penguins.csv",
    "breast_cancer": "test/fixtures/datasets/breast_cancer/breast_cancer.csv",
    "diabetes": "test/fixtures/datasets/diabetes/diabetes.csv",
    "fraud": "test/fixtures/fraud/tx_2000_seed42.csv",
}
ISO = re.compile(r"^\d{4}-\d{2}-\d{2}([ T]\d{2}:\d{2}(:\d{2}(\.\d+)?)?)?(Z|[+-]\d{2}(:?\d{2})?)?$")
ID = re.compile(r"(^|[_\-\s.])(id|uuid|guid)$", re.I)
ID_CAMEL = re.compile(r"[a-z0-9](Id|ID|Uuid|UUID|Guid|GUID)$")

def num(v):
    v = float(v)
    return None if math.isnan(v) else v

def column(df, raw, name):
    s = df[name]
    present = s.dropna()
    out = {"name": name, "missing": int(s.isna().sum()), "distinct": int(present.nunique())}
    if s.dtype == object and len(present) > 0 and all(ISO.match(str(v)) for v in present):
        t = pd.to_datetime(present, utc=True)
        out.update(type="timestamp", min=int(t.min().value // 10**6), max=int(t.max().value // 10**6))
    elif s.dtype == object:
        limit = max(50, min(1000, math.floor(0.05 * len(present))))
        text = ID.search(name) or ID_CAMEL.search(name) or out["distinct"] > limit
        out["type"] = "text" if text else "categorical"
        if not text:
            vc = present.value_counts()
            top = sorted(vc.items(), key=lambda kv: (-kv[1], kv[0]))[:3]
            out["top"] = [{"value": k, "count": int(v)} for k, v in top]
    else:
        whole = raw[name].dropna().str.fullmatch(r"-?\d+").all()
        out["type"] = "integer" if whole else "numeric"
        d = present.describe()
        out.update(mean=num(d["mean"]), std=num(d["std"]), min=num(d["min"]), p25=num(d["25%"]),
                   median=num(d["50%"]), p75=num(d["75%"]), max=num(d["max"]), zeros=int((present == 0).sum()))
    return out

refs = {}
for key, path in DATASETS.items():
    df = pd.read_csv(path, keep_default_na=False, na_values=[""])
    raw = pd.read_csv(path, dtype=str, keep_default_na=False, na_values=[""])
    refs[key] = {"file": path, "rows": len(df), "columns": [column(df, raw, c) for c in df.columns]}

refs["_generated"] = "by test/data/dataset-references.py with pandas " + pd.__version__ + "; do not edit by hand"
print(json.dumps(refs, indent=1))
