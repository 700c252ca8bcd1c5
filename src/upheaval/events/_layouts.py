"""The layouts of the event files upheaval reads, and how to tell them apart."""

from __future__ import annotations

import gzip
import io
import zipfile
import zlib
from pathlib import Path

from upheaval.errors import EventDataError

__all__ = [
    "EVENT_FORMATS",
    "GDELT1_COLUMNS",
    "GDELT2_COLUMNS",
    "GDELT2_MENTIONS_COLUMNS",
    "first_lines",
    "sniff_format",
]

EVENT_FORMATS = ("gdelt1", "gdelt2", "gdelt2-mentions", "acled", "icews", "polecat")

# GDELT event fields shared by 1.0 and 2.0 (GDELT Event Codebook V2.0, 2015, and
# GDELT Data Format Codebook V1.03, 2013): the first 35 columns.
_GDELT_HEAD = [
    "GLOBALEVENTID", "SQLDATE", "MonthYear", "Year", "FractionDate",
    *[f"Actor{n}{f}" for n in (1, 2) for f in (
        "Code", "Name", "CountryCode", "KnownGroupCode", "EthnicCode", "Religion1Code",
        "Religion2Code", "Type1Code", "Type2Code", "Type3Code")],
    "IsRootEvent", "EventCode", "EventBaseCode", "EventRootCode", "QuadClass",
    "GoldsteinScale", "NumMentions", "NumSources", "NumArticles", "AvgTone",
]  # fmt: skip
_GEO1 = ["Type", "FullName", "CountryCode", "ADM1Code", "Lat", "Long", "FeatureID"]
_GEO2 = ["Type", "FullName", "CountryCode", "ADM1Code", "ADM2Code", "Lat", "Long", "FeatureID"]
_PLACES = ("Actor1Geo_", "Actor2Geo_", "ActionGeo_")

GDELT1_COLUMNS = [*_GDELT_HEAD, *[p + f for p in _PLACES for f in _GEO1], "DATEADDED", "SOURCEURL"]
"""GDELT 1.0 event columns: 57, or 58 with SOURCEURL (daily files from April 2013)."""
GDELT2_COLUMNS = [*_GDELT_HEAD, *[p + f for p in _PLACES for f in _GEO2], "DATEADDED", "SOURCEURL"]
"""GDELT 2.0 event columns (61)."""
GDELT2_MENTIONS_COLUMNS = [
    "GLOBALEVENTID", "EventTimeDate", "MentionTimeDate", "MentionType", "MentionSourceName",
    "MentionIdentifier", "SentenceID", "Actor1CharOffset", "Actor2CharOffset", "ActionCharOffset",
    "InRawText", "Confidence", "MentionDocLen", "MentionDocTone", "MentionDocTranslationInfo", "Extras",
]  # fmt: skip
"""GDELT 2.0 mentions columns (16; older files have 15, without Extras)."""


def first_lines(path: Path, n: int = 3) -> list[str]:
    """The first ``n`` lines of a plain, ``.gz`` or ``.zip`` (first member) file, decoded leniently."""
    try:
        if path.suffix.lower() == ".gz":
            stream: io.BufferedIOBase = gzip.open(path, "rb")  # type: ignore[assignment]  # noqa: SIM115
        elif path.suffix.lower() == ".zip":
            with zipfile.ZipFile(path) as z:
                names = [m for m in z.namelist() if not m.endswith("/")]
                if not names:
                    raise EventDataError(f"{path}: the zip archive is empty")
                data = z.open(names[0]).read(1 << 16)
            stream = io.BytesIO(data)  # type: ignore[assignment]
        else:
            stream = open(path, "rb")  # noqa: SIM115
        with stream:
            lines = []
            for raw in stream:
                lines.append(raw.decode("utf-8", errors="replace").rstrip("\r\n"))
                if len(lines) >= n:
                    break
            return lines
    except (OSError, zipfile.BadZipFile, EOFError, zlib.error) as exc:
        if path.suffix.lower() in (".gz", ".zip") and not isinstance(exc, FileNotFoundError):
            raise EventDataError(f"{path}: the archive is truncated or corrupt ({exc}); download it again") from None
        raise EventDataError(f"{path}: cannot read ({exc})") from None


def sniff_format(path: Path) -> str:
    """Guess the layout of an event file from its first lines.

    Files with a header (ACLED, ICEWS, POLECAT) are told by their column names; GDELT
    files, which have no header, by their number of tab-separated fields.
    """
    lines = [ln for ln in first_lines(path) if ln.strip()]
    if not lines:
        raise EventDataError(
            f"{path}: the file is empty",
        )
    head = lines[0].lstrip("\ufeff")
    tabs = head.split("\t")
    names = {c.strip().strip('"').lower() for c in tabs}
    if "event id" in names and ("event type" in names or "quad code" in names) and "cameo code" not in names:
        return "polecat"
    if "event id" in names and "cameo code" in names:
        return "icews"
    commas = {c.strip().strip('"').lower() for c in head.split(",")}
    if "event_id_cnty" in commas or "event_id_cnty" in names:
        return "acled"
    counts = [len(ln.split("\t")) for ln in lines]
    n = max(set(counts), key=counts.count)
    if n in (57, 58):
        return "gdelt1"
    if n == 61:
        return "gdelt2"
    if n in (15, 16):
        return "gdelt2-mentions"
    raise EventDataError(
        f"{path}: cannot tell the layout (first line has {n} tab-separated fields); "
        "pass --format gdelt1, gdelt2, gdelt2-mentions, acled, icews or polecat"
    )
