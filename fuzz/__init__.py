"""Fuzzing RackStudio's loaders: structure-aware mutations (`mutations`), the loaders' promises
(`targets`), atheris harnesses (`design_loader`, `netbox_loader`) and the runner (`run`)."""
