"""Property-based tests of hostile input. Their Hypothesis profile (a modest number of
examples, no deadlines, derandomized so CI runs the same examples every time) is loaded by
the suite's root conftest, for every test that uses Hypothesis."""
