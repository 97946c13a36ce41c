"""Forecasts in users' hands: runs of the forecast model started from the app and stored with their tables,
their pages with charts, tables and downloads, and reform scenarios kept and edited as YAML."""
