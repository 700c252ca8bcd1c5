"""ScenarioWizard .scw reading and writing: the oracle files, round trips, malformed files."""

from __future__ import annotations

import shutil
from pathlib import Path

import numpy as np
import pytest

from upheaval import load, save_system
from upheaval.cib import compile_system, find_consistent
from upheaval.errors import ModelError
from upheaval.formats import read_matrix_csv, read_scw, write_matrix_csv, write_scw

ORACLES = Path(__file__).parent / "data" / "scenariowizard"
SCW = sorted(ORACLES.glob("*.scw"))


def test_global_structure_and_matrix():
    s = read_scw(ORACLES / "CIB_global.scw")
    assert s.id == "CIB_global" and s.as_of is None  # the format holds no date: none is invented
    assert [d.id for d in s.descriptors] == ["WTRD", "WSEC", "WECO"]
    assert [v.label for v in s.descriptors[2].variants] == ["Decl", "Stag", "ModGr", "RpdGr"]
    cim = compile_system(s)
    assert cim.sizes == (3, 3, 4)
    assert cim.values[0].tolist() == [0, 0, 0, 1, 2, -3, -4, -2, 3, 3]
    assert cim.values[9].tolist() == [3, -6, 3, -1, 1, 0, 0, 0, 0, 0]


@pytest.mark.parametrize("path", SCW, ids=lambda p: p.stem)
def test_round_trip_keeps_matrix_and_names(path, tmp_path):
    s1 = read_scw(path)
    out = tmp_path / path.name
    write_scw(s1, out)
    s2 = read_scw(out)
    c1, c2 = compile_system(s1), compile_system(s2)
    assert np.array_equal(c1.values, c2.values)
    assert c1.descriptor_ids == c2.descriptor_ids and c1.variant_ids == c2.variant_ids
    assert [d.label for d in s1.descriptors] == [d.label for d in s2.descriptors]
    assert [i.diagonal for i in s1.impacts] == [i.diagonal for i in s2.impacts]
    assert [(i.source, i.target, i.rationale) for i in s1.impacts] == [
        (i.source, i.target, i.rationale) for i in s2.impacts
    ]


def test_load_and_save_system_dispatch_on_suffix(tmp_path):
    s = load(ORACLES / "CIB_global.scw")
    save_system(s, tmp_path / "copy.scw")
    assert np.array_equal(compile_system(load(tmp_path / "copy.scw")).values, compile_system(s).values)


def test_texts_names_and_encoding(tmp_path):
    s = read_scw(ORACLES / "CIB_global.scw")
    s.descriptors[0].description = 'Trade "regime", with quotes\nover two lines'
    s.descriptors[0].label = "Welt-Handel (global) é"
    s.impacts[0].rationale = "Free trade eases tension."
    out = tmp_path / "texts.scw"
    write_scw(s, out)
    raw = out.read_bytes()
    assert b"\r\n" in raw and "é".encode("cp1252") in raw
    back = read_scw(out)
    assert back.descriptors[0].description == s.descriptors[0].description
    assert back.descriptors[0].label == "Welt-Handel (global) é"
    assert back.descriptors[0].id == "Welt-Handel_global_"[:-1]
    assert back.impacts[0].rationale == "Free trade eases tension."


def test_lf_and_crlf_read_the_same(tmp_path):
    src = (ORACLES / "CIB_global.scw").read_bytes().replace(b"\r\n", b"\n")
    (tmp_path / "lf.scw").write_bytes(src)
    (tmp_path / "crlf.scw").write_bytes(src.replace(b"\n", b"\r\n"))
    a = compile_system(read_scw(tmp_path / "lf.scw"))
    b = compile_system(read_scw(tmp_path / "crlf.scw"))
    assert np.array_equal(a.values, b.values)


def _broken(tmp_path, old: str, new: str, count: int = 1) -> Path:
    text = (ORACLES / "CIB_global.scw").read_text()
    assert old in text
    path = tmp_path / "broken.scw"
    path.write_text(text.replace(old, new, count))
    return path


def test_wrong_row_width_names_file_line_and_fix(tmp_path):
    path = _broken(tmp_path, " 0 , 0 , 0 , 1 , 2 ,-3 ,-4 ,-2 , 3 , 3 ", " 0 , 0 , 0 , 1 , 2 ,-3 ,-4 ,-2 , 3 ")
    with pytest.raises(ModelError) as err:
        read_scw(path)
    p = err.value.problems[0]
    assert p.code == "row-width" and p.line == 44
    assert "9 cells" in p.message and "10" in p.help
    assert str(path) in str(err.value) and ":44:" in str(err.value)


def test_non_integer_cell(tmp_path):
    path = _broken(tmp_path, " 0 , 0 , 0 , 1 , 2 ,-3 ,-4 ,-2 , 3 , 3 ", " 0 , 0 , x , 1 , 2 ,-3 ,-4 ,-2 , 3 , 3 ")
    with pytest.raises(ModelError) as err:
        read_scw(path)
    p = err.value.problems[0]
    assert p.code == "bad-cell" and p.line == 44 and "`x`" in p.message and p.column == 9


def test_missing_matrix_rows(tmp_path):
    text = (ORACLES / "CIB_global.scw").read_text().splitlines()
    path = tmp_path / "short.scw"
    path.write_text("\n".join(text[:48]) + "\n")
    with pytest.raises(ModelError) as err:
        read_scw(path)
    assert err.value.problems[0].code == "missing-section"
    assert "matrix row 6 of 10" in err.value.problems[0].message


def test_missing_sections_and_bad_header(tmp_path):
    path = tmp_path / "cut.scw"
    path.write_text("$ ScenarioWizard 4.0\ncut.scw\n&A\n -x\n -y\n")
    with pytest.raises(ModelError, match="ends before"):
        read_scw(path)
    path.write_text("hello\n")
    with pytest.raises(ModelError, match="ScenarioWizard"):
        read_scw(path)
    path.write_text("$ ScenarioWizard 4.0\nx.scw\n&A\n -x\n#\n")
    with pytest.raises(ModelError, match="at least two"):
        read_scw(path)


def test_matrix_csv_round_trip(tmp_path):
    cim = compile_system(read_scw(ORACLES / "CIB_nested.scw"))
    write_matrix_csv(cim, tmp_path / "m.csv")
    back = read_matrix_csv(tmp_path / "m.csv")
    assert np.array_equal(back.values, cim.values)
    assert back.descriptor_ids == cim.descriptor_ids and back.variant_ids == cim.variant_ids
    (tmp_path / "bad.csv").write_text((tmp_path / "m.csv").read_text().replace(",0,", ",zero,", 1))
    with pytest.raises(ModelError, match="not an integer"):
        read_matrix_csv(tmp_path / "bad.csv")


def test_copied_file_searches_like_the_original(tmp_path):
    shutil.copy(ORACLES / "CIB_natl_regional.scw", tmp_path / "x.scw")
    assert len(find_consistent(compile_system(read_scw(tmp_path / "x.scw")))) == 16
