"""The drafter on texts it was not built around: every text of the corpus of real commentaries gives
a draft that validates and whose citations check out, the held-out half keeps its score, and no
generated or mangled text fails to give a valid draft (hypothesis)."""

from __future__ import annotations

import importlib.util
import random
import shutil
import sys
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from upheaval import load
from upheaval.draft import draft, draft_yaml
from upheaval.draft._document import decode_text
from upheaval.errors import ModelError
from upheaval.model import parse_yaml
from upheaval.model._sources import cited_paragraph, normalise

ROOT = Path(__file__).resolve().parents[1]
CORPUS = ROOT / "tests" / "data" / "draft" / "corpus"
TEXTS = sorted(p for p in CORPUS.iterdir() if p.suffix in (".txt", ".md", ".html") and p.name != "README.md")
TEXTS += sorted(
    p for p in (ROOT / "tests" / "data" / "draft").iterdir() if p.suffix in (".md", ".html") and p.name != "README.md"
)


def _bench():
    spec = importlib.util.spec_from_file_location("bench_draft", ROOT / "bench" / "bench_draft.py")
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses look their module up
    spec.loader.exec_module(module)
    return module


@pytest.mark.parametrize("path", TEXTS, ids=lambda p: p.name)
def test_every_corpus_text_gives_a_draft_whose_citations_check_out(tmp_path, path):
    d = draft(path)
    system = parse_yaml(draft_yaml(d), "draft.yaml")
    assert system.descriptors and all(len(x.variants) >= 2 for x in system.descriptors)
    assert not any("first variant" in v.label.lower() for x in system.descriptors for v in x.variants)
    paras = {(p.section, p.number): p.text for p in d.document.paragraphs()}
    for item in d.items():
        for c in item.cites:
            assert c.quote and c.quote in paras[(c.section, c.paragraph)], (item, c)
    if d.document.checkable:  # beside its text, loading checks every citation against it
        shutil.copy(path, tmp_path / path.name)
        (tmp_path / "d.yaml").write_text(draft_yaml(d, path.name), encoding="utf-8")
        loaded = load(tmp_path / "d.yaml")
        cites = [c for t in loaded.ties for c in t.cites]
        assert all(normalise(c.quote) in normalise(cited_paragraph(loaded, c)) for c in cites)


def test_the_held_out_half_keeps_its_score():
    bench = _bench()
    split = bench.load_split()
    scores = {name: bench.score_text(name) for name in split["held-out"]}
    assert all(s.valid for s in scores.values())
    medians = bench.summary(scores)
    for element, (r_min, p_min) in bench.TARGETS.items():
        recall, precision = medians[element]
        assert recall is not None and recall >= r_min, (element, medians[element])
        if p_min is not None:
            assert precision is not None and precision >= p_min, (element, medians[element])
    for name, s in scores.items():
        if len(bench.load_gold(name)["conditionals"]) >= 3:
            assert s.named_descriptors >= 3, name


def test_the_corpus_split_is_fixed_and_covers_every_text():
    split = _bench().load_split()
    tuning, held_out = set(split["tuning"]), set(split["held-out"])
    assert not tuning & held_out
    assert tuning | held_out == {p.name for p in TEXTS if p.parent == CORPUS}
    assert len(held_out) >= 5 and len(tuning) >= 5


# ---------------------------------------------------------------------------------------------- fuzz

_WORDS = [
    "Hizbullah",
    "Hezbollah",
    "Hizballah",
    "Ansar",
    "Allah",
    "Houthis",
    "U.K.",
    "Britain",
    "British",
    "U.S.",
    "Washington",
    "Russia",
    "Kyiv",
    "Beijing",
    "Rwanda-backed",
    "M23",
    "ECOWAS",
    "Israel-Hamas",
    "attacked",
    "struck",
    "sanctioned",
    "was",
    "by",
    "supplied",
    "drones",
    "to",
    "warned",
    "accuses",
    "of",
    "backing",
    "if",
    "should",
    "unless",
    "until",
    "whether",
    "in",
    "the",
    "event",
    "of",
    "as",
    "long",
    "as",
    "the",
    "longer",
    "the",
    "more",
    "options",
    "range",
    "from",
    "three",
    "to",
    "four",
    "thousand",
    "troops",
    "50,000",
    "to",
    "100,000",
    "hundreds",
    "of",
    "ships",
    "16-day",
    "US$2,000",
    "per",
    "month",
    "40%",
    "June",
    "13",
    "July",
    "2006",
    "Sept.",
    "19",
    "spring",
    "2023",
    "Fateh",
    "110",
    "Resolution",
    "1701",
    ",",
    ".",
    ";",
    ":",
    "(",
    ")",
    "—",
    "-",
    "'",
    '"',
    "1.",
    "2.",
    "#",
    "##",
    "*",
    "und",
    "der",
    "Україна",
    "中国",
    "☃",
    "\u200b",
]

_sentence = st.lists(st.sampled_from(_WORDS), min_size=1, max_size=25).map(" ".join)
_paragraphs = st.lists(_sentence, min_size=1, max_size=6).map(lambda ss: " ".join(ss))
_composed = st.lists(_paragraphs, min_size=1, max_size=6).map(lambda ps: "\n\n".join(ps))
_FUZZ = settings(max_examples=40, deadline=None, derandomize=True, suppress_health_check=[HealthCheck.too_slow])


def _valid_or_refused(tmp_path: Path, name: str, data: bytes) -> None:
    """A draft that validates, or (for no text at all) a ModelError naming the file."""
    p = tmp_path / name
    p.write_bytes(data)
    try:
        d = draft(p)
    except ModelError as exc:
        assert exc.path == str(p) and [x.code for x in exc.problems] in (["empty"], ["not-text"])
        if exc.problems[0].code == "empty":  # nothing but spaces and control characters
            text, _encoding = decode_text(data, p)
            assert not text.strip()
        return
    parse_yaml(draft_yaml(d), "fuzz.yaml")


@_FUZZ
@given(text=_composed, suffix=st.sampled_from([".txt", ".md", ".html"]))
def test_fuzz_composed_texts_give_valid_drafts(tmp_path_factory, text, suffix):
    _valid_or_refused(tmp_path_factory.mktemp("f"), f"t{suffix}", text.encode("utf-8"))


@_FUZZ
@given(text=st.text(min_size=0, max_size=400), encoding=st.sampled_from(["utf-8", "utf-16", "utf-32"]))
def test_fuzz_any_unicode_in_any_encoding_gives_a_valid_draft_or_a_clear_refusal(tmp_path_factory, text, encoding):
    _valid_or_refused(tmp_path_factory.mktemp("f"), "t.txt", text.encode(encoding, "surrogatepass"))


@_FUZZ
@given(data=st.binary(max_size=300))
def test_fuzz_raw_bytes_give_a_valid_draft_or_a_clear_refusal(tmp_path_factory, data):
    _valid_or_refused(tmp_path_factory.mktemp("f"), "t.txt", data)


@_FUZZ
@given(index=st.integers(0, len(TEXTS) - 1), seed=st.integers(0, 2**32 - 1))
def test_fuzz_mangled_real_texts_give_valid_drafts(tmp_path_factory, index, seed):
    """A corpus text cut at random places, its paragraphs shuffled, dropped and repeated."""
    rng = random.Random(seed)
    raw = TEXTS[index].read_text(encoding="utf-8")
    paras = raw.split("\n\n")
    rng.shuffle(paras)
    kept = [p for p in paras if rng.random() < 0.7] + rng.sample(paras, k=min(2, len(paras)))
    text = "\n\n".join(kept)
    a, b = sorted(rng.randrange(len(text) + 1) for _ in range(2))
    _valid_or_refused(tmp_path_factory.mktemp("f"), TEXTS[index].name, (text[:a] + text[b:] or "x").encode("utf-8"))
