"""Qt-free. What a design reports: the figures the views show (totals), and the outputs of a
review: the revision diff, bill of materials, cable schedule, chart series (the dashboard and
the PDF report plot the same figures), stable JSON reports and a minimal XLSX writer.
Each module is imported on its own; nothing here loads Qt."""
