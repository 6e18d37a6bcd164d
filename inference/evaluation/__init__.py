"""Evaluation: robot users and metrics, shared by offline runs and live dashboards."""
