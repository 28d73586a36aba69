"""pyqtgraph charts over reports.metrics_series, for the dashboard. Importing this package imports
pyqtgraph (0.31 s): only the dashboard imports it, the first time it is shown."""
