"""The indicator queries, written once with Ibis, give identical results on DuckDB and on PySpark."""

from __future__ import annotations

import datetime as dt
import os
import shutil
from pathlib import Path

import pytest

from upheaval import load
from upheaval.events import connect, demo_events_path, ingest
from upheaval.events._indicators import evaluate_indicators, events_table, make_periods

JAVA_17 = Path("/usr/lib/jvm/java-17-openjdk-amd64")


@pytest.fixture(scope="module")
def spark():
    if "JAVA_HOME" not in os.environ and JAVA_17.exists():
        os.environ["JAVA_HOME"] = str(JAVA_17)
    if "JAVA_HOME" not in os.environ and shutil.which("java") is None:
        pytest.skip(
            "PySpark needs a Java runtime (17 or newer) and none is installed: `bash scripts/test` installs one "
            "when run as root; or `apt-get install default-jre-headless`"
        )
    # A local job on the loopback address: Spark otherwise looks up the machine's own host name, which a
    # fresh container or chroot may not resolve (the gateway then exits before the test starts).
    os.environ.setdefault("SPARK_LOCAL_IP", "127.0.0.1")
    from pyspark.sql import SparkSession

    session = (
        SparkSession.builder.master("local[2]")
        .appName("upheaval-indicator-test")
        .config("spark.ui.enabled", "false")
        .config("spark.sql.shuffle.partitions", "2")
        .config("spark.sql.session.timeZone", "UTC")
        .config("spark.driver.memory", "1g")
        .config("spark.ui.showConsoleProgress", "false")
        .config("spark.sql.adaptive.enabled", "false")
        .config("spark.default.parallelism", "2")
        .getOrCreate()
    )
    session.sparkContext.setLogLevel("ERROR")
    yield session
    session.stop()


@pytest.mark.spark  # a JVM start and one Spark job: about a minute on a busy two-core machine
def test_indicator_queries_agree_on_duckdb_and_pyspark(tmp_path, spark):
    """Every value (counts, baselines, an absence, a mention share) and every signal is the same."""
    import ibis

    db = tmp_path / "events.duckdb"
    ingest([demo_events_path()], db)
    con = connect(db)
    con.execute(f"COPY events TO '{tmp_path / 'events.parquet'}' (FORMAT parquet)")
    spark.read.parquet(str(tmp_path / "events.parquet")).createOrReplaceTempView("events")
    spark_events = ibis.pyspark.connect(spark).table("events")
    duck_events = events_table(con)

    system = load()
    chosen = {"dprk_troops_deployed", "beijing_quiet_on_dprk", "west_aid_surge"}  # count, absence, baseline
    inds = [i for i in system.indicators if i.id in chosen]
    inds.append(inds[0].model_copy(update={"id": "troops_mention_share", "measure": "mention_share"}))
    periods = make_periods(dt.date(2024, 5, 1), dt.date(2024, 12, 1), "1m")

    duck = evaluate_indicators(duck_events, system, periods, inds)
    spark_values = evaluate_indicators(spark_events, system, periods, inds)
    for row_d, row_s in zip(duck, spark_values, strict=True):
        for vd, vs in zip(row_d, row_s, strict=True):
            assert (vd.id, vd.signals) == (vs.id, vs.signals)
            if vd.value is None:
                assert vs.value is None, vd.id
            else:
                assert vd.value == pytest.approx(vs.value, rel=1e-9), (vd.id, vd.value, vs.value)
            if vd.baseline is not None:
                assert vd.baseline == pytest.approx(vs.baseline, rel=1e-9)
    assert any(v.signals for row in duck for v in row) and any(v.baseline for row in duck for v in row)
    con.close()
