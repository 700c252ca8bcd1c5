"""The demonstration event file: the commentary's dated events plus seeded background, in GDELT 2.0 layout."""

from __future__ import annotations

import datetime as dt
import gzip
from collections.abc import Iterator
from importlib import resources
from pathlib import Path

import numpy as np

from upheaval.events._codes import goldstein, quad_class_of_root

__all__ = ["COMMENTARY_EVENTS", "DEMO_FILE", "demo_events_path", "gdelt2_line", "write_demo_events"]

DEMO_FILE = "demo-gdelt2-2024.csv.gz"

# How each actor appears in GDELT: actor code, name, CAMEO country code, known-group code.
_ACTORS = {
    "RUS": ("RUSGOV", "RUSSIA", "RUS", ""),
    "UKR": ("UKRGOV", "UKRAINE", "UKR", ""),
    "PRK": ("PRKGOV", "NORTH KOREA", "PRK", ""),
    "PRKMIL": ("PRKMIL", "NORTH KOREAN SOLDIER", "PRK", ""),
    "CHN": ("CHNGOV", "CHINA", "CHN", ""),
    "USA": ("USAGOV", "UNITED STATES", "USA", ""),
    "KOR": ("KORGOV", "SOUTH KOREA", "KOR", ""),
    "JPN": ("JPNGOV", "JAPAN", "JPN", ""),
    "IRN": ("IRNGOV", "IRAN", "IRN", ""),
    "NATO": ("IGONAT", "NATO", "", "NAT"),
    "EU": ("IGOEUREEC", "EUROPEAN UNION", "EUR", "EEC"),
    "DEU": ("DEUGOV", "GERMANY", "DEU", ""),
    "GBR": ("GBRGOV", "UNITED KINGDOM", "GBR", ""),
    "FRA": ("FRAGOV", "FRANCE", "FRA", ""),
    "POL": ("POLGOV", "POLAND", "POL", ""),
}
# Where events take place: full name, FIPS country code, latitude, longitude.
_PLACES = {
    "RUS": ("Moscow, Moskva, Russia", "RS", 55.7522, 37.6156),
    "KURSK": ("Kursk, Kursk, Russia", "RS", 51.7373, 36.1874),
    "UKR": ("Kyiv, Kyyiv, Misto, Ukraine", "UP", 50.4547, 30.5238),
    "PRK": ("Pyongyang, P'yongyang-si, North Korea", "KN", 39.0339, 125.7543),
    "CHN": ("Beijing, Beijing, China", "CH", 39.9075, 116.3972),
    "USA": ("Washington, District of Columbia, United States", "US", 38.8951, -77.0364),
    "KOR": ("Seoul, Seoul-t'ukpyolsi, South Korea", "KS", 37.5660, 126.9784),
    "BEL": ("Brussels, Bruxelles-Capitale, Belgium", "BE", 50.8503, 4.3517),
    "JPN": ("Tokyo, Tokyo, Japan", "JA", 35.6895, 139.6917),
}

# The commentary's dated events (Thompson 2024), as GDELT would code them:
# (first day, last day, source, target, CAMEO code, events, place, citation).
# Dates the commentary gives only by month are placed at dates reported in the press.
COMMENTARY_EVENTS: tuple[tuple[str, str, str, str, str, int, str, str], ...] = (
    # "DPRK Deploys Troops to Russia" para 1: the June strategic partnership agreement.
    ("2024-06-19", "2024-06-19", "RUS", "PRK", "057", 40, "PRK", "DPRK Deploys Troops to Russia ¶1"),
    ("2024-06-19", "2024-06-19", "PRK", "RUS", "057", 30, "PRK", "DPRK Deploys Troops to Russia ¶1"),
    ("2024-06-18", "2024-06-19", "RUS", "PRK", "042", 12, "PRK", "DPRK Deploys Troops to Russia ¶1"),
    ("2024-06-18", "2024-06-19", "PRK", "RUS", "043", 10, "PRK", "DPRK Deploys Troops to Russia ¶1"),
    # para 1: munitions, artillery and rockets, used against Ukraine.
    ("2024-01-05", "2024-11-30", "PRK", "RUS", "072", 60, "RUS", "DPRK Deploys Troops to Russia ¶1"),
    ("2024-01-05", "2024-11-30", "UKR", "PRK", "112", 25, "UKR", "DPRK Deploys Troops to Russia ¶1"),
    # para 2: October, ~10,000 soldiers deployed, equipped, given Russian uniforms.
    ("2024-10-08", "2024-11-30", "PRK", "RUS", "062", 70, "RUS", "DPRK Deploys Troops to Russia ¶2"),
    ("2024-10-10", "2024-11-30", "PRKMIL", "RUS", "154", 45, "KURSK", "DPRK Deploys Troops to Russia ¶2"),
    ("2024-10-08", "2024-11-10", "KOR", "PRK", "112", 30, "KOR", "DPRK Deploys Troops to Russia ¶2"),
    ("2024-10-18", "2024-11-10", "USA", "PRK", "112", 20, "USA", "DPRK Deploys Troops to Russia ¶2"),
    ("2024-10-10", "2024-11-20", "UKR", "PRK", "111", 25, "UKR", "DPRK Deploys Troops to Russia ¶2"),
    # para 2 and Implications para 1: US statements that DPRK troops are legitimate targets.
    ("2024-10-28", "2024-11-01", "USA", "PRKMIL", "138", 14, "USA", "Implications for NATO, South Korea, and China ¶1"),
    # para 2: reports of North Korean soldiers killed.
    ("2024-11-04", "2024-11-30", "UKR", "PRKMIL", "193", 10, "KURSK", "DPRK Deploys Troops to Russia ¶2"),
    # Implications para 1: NATO and European statements ("dangerous escalation", "turning point").
    ("2024-10-28", "2024-11-15", "NATO", "PRK", "111", 22, "BEL", "Implications for NATO, South Korea, and China ¶1"),
    ("2024-10-28", "2024-11-15", "NATO", "RUS", "111", 12, "BEL", "Implications for NATO, South Korea, and China ¶1"),
    ("2024-10-30", "2024-11-15", "EU", "PRK", "111", 14, "BEL", "Implications for NATO, South Korea, and China ¶1"),
    # Implications para 2: Zelensky's frustration at the lack of a response.
    ("2024-11-01", "2024-11-12", "UKR", "NATO", "114", 10, "UKR", "Implications for NATO, South Korea, and China ¶2"),
    # Implications paras 6-7: South Korea weighs arms for Ukraine and intelligence sharing.
    ("2024-10-22", "2024-11-30", "KOR", "UKR", "014", 18, "KOR", "Implications for NATO, South Korea, and China ¶6"),
    ("2024-10-24", "2024-11-20", "KOR", "PRK", "111", 16, "KOR", "Implications for NATO, South Korea, and China ¶6"),
    # Implications para 8: China quiet, "cautious but supportive".
    ("2024-10-24", "2024-11-20", "CHN", "RUS", "051", 8, "CHN", "Implications for NATO, South Korea, and China ¶8"),
    # Implications paras 9-10: Russia's deputy foreign minister in Beijing at the end of October.
    ("2024-10-29", "2024-10-31", "RUS", "CHN", "042", 12, "CHN", "Implications for NATO, South Korea, and China ¶9"),
    ("2024-10-29", "2024-10-31", "CHN", "RUS", "043", 10, "CHN", "Implications for NATO, South Korea, and China ¶9"),
    ("2024-10-29", "2024-10-31", "CHN", "RUS", "040", 10, "CHN", "Implications for NATO, South Korea, and China ¶9"),
    ("2024-10-29", "2024-10-31", "RUS", "CHN", "051", 8, "CHN", "Implications for NATO, South Korea, and China ¶9"),
)

# Background: (source, target, codes, events per month, place), for the whole year.
_BACKGROUND = (
    ("RUS", "UKR", ("190", "193", "194", "195"), 120, "UKR"),
    ("UKR", "RUS", ("190", "193", "194", "195"), 90, "RUS"),
    ("USA", "UKR", ("072", "0332", "042"), 10, "UKR"),
    ("NATO", "UKR", ("072", "053", "0332"), 6, "BEL"),
    ("EU", "UKR", ("071", "072", "051"), 6, "BEL"),
    ("DEU", "UKR", ("072",), 3, "UKR"),
    ("GBR", "UKR", ("072",), 3, "UKR"),
    ("EU", "RUS", ("163", "111"), 4, "BEL"),
    ("USA", "RUS", ("111", "163"), 5, "USA"),
    ("CHN", "RUS", ("040", "051", "061"), 6, "CHN"),
    ("RUS", "CHN", ("040", "051"), 5, "RUS"),
    ("USA", "CHN", ("111", "112", "040"), 8, "USA"),
    ("CHN", "USA", ("111", "040"), 6, "CHN"),
    ("KOR", "PRK", ("111", "112"), 3, "KOR"),
    ("PRK", "KOR", ("111", "138"), 4, "PRK"),
    ("KOR", "JPN", ("040", "042"), 3, "JPN"),
    ("USA", "KOR", ("040", "062"), 4, "KOR"),
    ("IRN", "RUS", ("072", "061"), 3, "RUS"),
    ("UKR", "USA", ("021", "023"), 6, "UKR"),
    ("FRA", "UKR", ("072", "042"), 2, "UKR"),
    ("POL", "UKR", ("072",), 2, "UKR"),
)


def gdelt2_line(
    event_id: int,
    day: dt.date,
    source: str,
    target: str,
    code: str,
    *,
    mentions: int,
    tone: float,
    place: str,
    added: dt.datetime,
    url: str,
) -> str:
    """One event as a tab-separated line of the GDELT 2.0 event layout (61 fields)."""
    fields: list[str] = [str(event_id), day.strftime("%Y%m%d"), day.strftime("%Y%m"), str(day.year)]
    fields.append(f"{day.year + (day.timetuple().tm_yday - 1) / 365:.4f}")
    for actor in (source, target):
        acode, name, country, group = _ACTORS[actor]
        kind = "MIL" if acode.endswith("MIL") else ("GOV" if acode.endswith("GOV") else "")
        fields += [acode, name, country, group, "", "", "", kind, "", ""]
    root = code[:2]
    fields += ["1", code, code[:3], root, str(quad_class_of_root(root)), f"{goldstein(code):.1f}"]
    fields += [str(mentions), str(max(1, mentions // 3)), str(mentions), f"{tone:.6f}"]
    for key in (source, target, None):
        pname, fips, lat, lon = _PLACES.get(place if key is None else key.removesuffix("MIL"), _PLACES[place])
        fields += ["4", pname, fips, fips + "00", "", f"{lat:.4f}", f"{lon:.4f}", "-1"]
    fields += [added.strftime("%Y%m%d%H%M%S"), url]
    return "\t".join(fields)


def _days(first: str, last: str) -> tuple[dt.date, int]:
    a, b = dt.date.fromisoformat(first), dt.date.fromisoformat(last)
    return a, (b - a).days + 1


def _demo_lines(random_state: int) -> Iterator[tuple[dt.date, str]]:
    rng = np.random.default_rng(random_state)
    rows: list[tuple[dt.date, str, str, str, int, str]] = []
    for first, last, src, tgt, code, n, place, _cite in COMMENTARY_EVENTS:
        start, span = _days(first, last)
        for k in rng.integers(0, span, size=n):
            rows.append((start + dt.timedelta(days=int(k)), src, tgt, code, int(rng.integers(2, 40)), place))
    year_start, year_days = _days("2024-01-01", "2024-11-30")
    for src, tgt, codes, per_month, place in _BACKGROUND:
        n = int(per_month * year_days / 30)
        for k, c in zip(rng.integers(0, year_days, size=n), rng.integers(0, len(codes), size=n), strict=True):
            rows.append(
                (year_start + dt.timedelta(days=int(k)), src, tgt, codes[int(c)], int(rng.integers(1, 20)), place)
            )
    rows.sort(key=lambda r: (r[0], r[1], r[2], r[3]))
    for n, (day, src, tgt, code, mentions, place) in enumerate(rows):
        eid = 1_180_000_000 + n
        tone = float(np.clip(goldstein(code) * 0.6 + rng.normal(0, 1.5), -15, 15))
        added = dt.datetime.combine(day, dt.time(int(rng.integers(0, 24)), 15 * int(rng.integers(0, 4))))
        url = f"https://demo.upheaval.invalid/{day:%Y/%m/%d}/{eid}"
        yield (
            day,
            gdelt2_line(eid, day, src, tgt, code, mentions=mentions, tone=tone, place=place, added=added, url=url),
        )


def write_demo_events(path: str | Path, random_state: int = 20241127) -> int:
    """Write the demonstration event file (GDELT 2.0 layout, gzip when the name ends in .gz); return its rows.

    The file holds the commentary's dated events (``COMMENTARY_EVENTS``), each repeated as
    several reports over its dates, plus background events between the usual dyads of
    the war from January to November 2024. The same ``random_state`` gives the same file
    byte for byte.
    """
    path = Path(path)
    lines = [line for _, line in _demo_lines(random_state)]
    data = ("\n".join(lines) + "\n").encode()
    if path.suffix == ".gz":
        with open(path, "wb") as raw, gzip.GzipFile(filename="", mode="wb", fileobj=raw, mtime=0) as f:
            f.write(data)
    else:
        path.write_bytes(data)
    return len(lines)


def demo_events_path() -> Path:
    """The demonstration event file shipped with upheaval."""
    return Path(str(resources.files("upheaval.events") / "data" / DEMO_FILE))


if __name__ == "__main__":  # regenerate the shipped file: python -m upheaval.events._demo
    target = Path(__file__).parent / "data" / DEMO_FILE
    print(f"{write_demo_events(target)} events written to {target}")
