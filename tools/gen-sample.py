#!/usr/bin/env python3
"""Generates DuckPond's bundled sample data (data/sample/*.csv.gz).

HydroVu-like raw readings, one CSV per instrument as `pond run … collect` would
store them: 15-minute `timestamp` (UTC), then `DO.mg/L`, `Salinity.psu`,
`Temperature.C`. Two sites from 2024-07-01 for about 20 months:

- BDock: sonde 123 until 2025-03-12 10:00, then a replacement sonde 124 (the sensor
  swap, with a few hours of overlap that `timeseries-join` ranges cut), plus a
  handful of readings stamped 1970-01-01 00:00:00 (a clock that was not set).
- Silver: sonde 456, with a three-week outage in 2025-01 and sporadic gaps.

Values follow a seasonal and daily cycle with seeded noise, so the files are the
same on every run: `python3 tools/gen-sample.py` rewrites them byte for byte.
"""
import csv
import datetime as dt
import gzip
import io
import math
import os
import random

OUT = os.path.join(os.path.dirname(__file__), "..", "data", "sample")
START = dt.datetime(2024, 7, 1)
END = dt.datetime(2026, 3, 1)
STEP = dt.timedelta(minutes=15)
SWAP = dt.datetime(2025, 3, 12, 10, 0)


def reading(t, rng, site_offset):
    day = (t - dt.datetime(2024, 1, 1)).total_seconds() / 86400.0
    season = math.cos(2 * math.pi * (day - 200) / 365.25)          # warmest in mid July
    daily = math.cos(2 * math.pi * (t.hour + t.minute / 60 - 15) / 24)
    temp = 12.5 + 4.0 * season + 0.8 * daily + site_offset + rng.gauss(0, 0.15)
    do = 14.6 - 0.35 * temp + 0.5 * daily + rng.gauss(0, 0.1)      # colder water holds more oxygen
    sal = 31.0 - 2.5 * max(0.0, -season) + rng.gauss(0, 0.2)        # winter runoff freshens
    return round(do, 2), round(sal, 2), round(temp, 2)


def series(rng, start, end, site_offset, gaps):
    t = start
    while t < end:
        if not any(a <= t < b for a, b in gaps) and rng.random() > 0.002:
            yield t, reading(t, rng, site_offset)
        t += STEP


def write(name, rows):
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\n")
    w.writerow(["timestamp", "DO.mg/L", "Salinity.psu", "Temperature.C"])
    for t, (do, sal, temp) in rows:
        w.writerow([t.strftime("%Y-%m-%d %H:%M:%S"), do, sal, temp])
    path = os.path.join(OUT, name)
    # mtime=0 keeps the gzip bytes identical across runs.
    with open(path, "wb") as f, gzip.GzipFile(fileobj=f, mode="wb", mtime=0, filename="") as gz:
        gz.write(buf.getvalue().encode())
    print(f"{path}: {len(rows)} rows")


def main():
    rng = random.Random(20240701)
    epoch = dt.datetime(1970, 1, 1)
    old = list(series(rng, START, SWAP + dt.timedelta(hours=6), 0.0,
                      [(dt.datetime(2024, 10, 3), dt.datetime(2024, 10, 5, 12))]))
    # Four readings from before the sonde's clock was set, as in docs/export.md,
    # "The 1970 partition".
    old = [(epoch, reading(START, rng, 0.0)) for _ in range(4)] + old
    new = list(series(rng, SWAP, END, 0.0, [(dt.datetime(2025, 8, 20), dt.datetime(2025, 8, 21))]))
    silver = list(series(rng, START, END, -0.7,
                         [(dt.datetime(2025, 1, 6), dt.datetime(2025, 1, 27)),
                          (dt.datetime(2025, 6, 1, 3), dt.datetime(2025, 6, 1, 9))]))
    write("bdock-123.csv.gz", old)
    write("bdock-124.csv.gz", new)
    write("silver-456.csv.gz", silver)


if __name__ == "__main__":
    main()
