"""Reference data shipped with the platform: regions (GB/T 2260), industries (GB/T 4754-2017),
industrial clusters and parks, and the provincial plan's 2025 targets. Imports only ``core``."""
