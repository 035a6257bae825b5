"""Benchmark harness: ``make bench`` (``python -m bench``).

Seeds a sizeable dataset into a separate database (``lef_bench``) and prints, for
every page registered in ``bench/pages.py``, the median and 95th-percentile
server time, the number of SQL queries, and the ratio of the median to the
floor: the bare layout rendered for the same kind of visitor.
"""
