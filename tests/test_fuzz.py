"""Random front matter never produces a traceback: only findings."""

from __future__ import annotations

import datetime as dt
import tempfile
from pathlib import Path

import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from aims_plugin.checks import run_checks
from aims_plugin.files.load import load
from aims_plugin.model import FOLDER_KINDS, MODELS, Kind

KEYS = sorted({key for model in MODELS.values() for key in model.model_fields} | {"name", "bogus"})
scalars = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(min_value=-(10**20), max_value=10**20),
    st.floats(allow_nan=True),
    st.text(max_size=20),
    st.dates(),
    st.sampled_from(["A.2.2", "4.1", "POL-1", "../x", "approved", "public", "implemented", "files/a.txt"]),
)
values = st.recursive(
    scalars,
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=5), inner, max_size=3),
    max_leaves=8,
)
front_matter = st.dictionaries(st.sampled_from(KEYS), values, max_size=10)
folders = st.sampled_from([*FOLDER_KINDS, "elsewhere"])
raw_text = st.one_of(
    front_matter.map(lambda d: "---\n" + yaml.safe_dump(d, allow_unicode=True) + "---\nbody\n"),
    st.text(max_size=200).map(lambda t: "---\n" + t + "\n---\n"),
    st.binary(max_size=200),
)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(files=st.lists(st.tuples(folders, raw_text), min_size=1, max_size=4))
def test_random_front_matter_gives_findings_not_tracebacks(files):
    with tempfile.TemporaryDirectory() as tmp:
        content = Path(tmp) / "content"
        for index, (folder, text) in enumerate(files):
            path = content / folder / f"doc{index}.md"
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_bytes(text if isinstance(text, bytes) else text.encode("utf-8", "surrogatepass"))
        register = load(content, display_root=Path(tmp))
        findings = run_checks(register, dt.date(2026, 11, 24))
        for finding in findings:
            assert finding.path.startswith("content/")
            assert finding.line >= 1
        # Every file either became a record or has an error of its own.
        erroring = {f.path for f in findings if f.severity == "error"}
        for index, _ in enumerate(files):
            matches = [p for p in erroring if p.endswith(f"/doc{index}.md")]
            assert matches or any(r.source.rel.endswith(f"/doc{index}.md") for r in register.records)
        assert all(isinstance(r.kind, Kind) for r in register.records)
