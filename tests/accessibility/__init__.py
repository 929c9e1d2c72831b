"""Tests of the accessibility suite: evaluate on recorded axe results, gather against real Chromium."""
