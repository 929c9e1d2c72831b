"""Tests of the performance suite."""
