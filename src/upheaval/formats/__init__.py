"""File formats: ScenarioWizard projects (.scw) and solution lists (.sl), CSV matrices, scenario sets as
CSV, JSON and Parquet files."""

from upheaval.formats._csv import read_matrix_csv, write_matrix_csv
from upheaval.formats._results import SCENARIO_FORMATS, write_scenarios, write_scenarios_json
from upheaval.formats._scw import read_scw, scw_losses, write_scw
from upheaval.formats._sl import SolutionRecord, read_sl, write_sl

__all__ = [
    "SCENARIO_FORMATS",
    "SolutionRecord",
    "read_matrix_csv",
    "read_scw",
    "read_sl",
    "scw_losses",
    "write_matrix_csv",
    "write_scenarios",
    "write_scenarios_json",
    "write_scw",
    "write_sl",
]
