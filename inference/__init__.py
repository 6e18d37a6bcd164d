"""Maskloop's model library: engines, prompts, masks and evaluation.

Framework-free by design: this package takes numpy arrays and small dataclasses and
returns numpy. It never imports django, channels or celery (a test enforces it).
"""
