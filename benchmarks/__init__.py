"""Reproducible performance harness for studybot: `python -m benchmarks [--quick]`.

Every figure is printed next to a baseline measured in the same run, as a ratio. Timings are
reported, never asserted: the final table marks each target PASS or MISS and the run exits 0.
"""
