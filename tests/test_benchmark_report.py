"""The benchmark report's paired ratios: our time over another build's, round by round."""
from __future__ import annotations

import importlib.util
import sys

import pytest

from conftest import REPO


@pytest.fixture(scope="module")
def run():
    """``benchmarks/run.py`` as a module; the folders it puts on ``sys.path`` and the modules it imports
    from them are taken away afterwards, so that no other test sees them."""
    path, modules = list(sys.path), set(sys.modules)
    spec = importlib.util.spec_from_file_location("benchmark_run", REPO / "benchmarks" / "run.py")
    module = importlib.util.module_from_spec(spec)
    sys.modules["benchmark_run"] = module  # dataclasses look their module up while the class is made
    spec.loader.exec_module(module)
    yield module
    sys.path[:] = path
    ours = (str(REPO / "benchmarks"), str(REPO / "scripts"))
    for name in set(sys.modules) - modules:  # libraries it imported stay: one may not load twice (numpy)
        if str(getattr(sys.modules[name], "__file__", None) or "").startswith(ours):
            del sys.modules[name]
    sys.modules.pop("benchmark_run", None)


def test_each_round_s_ratio_cancels_the_machine_s_drift(run):
    # The machine slows down over the rounds; each round, ours takes 1.2 times Hugo's time.
    ours = run.Measured("ours (cold)", seconds=[1.2, 2.4, 3.6, 6.0])
    hugo = run.Measured("hugo", seconds=[1.0, 2.0, 3.0, 5.0])
    assert run.paired_ratios(ours, hugo) == ("Time ours/hugo paired by round (the two builds run one after "
                                             "the other): median 1.20×, from 1.20× to 1.20× over 4 rounds.")
    odd = run.Measured("hugo", seconds=[1.0, 4.0, 2.0])
    assert "median 0.90×, from 0.60× to 1.20× over 3 rounds" in run.paired_ratios(
        run.Measured("ours (cold)", seconds=[1.2, 2.4, 1.8]), odd)


def test_no_paired_ratio_when_a_build_missed_a_round(run):
    assert run.paired_ratios(run.Measured("ours (cold)", seconds=[1.0, 2.0]),
                             run.Measured("hugo", seconds=[1.0])) is None
    assert run.paired_ratios(run.Measured("ours (cold)"), run.Measured("hugo")) is None


def test_the_shape_table_shows_the_paired_ratio_and_a_single_list_table_does_not(run):
    stats = run.OutputStats(1000, 3, 100, "index.html")
    ours = run.Measured("ours (cold)", seconds=[2.0, 3.0, 2.5], peak_kib=[1024] * 3, output=stats)
    hugo = run.Measured("hugo", seconds=[1.0, 2.0, 2.5], peak_kib=[2048] * 3, output=stats)
    shape = run.SizeResult(3453, 3, "", [ours, hugo], [], [], shape="district", lists=30)
    text = "\n".join(run.size_table(shape))
    assert "- Time ours/hugo paired by round" in text and "median 1.50×, from 1.00× to 2.00×" in text
    single = run.SizeResult(1000, 3, "民政局", [ours, hugo], [], [])
    assert "paired by round" not in "\n".join(run.size_table(single))
