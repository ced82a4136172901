"""Tests of the Ultravox API client."""
