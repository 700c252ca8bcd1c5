"""The country table every layer may use, checked against ISO 3166 as pycountry ships it."""

from __future__ import annotations

import pycountry

from upheaval._countries import COUNTRIES, GROUPS, actor_lookup_rows


def test_every_state_has_its_iso_code_and_one_of_its_iso_names():
    for code, names, _cow, _gw in COUNTRIES:
        iso = pycountry.countries.get(alpha_3=code)
        assert iso is not None, code
        iso_names = {iso.name, getattr(iso, "common_name", None), getattr(iso, "official_name", None)}
        assert iso_names & set(names), (code, names)


def test_codes_and_numbers_name_one_actor_each():
    codes = [code for code, *_ in COUNTRIES] + [code for code, *_ in GROUPS]
    assert len(codes) == len(set(codes))
    numbers = [n for _code, _names, cow, gw in COUNTRIES for n in {cow, gw} if n is not None]
    assert len(numbers) == len(set(numbers))
    keys = [k for k, _ in actor_lookup_rows()]
    assert len(keys) == len(set(keys))
