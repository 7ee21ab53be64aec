"""The benchmarks still run: their hall configs check and their in-process parts work.
(Their figures are not asserted here: speed is measured by running bench/, not in tests.)"""

from __future__ import annotations

import sys

from hallkit.config.load import check_text, load_config

from conftest import ROOT

sys.path.insert(0, str(ROOT / "bench"))

import lockers

import call_latency
import print_path
import queue_ops


def test_the_benchmark_halls_are_valid(tmp_path):
    for text in (call_latency.hall_config(tmp_path, 1883), queue_ops.hall_config(tmp_path, 1883, 100),
                 print_path.hall_config(tmp_path, 1883, [9100, 9101]), lockers.hall_config(tmp_path, 1883)):
        _, issues = check_text(text)
        assert not issues, [i.format("bench") for i in issues]


def test_the_print_path_renders_tickets(tmp_path):
    path = tmp_path / "hall.toml"
    path.write_text(print_path.hall_config(tmp_path / "var", 1883, [9100, 9101]))
    first, rest = print_path.render_cost(load_config(path), 3, "fs")
    assert first > 0 and len(rest) == 3


def test_the_queue_engine_alone_answers_every_issue(tmp_path):
    assert queue_ops.engine_alone(tmp_path, 8, 64) > 0
