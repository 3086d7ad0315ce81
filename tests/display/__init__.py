"""Tests on a real X server (Xvfb), driven from outside the program as a person would."""
