"""Painters shared by the views' items, the exporters (SVG, PNG, PDF) and the presentation, so
the same code draws on screen and on paper: `floor` (hall plan, in mm) and `elevation` (rack
elevations, in layout pixels); `sheet` adds the title block and legends of exported pages."""
