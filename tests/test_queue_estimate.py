"""The wait estimate against a simulated day of the demo hall."""

import subprocess

from hallkit.config.load import load_config
from hallkit.daemons.queue.simulate import simulate_day

from conftest import DEMO, hallctl_argv


def test_estimates_track_real_waits_on_a_simulated_day():
    report = simulate_day(load_config(DEMO), tickets=600, seed=1)
    assert report.tickets > 550  # every ticket that was issued got called by the end of the day
    assert report.estimated == report.tickets
    assert report.mean_wait_min > 5  # a day with real queues, or the estimate proves nothing
    assert report.mean_abs_error_min <= 0.3 * report.mean_wait_min
    assert report.within_5_min >= 0.7


def test_simulate_command_prints_the_report():
    proc = subprocess.run(hallctl_argv("queue", "simulate", "-c", str(DEMO), "--tickets", "300"),
                          capture_output=True, text=True, timeout=60)
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.startswith("simulated day: ") and "BDC" in proc.stdout
